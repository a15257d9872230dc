"""Supervision of licensed offices (S16, S17, P5): violations, the disciplinary ladder
(warning → temporary suspension → revocation), notices with the office's right to respond,
decisions, and the six-monthly office reports.

A violation type and a ladder step with ``municipality`` NULL are the global defaults
(seeded by migration ``0002``); a municipality's own rows replace them. The states of violations
and notices are declared in ``workflow.py`` and changed only by ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import NOTICE, OFFICE_REPORT, VIOLATION, NoticeStatus, ReportStatus, ViolationStatus

__all__ = [
    "OUTCOME_RANK",
    "Decision",
    "LadderStep",
    "Notice",
    "NoticeStatus",
    "OfficeReport",
    "Outcome",
    "ReportReminder",
    "ReportStatus",
    "Severity",
    "Violation",
    "ViolationEvidence",
    "ViolationSource",
    "ViolationStatus",
    "ViolationType",
]


class Severity(models.TextChoices):
    MINOR = "minor", "جزئی"
    MAJOR = "major", "عمده"
    GRAVE = "grave", "شدید"


class ViolationSource(models.TextChoices):
    """Who brought the violation to light."""

    SYSTEM = "system", "شناسایی سامانه"
    INSPECTOR = "inspector", "بازرس در بازدید نظارتی"
    SUPERVISOR = "supervisor", "ناظر"
    COMPLAINT = "complaint", "شکایت شهروند"  # citizens' complaints (issue 21): the choice only, for now


class Outcome(models.TextChoices):
    WARNING = "warning", "تذکر"
    SUSPENSION = "suspension", "تعلیق موقت"
    REVOCATION = "revocation", "لغو مجوز"


# Severity order of the outcomes (a higher rank is heavier).
OUTCOME_RANK = {Outcome.WARNING: 1, Outcome.SUSPENSION: 2, Outcome.REVOCATION: 3}


class ViolationType(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        help_text="خالی: پیش‌فرض همهٔ شهرداری‌ها",
    )
    code = models.SlugField("کد", max_length=40)
    title = models.CharField("عنوان", max_length=200)
    severity = models.CharField("شدت", max_length=8, choices=Severity.choices, default=Severity.MINOR)
    active = models.BooleanField("فعال", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "نوع تخلف"
        verbose_name_plural = "انواع تخلف"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="violation_type_code"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(municipality__isnull=True), name="violation_type_global_code"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LadderStep(models.Model):
    """One rung of the disciplinary ladder; rungs are climbed in ``position`` order."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        help_text="خالی: نردبان پیش‌فرض",
    )
    position = models.PositiveSmallIntegerField("ترتیب")
    outcome = models.CharField("پیامد", max_length=12, choices=Outcome.choices)
    suspension_days = models.PositiveSmallIntegerField("روزهای تعلیق", default=0)

    class Meta:
        ordering = ["municipality_id", "position"]
        verbose_name = "پلهٔ نردبان انضباطی"
        verbose_name_plural = "نردبان انضباطی"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "position"], name="ladder_step_position"),
            models.UniqueConstraint(
                fields=["position"], condition=Q(municipality__isnull=True), name="ladder_step_global_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.get_outcome_display()}"


class Violation(LifecycleModel):
    LIFECYCLE = VIOLATION  # its moves, declared once (workflow.py)

    licence = models.ForeignKey(
        "licences.Licence", verbose_name="مجوز", related_name="violations", on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    violation_type = models.ForeignKey(
        ViolationType, verbose_name="نوع تخلف", related_name="violations", on_delete=models.PROTECT
    )
    observed_at = models.DateTimeField("زمان مشاهده")
    description = models.TextField("شرح")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    recorded_at = models.DateTimeField("زمان ثبت", default=timezone.now)
    status = StatusField("وضعیت", max_length=8, choices=ViolationStatus.choices, default=ViolationStatus.OPEN)
    report_period = models.CharField("دورهٔ گزارش", max_length=8, blank=True, help_text="فقط برای گزارش ارسال‌نشده")
    source = models.CharField(
        "منشأ", max_length=10, choices=ViolationSource.choices, default=ViolationSource.SUPERVISOR, db_index=True
    )
    # What the recording code path saw, as data (see services.py «evidence»): the overcharge's
    # service, amounts and payment reference; the day's outside-hours transactions and approved
    # hours; the supervision visit and its failed items. Shown in words on the desk's pages.
    evidence = models.JSONField("شواهد", default=dict, blank=True)
    # the Tehran day of a detection made at most once a day (work outside approved hours)
    detected_on = models.DateField("روز شناسایی", null=True, blank=True)

    class Meta:
        ordering = ["-observed_at", "-pk"]
        verbose_name = "تخلف"
        verbose_name_plural = "تخلف‌ها"
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "report_period"], condition=~Q(report_period=""), name="violation_report_period"
            ),
            models.UniqueConstraint(
                fields=["licence", "violation_type", "detected_on"],
                condition=Q(detected_on__isnull=False),
                name="violation_detected_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.violation_type_id}"


class ViolationEvidence(models.Model):
    """A file attached to a violation as evidence (a photo or a PDF), checked by content; stored
    under a server-made name and served only through the supervision policy."""

    violation = models.ForeignKey(Violation, verbose_name="تخلف", related_name="files", on_delete=models.CASCADE)
    file = models.FileField("فایل", max_length=200)
    original_name = models.CharField("نام اصلی", max_length=160)
    mime = models.CharField("نوع", max_length=40)
    size = models.PositiveIntegerField("اندازه (بایت)")
    sha256 = models.CharField("چکیدهٔ SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="بارگذار",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    uploaded_at = models.DateTimeField("زمان بارگذاری", default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "فایل شاهد تخلف"
        verbose_name_plural = "فایل‌های شاهد تخلف"

    def __str__(self) -> str:
        return self.original_name


class Notice(LifecycleModel):
    """Notice of an intended decision; the office may respond until ``response_due``."""

    LIFECYCLE = NOTICE  # its moves, declared once (workflow.py)

    licence = models.ForeignKey(
        "licences.Licence", verbose_name="مجوز", related_name="notices", on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    violations = models.ManyToManyField(Violation, verbose_name="تخلف‌ها", related_name="notices")
    proposed_outcome = models.CharField("پیامد پیشنهادی", max_length=12, choices=Outcome.choices)
    proposed_suspension_days = models.PositiveSmallIntegerField("روزهای تعلیق پیشنهادی", default=0)
    ladder_position = models.PositiveSmallIntegerField("پلهٔ نردبان", default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="صادرکننده", null=True, related_name="+", on_delete=models.SET_NULL
    )
    issued_at = models.DateTimeField("زمان صدور", default=timezone.now)
    response_days = models.PositiveSmallIntegerField("مهلت پاسخ (روز کاری)", default=5)
    response_due = models.DateTimeField("مهلت پاسخ")
    response_text = models.TextField("پاسخ دفتر", blank=True)
    responded_at = models.DateTimeField("زمان پاسخ", null=True, blank=True)
    status = StatusField("وضعیت", max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    # when the reminder of the response deadline went out (``services.notices_remind``): once
    reminded_at = models.DateTimeField("زمان یادآوری مهلت پاسخ", null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = "اخطاریهٔ تصمیم"
        verbose_name_plural = "اخطاریه‌های تصمیم"

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.proposed_outcome}"


class Decision(models.Model):
    licence = models.ForeignKey(
        "licences.Licence", verbose_name="مجوز", related_name="decisions", on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    notice = models.OneToOneField(Notice, verbose_name="اخطاریه", related_name="decision", on_delete=models.PROTECT)
    violations = models.ManyToManyField(Violation, verbose_name="تخلف‌های استنادشده", related_name="decisions")
    outcome = models.CharField("پیامد", max_length=12, choices=Outcome.choices)
    reason = models.TextField("دلیل")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="تصمیم‌گیرنده", null=True, related_name="+", on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField("زمان تصمیم", default=timezone.now)
    suspension_until = models.DateField("تعلیق تا", null=True, blank=True)
    ladder_position = models.PositiveSmallIntegerField("پلهٔ نردبان", default=0)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = "تصمیم انضباطی"
        verbose_name_plural = "تصمیم‌های انضباطی"

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.outcome}"


class OfficeReport(LifecycleModel):
    """The office's six-monthly report (P5) and the supervisor's review of it (``status``,
    declared in ``workflow.OFFICE_REPORT``)."""

    LIFECYCLE = OFFICE_REPORT  # its moves, declared once (workflow.py)

    licence = models.ForeignKey(
        "licences.Licence", verbose_name="مجوز", related_name="office_reports", on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    period = models.CharField("دوره", max_length=8, help_text="نیم‌سال شمسی، مانند ۱۴۰۴-H2")
    submitted_at = models.DateTimeField("زمان ارسال", default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ارسال‌کننده", null=True, related_name="+", on_delete=models.SET_NULL
    )
    content = models.TextField("متن گزارش")
    status = StatusField("وضعیت بررسی", max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="بررسی‌کننده",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    reviewed_at = models.DateTimeField("زمان بررسی", null=True, blank=True)
    review_note = models.TextField("یادداشت بررسی", blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "گزارش شش‌ماهه"
        verbose_name_plural = "گزارش‌های شش‌ماهه"
        constraints = [models.UniqueConstraint(fields=["licence", "period"], name="office_report_period")]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.period}"


class ReportReminder(models.Model):
    """That the reminder for one licence and period was sent (so it is sent once)."""

    licence = models.ForeignKey("licences.Licence", related_name="+", on_delete=models.CASCADE)
    period = models.CharField(max_length=8)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "یادآوری گزارش"
        verbose_name_plural = "یادآوری‌های گزارش"
        constraints = [models.UniqueConstraint(fields=["licence", "period"], name="report_reminder_period")]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.period}"
