"""The application case (پروندهٔ درخواست مجوز): one per applicant per call (S7, S13–S14).

Its states and moves are declared once in ``workflow.CASE``; only ``services`` change a case,
each move under a row lock, with an audit row, a timeline event and an outbox SMS. The legal
clock of the current stage (P1) lives in ``StageClock``; the case keeps a copy of the running
deadline (``due_at``) so that queues filter and sort on an index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import CASE, FINAL, MOVES, Status


class Application(LifecycleModel):
    MOVES = MOVES  # the state machine, declared once (workflow.py)
    LIFECYCLE = CASE

    # No index of their own (issue 7: each index is written on every new draft): ``call`` leads
    # application_one_per_call, ``applicant`` leads app_by_applicant, ``municipality`` leads the
    # queue indexes.
    call = models.ForeignKey(
        "calls.Call", verbose_name="فراخوان", related_name="applications", on_delete=models.PROTECT, db_index=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="متقاضی",
        related_name="applications",
        on_delete=models.PROTECT,
        db_index=False,
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        related_name="+",
        on_delete=models.PROTECT,
        db_index=False,
    )
    district = models.ForeignKey(
        "municipalities.District", verbose_name="منطقه", related_name="+", on_delete=models.PROTECT
    )
    status = StatusField("وضعیت", max_length=24, choices=Status.choices, default=Status.DRAFT)
    facts = models.JSONField("اطلاعات اظهارشده", default=dict, blank=True)
    results = models.JSONField("نتیجهٔ شرایط", default=list, blank=True)
    eligible = models.BooleanField("واجد شرایط", null=True)
    score_total = models.DecimalField("امتیاز", max_digits=7, decimal_places=2, null=True, blank=True)
    score = models.JSONField("جزئیات امتیاز", null=True, blank=True)
    # unique by a constraint (application_tracking_code), not unique=True: no LIKE index beside it
    tracking_code = models.CharField("کد رهگیری", max_length=16, null=True, blank=True)
    created_at = models.DateTimeField("تاریخ ایجاد", default=timezone.now)
    updated_at = models.DateTimeField("آخرین تغییر", default=timezone.now)
    submitted_at = models.DateTimeField("نخستین ثبت", null=True, blank=True)
    status_changed_at = models.DateTimeField("تغییر وضعیت", default=timezone.now)
    due_at = models.DateTimeField("مهلت مرحلهٔ جاری", null=True, blank=True)
    overdue = models.BooleanField("گذشته از مهلت", default=False)
    escalated_at = models.DateTimeField("ارجاع به مرجع صدور", null=True, blank=True)
    acknowledged_at = models.DateTimeField("رؤیت کارشناس", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    decision_reason = models.TextField("دلیل تصمیم", blank=True)
    failed_conditions = models.JSONField("شرایط احرازنشده", default=list, blank=True)
    assessment = models.JSONField("نتایج آزمون، مصاحبه و بازدید", default=dict, blank=True)
    licence_number = models.CharField("شمارهٔ مجوز", max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "پروندهٔ درخواست"
        verbose_name_plural = "پرونده‌های درخواست"
        constraints = [
            models.UniqueConstraint(fields=["call", "applicant"], name="application_one_per_call"),
            models.UniqueConstraint(fields=["tracking_code"], name="application_tracking_code"),
        ]
        indexes = [
            # the reviewer queue: municipality + status, newest/oldest first; and by deadline.
            # The applicant is carried (INCLUDE, PostgreSQL) because the queue leaves out the
            # reviewer's own case: without it the queue's count could not be read from the index
            # alone (bench/queue: the overdue count grew 2.5× from 100k to 1M cases)
            models.Index(
                fields=["municipality", "status", "submitted_at", "id"], include=["applicant"], name="app_queue_age"
            ),
            models.Index(
                fields=["municipality", "status", "due_at", "id"], include=["applicant"], name="app_queue_due"
            ),
            models.Index(fields=["municipality", "district", "status"], name="app_queue_district"),
            models.Index(fields=["applicant", "created_at"], name="app_by_applicant"),
            # the queue across several statuses: rows come in order from the index, no sort
            # (bench/queue: 1M rows, first page 2 s → 11 ms); the condition is the queue's own
            models.Index(
                fields=["municipality", "submitted_at", "id"],
                include=["applicant", "status"],
                condition=~models.Q(status=Status.DRAFT),
                name="app_queue_age_any",
            ),
            models.Index(
                fields=["municipality", "due_at", "id"],
                include=["applicant", "status"],
                condition=~models.Q(status=Status.DRAFT),
                name="app_queue_due_any",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code or f"پیش‌نویس {self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class CaseEvent(models.Model):
    """One line of the case's timeline, shown to the applicant in Persian (issue 4 §7)."""

    # no index of its own: it leads caseevent_app_at (issue 7)
    application = models.ForeignKey(Application, related_name="events", on_delete=models.CASCADE, db_index=False)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "رویداد پرونده"
        verbose_name_plural = "رویدادهای پرونده"
        indexes = [models.Index(fields=["application", "at"], name="caseevent_app_at")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class StageClock(models.Model):
    """The legal clock of one stage (P1), in Iranian working days.

    ``used_days`` is the working days already spent when the clock was paused; on resume the
    deadline is recomputed from the remaining days, so time spent waiting for the applicant is
    never charged to the municipality.
    """

    class Party(models.TextChoices):
        MUNICIPALITY = "municipality", "شهرداری"
        APPLICANT = "applicant", "متقاضی"
        HEAD = "head", "مرجع بالاتر"  # the 7 working days of an escalation (P1, consequences.py)

    application = models.ForeignKey(Application, related_name="clocks", on_delete=models.CASCADE)
    stage = models.CharField("مرحله", max_length=24, choices=Status.choices)
    party = models.CharField("مسئول", max_length=16, choices=Party.choices, default=Party.MUNICIPALITY)
    limit_days = models.PositiveSmallIntegerField("مهلت (روز کاری)")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    used_days = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = "مهلت قانونی"
        verbose_name_plural = "مهلت‌های قانونی"
        indexes = [models.Index(fields=["application", "finished_at"], name="clock_open")]

    def __str__(self) -> str:
        return f"{self.stage} تا {self.due_at:%Y-%m-%d}"


# Deadlines with consequences (issue 21 §2, docs/deadlines.md, decision 0046) ----------------


class DeadlineSettings(models.Model):
    """A municipality's reminders before a legal clock runs out, in working days before its end.

    Missing row (or an empty list): the example defaults of ``settings.DEADLINE_REMINDERS``.
    Checked by ``deadline_settings.settings_check``, for the administrator's page and the admin."""

    municipality = models.OneToOneField(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.CASCADE
    )
    staff_days = models.JSONField(
        "یادآوری به کارشناس (روز کاری پیش از پایان مهلت)",
        default=list,
        help_text=(
            "فهرستی میان دو قلاب با رقم انگلیسی؛ مثلاً برای یادآوری دو روز و یک روز پیش از پایان مهلت، "
            "دو و یک را با ویرگول جدا کنید."
        ),
    )
    head_days = models.JSONField(
        "یادآوری به مرجع بالاتر (روز کاری پیش از پایان مهلت)",
        default=list,
        help_text="فهرستی میان دو قلاب با رقم انگلیسی؛ صفر یعنی یادآوری در روز پایان مهلت.",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="مرجع بالاتر",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text="خالی: همهٔ مرجعان صدور مجوز همین شهرداری",
    )

    class Meta:
        verbose_name = "تنظیم یادآوری مهلت"
        verbose_name_plural = "تنظیم‌های یادآوری مهلت"

    def __str__(self) -> str:
        return str(self.municipality)


class DeadlineConsequence(models.Model):
    """What happens when a stage's clock runs out, per municipality and licence type (P1).

    Missing row: escalation to the head."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", "ارجاع به مرجع بالاتر (۷ روز کاری)"
        DEEMED_APPROVAL = "deemed_approval", "تأیید و صدور مجوز به حکم قانون"

    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.CASCADE
    )
    licence_type = models.ForeignKey(
        "rules.LicenceType", verbose_name="نوع مجوز", related_name="+", on_delete=models.CASCADE
    )
    kind = models.CharField("پیامد", max_length=16, choices=Kind.choices, default=Kind.ESCALATION)

    class Meta:
        verbose_name = "پیامد پایان مهلت"
        verbose_name_plural = "پیامدهای پایان مهلت"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "licence_type"], name="deadline_consequence_one")
        ]

    def __str__(self) -> str:
        return f"{self.licence_type} — {self.get_kind_display()}"


class SentReminder(models.Model):
    """One reminder sent for one clock to one person at one offset: never sent twice (the
    unique row is taken before the SMS is queued, in the same transaction)."""

    clock = models.ForeignKey(StageClock, related_name="+", on_delete=models.CASCADE)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    to_head = models.BooleanField(default=False)
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "یادآوری فرستاده‌شده"
        verbose_name_plural = "یادآوری‌های فرستاده‌شده"
        constraints = [
            models.UniqueConstraint(fields=["clock", "recipient", "to_head", "days_before"], name="sent_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} → {self.recipient_id} ({self.days_before})"


class OutageExtension(models.Model):
    """An outage whose lost working time was added to the running clocks (once)."""

    outage = models.OneToOneField("core.Outage", related_name="+", on_delete=models.CASCADE)
    clocks = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.outage_id}: {self.clocks}"
