"""Online appointments at an office (S17 «نوبت‌دهی اینترنتی»).

An appointment holds one counter of the office from ``start`` to ``end`` (the service's
duration). No counter is ever booked twice for overlapping times:
- everywhere: booking runs under a lock on the office row and counts the counters already
  taken, and a unique constraint forbids two live bookings of one counter at the same start;
- on PostgreSQL, also an exclusion constraint (btree_gist) forbids any overlap of live bookings
  of one counter (migration 0002), so not even a bug in the service can double-book.

Its status moves only through its declared lifecycle (``lifecycle.APPOINTMENT``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import APPOINTMENT, AppointmentStatus

__all__ = ["Appointment", "AppointmentStatus"]


class Appointment(LifecycleModel):
    LIFECYCLE = APPOINTMENT

    office = models.ForeignKey(
        "offices.Office", verbose_name="دفتر", related_name="appointments", on_delete=models.PROTECT
    )
    service = models.ForeignKey("catalogue.Service", verbose_name="خدمت", related_name="+", on_delete=models.PROTECT)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="شهروند", related_name="appointments", on_delete=models.PROTECT
    )
    start = models.DateTimeField("آغاز")
    end = models.DateTimeField("پایان")
    day = models.DateField("روز")  # Tehran calendar day of ``start``
    counter = models.PositiveSmallIntegerField("باجه")
    code = models.CharField("کد نوبت", max_length=16, unique=True)
    status = StatusField("وضعیت", max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    created_at = models.DateTimeField("زمان رزرو", default=timezone.now)
    cancelled_at = models.DateTimeField("زمان لغو", null=True, blank=True)
    reminded_at = models.DateTimeField("زمان یادآوری", null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    marked_at = models.DateTimeField("زمان ثبت حضور", null=True, blank=True)

    class Meta:
        ordering = ["start", "counter", "pk"]
        verbose_name = "نوبت"
        verbose_name_plural = "نوبت‌ها"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "counter", "start"],
                condition=models.Q(status="booked"),
                name="appointment_counter_start_unique",
            ),
            models.UniqueConstraint(
                fields=["citizen", "office", "day"],
                condition=models.Q(status="booked"),
                name="appointment_one_per_office_day",
            ),
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="appointment_start_before_end"),
        ]
        indexes = [
            models.Index(fields=["office", "day", "status"], name="appointment_office_day"),
            models.Index(fields=["citizen", "status", "start"], name="appointment_citizen"),
            models.Index(fields=["status", "start"], name="appointment_reminders"),
        ]

    def __str__(self) -> str:
        return self.code
