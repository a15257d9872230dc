"""Exam sessions, their seats and scores, interview panels and training credits (S10.3, S10.4).

The default figures of the relative pass rule (70% of the mean weighted score of the top 1%,
weighted 40% general / 60% specialised) are P7's, taken from comparable judicial e-services
offices: **examples**, each session sets its own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from . import messages as msg


def default_weights() -> dict[str, float]:
    return {"general": 0.4, "specialised": 0.6}  # P7, an example


def default_fixed_mark() -> int:
    return int(settings.EXAM_PASS_MARK)


def default_interview_mark() -> int:
    return int(settings.INTERVIEW_PASS_MARK)


class PassRule(models.TextChoices):
    FIXED = "fixed", "نمرهٔ قبولی ثابت"
    RELATIVE = "relative", "نسبی (درصدی از میانگین برترین‌ها)"


class PanelRule(models.TextChoices):
    MEAN = "mean", "میانگین نمره‌ها"
    ALL_PASS = "all_pass", "قبولی نزد همهٔ اعضا"


class AssessmentPolicy(models.Model):
    """A municipality's pass rules (S10.4, P7): what a new exam session and a new interview panel
    start with. A session or panel keeps its own copy, so changing the policy never changes a
    result already announced. Figures are examples until the municipality sets its own."""

    municipality = models.OneToOneField(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        related_name="assessment_policy",
        on_delete=models.CASCADE,
    )
    exam_pass_rule = models.CharField(
        "قاعدهٔ قبولی آزمون", max_length=8, choices=PassRule.choices, default=PassRule.FIXED
    )
    fixed_pass_mark = models.FloatField("نمرهٔ قبولی ثابت (از ۱۰۰)", default=default_fixed_mark)
    relative_share = models.FloatField("سهم از میانگین برترین‌ها (نمونه: ۰٫۷۰)", default=0.70)
    top_share = models.FloatField("سهم برترین‌ها (نمونه: ۰٫۰۱ یعنی ۱٪)", default=0.01)
    weight_general = models.FloatField("وزن بخش عمومی (نمونه: ۰٫۴)", default=0.4)
    weight_specialised = models.FloatField("وزن بخش تخصصی (نمونه: ۰٫۶)", default=0.6)
    interview_rule = models.CharField(
        "قاعدهٔ قبولی مصاحبه", max_length=8, choices=PanelRule.choices, default=PanelRule.MEAN
    )
    interview_pass_mark = models.FloatField("نمرهٔ قبولی مصاحبه (از ۱۰۰)", default=default_interview_mark)
    updated_at = models.DateTimeField("آخرین تغییر", auto_now=True)

    class Meta:
        verbose_name = "قاعدهٔ قبولی شهرداری"
        verbose_name_plural = "قاعده‌های قبولی شهرداری‌ها"

    def __str__(self) -> str:
        return f"قاعدهٔ قبولی {self.municipality}"

    @property
    def weights(self) -> dict[str, float]:
        return {"general": self.weight_general, "specialised": self.weight_specialised}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("fixed_pass_mark", "interview_pass_mark"):
            value = getattr(self, name)
            if value is None or not 0 <= value <= 100:
                errors[name] = msg.MARK
        for name in ("relative_share", "top_share"):
            value = getattr(self, name)
            if value is None or not 0 < value <= 1:
                errors[name] = msg.SHARE
        general, specialised = self.weight_general, self.weight_specialised
        if (
            general is None
            or specialised is None
            or min(general, specialised) < 0
            or abs(general + specialised - 1) > 1e-6
        ):
            errors["weight_specialised"] = msg.POLICY_WEIGHTS
        if errors:
            raise ValidationError(errors)


def policy_for(municipality_id: int) -> AssessmentPolicy:
    """The municipality's policy, or (unsaved) the system defaults when it has set none."""
    policy = AssessmentPolicy.objects.filter(municipality_id=municipality_id).first()
    return policy or AssessmentPolicy(municipality_id=municipality_id)


class ExamSession(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    call = models.ForeignKey("calls.Call", verbose_name="فراخوان", related_name="+", on_delete=models.PROTECT)
    title = models.CharField("عنوان", max_length=200)
    starts_at = models.DateTimeField("زمان برگزاری")
    place = models.CharField("محل برگزاری", max_length=300)
    seats = models.PositiveIntegerField("ظرفیت")
    pass_rule = models.CharField("قاعدهٔ قبولی", max_length=8, choices=PassRule.choices, default=PassRule.FIXED)
    fixed_pass_mark = models.FloatField("نمرهٔ قبولی ثابت", default=default_fixed_mark)
    relative_share = models.FloatField("سهم از میانگین برترین‌ها (نمونه: ۰٫۷۰)", default=0.70)
    top_share = models.FloatField("سهم برترین‌ها (نمونه: ۰٫۰۱)", default=0.01)
    weights = models.JSONField("وزن بخش‌ها (نمونه: ۴۰٪ عمومی، ۶۰٪ تخصصی)", default=default_weights)
    pass_mark = models.FloatField("نمرهٔ قبولی محاسبه‌شده", null=True, blank=True)
    decided_at = models.DateTimeField("زمان اعلام نتیجه", null=True, blank=True)
    created_at = models.DateTimeField("تاریخ ایجاد", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = "جلسهٔ آزمون"
        verbose_name_plural = "جلسه‌های آزمون"

    def __str__(self) -> str:
        return self.title


class ExamSeat(models.Model):
    session = models.ForeignKey(ExamSession, verbose_name="جلسه", related_name="seat_set", on_delete=models.CASCADE)
    application = models.ForeignKey(
        "applications.Application", verbose_name="پرونده", related_name="+", on_delete=models.PROTECT
    )
    parts = models.JSONField("نمرهٔ بخش‌ها", default=dict, blank=True)
    total = models.FloatField("نمرهٔ وزنی", null=True, blank=True)
    recorded_at = models.DateTimeField("زمان ثبت نمره", null=True, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = "صندلی آزمون"
        verbose_name_plural = "صندلی‌های آزمون"
        constraints = [models.UniqueConstraint(fields=["session", "application"], name="examseat_unique")]

    def __str__(self) -> str:
        return f"{self.session} – {self.application}"


class InterviewPanel(models.Model):
    application = models.OneToOneField(
        "applications.Application", verbose_name="پرونده", related_name="+", on_delete=models.PROTECT
    )
    rule = models.CharField("قاعدهٔ قبولی", max_length=8, choices=PanelRule.choices, default=PanelRule.MEAN)
    pass_mark = models.FloatField("نمرهٔ قبولی", default=default_interview_mark)
    decided_at = models.DateTimeField("زمان تصمیم", null=True, blank=True)
    # when and where the applicant is interviewed (``services.interview_schedule``): empty until
    # an examiner sets them; changed until the panel decides, each time with an SMS
    starts_at = models.DateTimeField("زمان مصاحبه", null=True, blank=True)
    place = models.CharField("محل مصاحبه", max_length=200, blank=True)

    class Meta:
        verbose_name = "هیئت مصاحبه"
        verbose_name_plural = "هیئت‌های مصاحبه"

    def __str__(self) -> str:
        return f"مصاحبهٔ {self.application}"


class InterviewScore(models.Model):
    panel = models.ForeignKey(InterviewPanel, related_name="scores", on_delete=models.CASCADE)
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="مصاحبه‌گر", related_name="+", on_delete=models.PROTECT
    )
    score = models.FloatField("نمره")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["panel", "pk"]
        verbose_name = "نمرهٔ مصاحبه"
        verbose_name_plural = "نمره‌های مصاحبه"
        constraints = [models.UniqueConstraint(fields=["panel", "examiner"], name="interviewscore_unique")]

    def __str__(self) -> str:
        return f"{self.panel}: {self.score}"


class TrainingCredit(models.Model):
    application = models.ForeignKey(
        "applications.Application", verbose_name="پرونده", related_name="+", on_delete=models.CASCADE
    )
    course_title = models.CharField("عنوان دوره", max_length=200)
    hours = models.PositiveSmallIntegerField("ساعت")
    approving_body = models.CharField("مرجع تأییدکننده", max_length=200)
    certificate_date = models.DateField("تاریخ گواهی")

    class Meta:
        ordering = ["application", "certificate_date"]
        verbose_name = "دورهٔ آموزشی"
        verbose_name_plural = "دوره‌های آموزشی"

    def __str__(self) -> str:
        return self.course_title
