"""Bookings follow the office's hours when they change outside the offices app's services
(review #4): the municipality declares a day off, withdraws/narrows an extended day, moves an
estimated holiday to its actual day or withdraws such a correction, or an office is
deactivated. After the change commits, every live booking that no longer fits ``day_hours`` is
cancelled and its citizen told (``services.appointments_reconcile``).

The offices app's own writes (``closure_add``, ``hours_set``) call the reconciliation directly,
in their transaction."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from daftar.municipalities.models import DayOff, HolidayCorrection
from daftar.offices.models import ExtendedDay, Office

from .services import appointments_reconcile, appointments_reconcile_municipality


def _reconcile_day(municipality_id: int, day: Any) -> None:
    appointments_reconcile_municipality(municipality_id=municipality_id, day=day)


def _reconcile_office(office_id: int) -> None:
    office = Office.objects.filter(pk=office_id).first()
    if office is not None:
        appointments_reconcile(office=office)


@receiver(post_save, sender=DayOff, dispatch_uid="appointments_dayoff_saved")
def dayoff_saved(sender: Any, instance: DayOff, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    transaction.on_commit(partial(_reconcile_day, instance.municipality_id, instance.date))


@receiver(post_save, sender=HolidayCorrection, dispatch_uid="appointments_holidaycorrection_saved")
def holiday_correction_saved(sender: Any, instance: HolidayCorrection, raw: bool = False, **kwargs: Any) -> None:
    """The actual day of a moved holiday is closed: its bookings go."""
    if raw or instance.actual_date is None:
        return
    transaction.on_commit(partial(_reconcile_day, instance.municipality_id, instance.actual_date))


@receiver(post_delete, sender=HolidayCorrection, dispatch_uid="appointments_holidaycorrection_deleted")
def holiday_correction_deleted(sender: Any, instance: HolidayCorrection, **kwargs: Any) -> None:
    """A withdrawn cancellation: the estimated day is a holiday again."""
    if instance.kind != HolidayCorrection.Kind.CANCELLED:
        return
    transaction.on_commit(partial(_reconcile_day, instance.municipality_id, instance.holiday_date))


@receiver(pre_save, sender=ExtendedDay, dispatch_uid="appointments_extendedday_saving")
def extendedday_saving(sender: Any, instance: ExtendedDay, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    before = ExtendedDay.objects.filter(pk=instance.pk).values_list("municipality_id", "date").first()
    instance._before = before  # type: ignore[attr-defined]


@receiver(post_save, sender=ExtendedDay, dispatch_uid="appointments_extendedday_saved")
def extendedday_saved(sender: Any, instance: ExtendedDay, raw: bool = False, **kwargs: Any) -> None:
    """An extended day narrowed or moved to another date may leave bookings outside it."""
    before = getattr(instance, "_before", None)
    if raw or kwargs.get("created") or before is None:
        return
    transaction.on_commit(partial(_reconcile_day, before[0], before[1]))
    if tuple(before) != (instance.municipality_id, instance.date):
        transaction.on_commit(partial(_reconcile_day, instance.municipality_id, instance.date))


@receiver(post_delete, sender=ExtendedDay, dispatch_uid="appointments_extendedday_deleted")
def extendedday_deleted(sender: Any, instance: ExtendedDay, **kwargs: Any) -> None:
    transaction.on_commit(partial(_reconcile_day, instance.municipality_id, instance.date))


@receiver(post_save, sender=Office, dispatch_uid="appointments_office_saved")
def office_saved(sender: Any, instance: Office, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.active:
        return
    transaction.on_commit(partial(_reconcile_office, instance.pk))
