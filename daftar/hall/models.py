"""The office hall (issue 22 §3): walk-in tickets, the queue they form with the booked
appointments whose citizens have arrived, and each office's queue settings.

A ticket is one citizen's place in one office's queue for one Tehran day. Its ``number`` counts
from 1 each day per office (unique with the office and the day); ``token`` is the random key of
the ticket's public page (``/q/<token>/``), which shows its position and estimated wait and
nothing about the person. The citizen's mobile, given only for the «your turn is near» SMS, is
erased when the ticket ends. Times are kept to measure the office's waits and service times
(``selectors``): ``issued_at`` → ``called_at`` is the wait, ``called_at`` → ``finished_at`` the
service.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import TICKET, TicketStatus

__all__ = ["Channel", "HallSettings", "MixRule", "Priority", "Ticket", "TicketStatus"]


class Channel(models.TextChoices):
    CLERK = "clerk", "کارمند دفتر"
    KIOSK = "kiosk", "دستگاه نوبت‌دهی"
    APPOINTMENT = "appointment", "پذیرش نوبت اینترنتی"


class Priority(models.TextChoices):
    NONE = "", "بدون اولویت"
    ELDERLY = "elderly", "سالمند"
    DISABLED = "disabled", "دارای معلولیت"


class MixRule(models.TextChoices):
    """How booked appointments whose citizens have arrived take turns with walk-ins."""

    APPOINTMENTS_FIRST = "appointments_first", "نوبت اینترنتیِ رسیده پیش از نوبت حضوری"
    ALTERNATE = "alternate", "یک نوبت اینترنتی پس از چند نوبت حضوری"
    ARRIVAL = "arrival", "به ترتیب رسیدن، بی‌تفاوت میان اینترنتی و حضوری"


class HallSettings(models.Model):
    """One office's queue settings, kept by its manager. Without a row the defaults apply
    (``settings.HALL_*``, examples)."""

    office = models.OneToOneField(
        "offices.Office", verbose_name="دفتر", related_name="hall_settings", on_delete=models.CASCADE
    )
    rule = models.CharField("قاعدهٔ ترکیب صف", max_length=20, choices=MixRule.choices)
    walkins_per_appointment = models.PositiveSmallIntegerField(
        "شمار نوبت حضوری میان دو نوبت اینترنتی", validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    notify_ahead = models.PositiveSmallIntegerField(
        "پیامک نزدیک شدن نوبت، وقتی این شمار نفر پیش از آن مانده باشد",
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    kiosk_key_hash = models.CharField("کلید دستگاه نوبت‌دهی (درهم‌شده)", max_length=64, blank=True)
    kiosk_key_at = models.DateTimeField("زمان ساخت کلید دستگاه", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("آخرین تغییر", auto_now=True)

    class Meta:
        verbose_name = "تنظیمات صف دفتر"
        verbose_name_plural = "تنظیمات صف دفترها"

    def __str__(self) -> str:
        return f"صف {self.office}"


class Ticket(LifecycleModel):
    LIFECYCLE = TICKET

    office = models.ForeignKey("offices.Office", verbose_name="دفتر", related_name="tickets", on_delete=models.PROTECT)
    service = models.ForeignKey("catalogue.Service", verbose_name="خدمت", related_name="+", on_delete=models.PROTECT)
    day = models.DateField("روز")  # Tehran calendar day of ``issued_at``
    number = models.PositiveIntegerField("شمارهٔ نوبت")
    token = models.CharField("کلید صفحهٔ نوبت", max_length=24, unique=True)
    channel = models.CharField("راه گرفتن نوبت", max_length=12, choices=Channel.choices, default=Channel.CLERK)
    priority = models.CharField("اولویت", max_length=10, choices=Priority.choices, blank=True, default="")
    appointment = models.ForeignKey(
        "appointments.Appointment",
        verbose_name="نوبت اینترنتی",
        related_name="tickets",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    mobile = models.CharField("شمارهٔ همراه (تا پایان نوبت)", max_length=11, blank=True)
    status = StatusField("وضعیت", max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    issued_at = models.DateTimeField("زمان گرفتن نوبت", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    called_at = models.DateTimeField("زمان فراخوانی", null=True, blank=True)
    counter = models.PositiveSmallIntegerField("باجه", null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    finished_at = models.DateTimeField("زمان پایان", null=True, blank=True)
    near_sent_at = models.DateTimeField("زمان پیامک نزدیک شدن نوبت", null=True, blank=True)

    class Meta:
        ordering = ["office", "day", "number"]
        verbose_name = "نوبت حضوری"
        verbose_name_plural = "نوبت‌های حضوری"
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "number"], name="ticket_number_unique"),
            # a counter holds one called ticket at a time
            models.UniqueConstraint(
                fields=["office", "day", "counter"],
                condition=models.Q(status="called"),
                name="ticket_one_per_counter",
            ),
            # a booked appointment is in the queue once at a time (checked in again after a
            # ticket that ended without serving it)
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(status__in=["waiting", "called"]),
                name="ticket_one_live_per_appointment",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "day", "status"], name="ticket_office_day"),
            models.Index(fields=["status", "day"], name="ticket_status_day"),
        ]

    def __str__(self) -> str:
        return f"{self.office} – {self.number}"
