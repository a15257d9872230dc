"""A complaint (شکایت) about one's own case or about an office (issue 21 §3), with its own
clock (``due``, ``DAFTAR_COMPLAINT_DUE_WORKING_DAYS`` working days) and its history
(``ComplaintEvent``, shown to both sides; every decision also writes an audit entry)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import COMPLAINT, ComplaintStatus


class CaseGround(models.TextChoices):
    """The national portal's complaint grounds for a case (P1)."""

    EXTRA_CONDITION = "extra_condition", "شرط اضافه بر شرایط مصوب"
    EXTRA_FEE = "extra_fee", "دریافت هزینهٔ اضافه"
    DEADLINE_PASSED = "deadline_passed", "گذشتن مهلت قانونی بدون پاسخ"
    REFUSAL_WITHOUT_REASON = "refusal_without_reason", "رد درخواست بدون ذکر دلیل"
    IN_PERSON_DEMAND = "in_person_demand", "الزام به مراجعهٔ حضوری"
    OTHER = "other", "موارد دیگر"


class OfficeGround(models.TextChoices):
    OVERCHARGE = "overcharge", "دریافت وجه بیش از تعرفه"
    CLOSED_IN_HOURS = "closed_in_hours", "بسته بودن در ساعات کار مصوب"
    CONDUCT = "conduct", "رفتار نامناسب"
    OTHER = "other", "موارد دیگر"


# what each ground means, shown under its radio button
GROUND_HELP = {
    "extra_condition": "شرطی خواسته شده که در شرایط مصوب این مجوز نیست.",
    "extra_fee": "هزینه‌ای خواسته شده که در تعرفهٔ مصوب نیست.",
    "deadline_passed": "مهلت رسیدگی گذشته و پاسخی نگرفته‌اید.",
    "refusal_without_reason": "درخواست شما بی‌آنکه شرطِ برآورده‌نشده گفته شود رد شده است.",
    "in_person_demand": "از شما خواسته‌اند برای کاری که برخط شدنی است حضوری مراجعه کنید.",
    "overcharge": "بیش از مبلغ تعرفهٔ مصوب از شما گرفته‌اند.",
    "closed_in_hours": "دفتر در ساعتی که باید باز می‌بود بسته بود.",
    "conduct": "با شما رفتار نامناسب یا توهین‌آمیز شده است.",
    "other": "زمینهٔ دیگری که در فهرست نیست؛ در شرح توضیح دهید.",
}


class Decision(models.TextChoices):
    UPHELD = "upheld", "وارد است"
    REJECTED = "rejected", "وارد نیست"


class Complaint(LifecycleModel):
    LIFECYCLE = COMPLAINT  # its moves, declared once (workflow.py)

    tracking_code = models.CharField("کد پیگیری", max_length=20, unique=True)
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="شاکی", related_name="complaints", on_delete=models.PROTECT
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name="پرونده",
        related_name="complaints",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    office = models.ForeignKey(
        "offices.Office",
        verbose_name="دفتر",
        related_name="complaints",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    ground = models.CharField("زمینه", max_length=30)
    text = models.TextField("شرح")
    status = StatusField("وضعیت", max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    decision = models.CharField("نتیجه", max_length=10, choices=Decision.choices, blank=True)
    answer = models.TextField("پاسخ", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    answered_at = models.DateTimeField("زمان پاسخ", null=True, blank=True)
    reopen_text = models.TextField("دلیل بررسی دوباره", blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    due = models.DateTimeField("مهلت پاسخ")
    # the supervisors were reminded of ``due`` / told it passed (reminders.py); cleared on reopening
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_told_at = models.DateTimeField(null=True, blank=True, editable=False)
    violation = models.OneToOneField(
        "supervision.Violation", related_name="complaint", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("زمان ثبت", auto_now_add=True)

    class Meta:
        verbose_name = "شکایت"
        verbose_name_plural = "شکایت‌ها"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "status", "due"], name="complaint_inbox"),
            models.Index(fields=["complainant", "created_at"], name="complaint_by_complainant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(office__isnull=True))
                | (Q(application__isnull=True) & Q(office__isnull=False)),
                name="complaint_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def ground_label(self) -> str:
        choices = CaseGround if self.application_id else OfficeGround
        return str(dict(choices.choices).get(self.ground, self.ground))


class ComplaintEvent(models.Model):
    """One line of the complaint's history, shown to the complainant and the staff."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "ثبت شکایت"
        ANSWERED = "answered", "پاسخ"
        REOPENED = "reopened", "درخواست بررسی دوباره"
        VIOLATION = "violation", "ثبت تخلف برای دفتر"

    complaint = models.ForeignKey(Complaint, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.kind}"
