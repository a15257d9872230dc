"""Invalidate the cached verification snapshot (``verification.licence_snapshot``) when a
licence or one of its events is saved or deleted: the number's version is bumped at once and
again on commit (a reader that rebuilt the snapshot from the pre-commit row in between is then
forgotten too). ``QuerySet.update`` sends no signal: call ``verification.licence_changed``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Licence, LicenceEvent
from .verification import licence_changed


def _changed(number: str) -> None:
    if number:
        licence_changed(number)
        transaction.on_commit(lambda: licence_changed(number))


@receiver(post_save, sender=Licence, dispatch_uid="licences.licence_saved")
@receiver(post_delete, sender=Licence, dispatch_uid="licences.licence_deleted")
def licence_saved(sender: Any, instance: Licence, **kwargs: Any) -> None:
    _changed(instance.number)


@receiver(post_save, sender=LicenceEvent, dispatch_uid="licences.event_saved")
@receiver(post_delete, sender=LicenceEvent, dispatch_uid="licences.event_deleted")
def licence_event_saved(sender: Any, instance: LicenceEvent, **kwargs: Any) -> None:
    if LicenceEvent.licence.is_cached(instance):
        _changed(instance.licence.number)
    else:
        number = Licence.objects.filter(pk=instance.licence_id).values_list("number", flat=True).first()
        _changed(number or "")
