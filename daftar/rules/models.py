"""The licence catalogue and its conditions as versioned, effective-dated data.

A ``RuleSet`` is one version of one licence type's conditions in one municipality. Drafts can
be edited; a published version never changes (editing means a new version), and whatever is
judged keeps a reference to the version used (``EligibilityCheck`` now, applications later).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .constants import Check, ConditionGroup, DocumentGroup, DocumentStage, LicenceKind, Verification

# Time limits per stage in Iranian working days (P1: each licence has a posted time limit).
# Example figures, not official ones: an administrator sets them per licence type.
DEFAULT_STAGE_DAYS = {
    "submitted": 3,
    "document_review": 10,
    "correction_requested": 10,
    "exam": 30,
    "interview": 20,
    "site_inspection": 15,
    "final_review": 7,
    "approved": 5,
}


STAGE_DAYS_INVALID = "مهلت مراحل باید شیئی از نام مرحله به عدد صحیح روز کاری (۰ تا ۳۶۵۰) باشد؛ مرحله‌ها: {stages}."


def default_stage_days() -> dict[str, int]:
    return dict(DEFAULT_STAGE_DAYS)


class LicenceType(models.Model):
    code = models.SlugField("شناسه", max_length=64, unique=True)
    title = models.CharField("عنوان مجوز", max_length=200)
    kind = models.CharField("نوع مجوز", max_length=16, choices=LicenceKind.choices, default=LicenceKind.APPROVAL)
    issuing_body = models.CharField("مرجع صدور", max_length=200)
    description = models.TextField("شرح", blank=True)
    legal_basis = models.TextField("مبنای قانونی", blank=True)
    search_text = models.TextField(editable=False, blank=True, db_index=False)
    is_active = models.BooleanField("فعال", default=True)
    stage_days = models.JSONField(
        "مهلت مراحل (روز کاری)",
        default=default_stage_days,
        # P1: legal deadlines per stage
        help_text="مهلت هر مرحله به روز کاری؛ اعداد پیش‌فرض نمونه‌اند و رسمی نیستند. "
        "correction_requested مهلت متقاضی برای اصلاح مدارک است.",
    )

    class Meta:
        ordering = ["title"]
        verbose_name = "نوع مجوز"
        verbose_name_plural = "انواع مجوز"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        days = self.stage_days
        bad = not isinstance(days, dict) or any(
            key not in DEFAULT_STAGE_DAYS
            or isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= 3650
            for key, value in days.items()
        )
        if bad:
            raise ValidationError({"stage_days": STAGE_DAYS_INVALID.format(stages="، ".join(DEFAULT_STAGE_DAYS))})


class RuleSet(models.Model):
    licence_type = models.ForeignKey(
        LicenceType, verbose_name="نوع مجوز", related_name="rule_sets", on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="rule_sets", on_delete=models.PROTECT
    )
    version = models.PositiveIntegerField("نسخه")
    effective_from = models.DateField("اجرا از")
    published = models.BooleanField("منتشرشده", default=False)
    note = models.CharField("توضیح تغییر", max_length=300, blank=True)
    created_at = models.DateTimeField("تاریخ ایجاد", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="ایجادکننده"
    )

    class Meta:
        ordering = ["licence_type", "municipality", "-version"]
        verbose_name = "نسخهٔ قواعد"
        verbose_name_plural = "نسخه‌های قواعد"
        constraints = [
            models.UniqueConstraint(fields=["licence_type", "municipality", "version"], name="ruleset_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type} — {self.municipality} — نسخهٔ {self.version}"


class Condition(models.Model):
    """One founding condition (S9.1 … S11.4, or an extra such as P4's age)."""

    rule_set = models.ForeignKey(RuleSet, related_name="conditions", on_delete=models.CASCADE)
    cid = models.CharField("شناسه", max_length=16)
    order = models.PositiveSmallIntegerField("ترتیب", default=0)
    group = models.CharField("گروه", max_length=16, choices=ConditionGroup.choices)
    text = models.TextField("متن شرط")
    citation = models.CharField("استناد", max_length=300)
    facts = models.JSONField("داده‌های لازم", default=list)
    check_type = models.CharField("نوع سنجش", max_length=16, choices=Check.choices)
    parameters = models.JSONField("پارامترها", default=dict, blank=True)
    verified_by = models.CharField("روش احراز", max_length=16, choices=Verification.choices)
    document_type = models.CharField("مدرک گواه", max_length=40, blank=True)

    class Meta:
        ordering = ["rule_set", "order"]
        verbose_name = "شرط"
        verbose_name_plural = "شرایط"
        constraints = [models.UniqueConstraint(fields=["rule_set", "cid"], name="condition_unique_in_ruleset")]

    def __str__(self) -> str:
        return f"{self.cid}: {self.text[:40]}"


class DocumentRequirement(models.Model):
    """A document of S12 required for a licence type."""

    licence_type = models.ForeignKey(LicenceType, related_name="documents", on_delete=models.CASCADE)
    code = models.SlugField("کد مدرک", max_length=40)
    order = models.PositiveSmallIntegerField("ترتیب", default=0)
    group = models.CharField("گروه", max_length=16, choices=DocumentGroup.choices)
    title = models.CharField("عنوان", max_length=200)
    citation = models.CharField("استناد", max_length=100, blank=True)
    required = models.BooleanField("الزامی", default=True)
    stage = models.CharField(
        "زمان ارائه", max_length=16, choices=DocumentStage.choices, default=DocumentStage.SUBMISSION
    )
    accepted_types = models.JSONField("انواع فایل", default=list)
    max_bytes = models.PositiveIntegerField("حداکثر حجم (بایت)")
    evidences = models.JSONField("شرایط گواهی‌شده", default=list, blank=True)

    class Meta:
        ordering = ["licence_type", "order"]
        verbose_name = "مدرک لازم"
        verbose_name_plural = "مدارک لازم"
        constraints = [models.UniqueConstraint(fields=["licence_type", "code"], name="document_unique_code")]

    def __str__(self) -> str:
        return self.title


class ScoringTable(models.Model):
    """Points for ranking applicants (P4), per municipality and licence type, versioned."""

    licence_type = models.ForeignKey(LicenceType, related_name="scoring_tables", on_delete=models.PROTECT)
    municipality = models.ForeignKey("municipalities.Municipality", related_name="+", on_delete=models.PROTECT)
    version = models.PositiveIntegerField("نسخه", default=1)
    effective_from = models.DateField("اجرا از")
    points = models.JSONField("جدول امتیاز")
    is_example = models.BooleanField("اعداد نمونه‌اند", default=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = "جدول امتیازدهی"
        verbose_name_plural = "جدول‌های امتیازدهی"
        constraints = [
            models.UniqueConstraint(fields=["licence_type", "municipality", "version"], name="scoring_unique_version"),
        ]

    def __str__(self) -> str:
        return f"امتیازدهی {self.licence_type} — نسخهٔ {self.version}"


class EligibilityCheck(models.Model):
    """A self-check a logged-in person ran: the facts, the verdict and the version used."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="eligibility_checks", on_delete=models.CASCADE)
    rule_set = models.ForeignKey(RuleSet, related_name="checks", on_delete=models.PROTECT)
    facts = models.JSONField()
    eligible = models.BooleanField(null=True)
    results = models.JSONField()
    scoring_table = models.ForeignKey(ScoringTable, null=True, blank=True, related_name="+", on_delete=models.PROTECT)
    score = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "سنجش شرایط"
        verbose_name_plural = "سنجش‌های شرایط"

    def __str__(self) -> str:
        return f"{self.user_id} — {self.rule_set_id}"
