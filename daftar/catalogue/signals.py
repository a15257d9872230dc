"""Invalidate the cached public tariff table (``tariffs.tariff_body_cached``) when its rows move.

Each save or delete of a ``Tariff`` or ``TariffRevision`` bumps its municipality's version at
once and again when the transaction commits (a reader that rebuilt the body from the
pre-commit rows in between is then forgotten too). A ``Service`` change bumps the catalogue's
version (every municipality's table lists the catalogue); a ``Municipality`` change bumps its
own (its name and slug are in the body). ``QuerySet.update`` and ``bulk_create`` send no
signals: call ``tariffs.tariffs_changed`` after them (a revision's rows are bulk-created in
the same transaction as its ``TariffRevision``, whose signal covers them).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from daftar.municipalities.models import Municipality

from .models import Service, Tariff, TariffRevision
from .tariffs import municipality_pks_forget, tariffs_changed


def _changed(municipality_id: int | None) -> None:
    tariffs_changed(municipality_id)
    transaction.on_commit(lambda: tariffs_changed(municipality_id))


@receiver(post_save, sender=Tariff, dispatch_uid="catalogue.tariff_saved")
@receiver(post_delete, sender=Tariff, dispatch_uid="catalogue.tariff_deleted")
@receiver(post_save, sender=TariffRevision, dispatch_uid="catalogue.revision_saved")
@receiver(post_delete, sender=TariffRevision, dispatch_uid="catalogue.revision_deleted")
def tariff_rows_changed(sender: Any, instance: Tariff | TariffRevision, **kwargs: Any) -> None:
    _changed(instance.municipality_id)


@receiver(post_save, sender=Service, dispatch_uid="catalogue.service_saved")
@receiver(post_delete, sender=Service, dispatch_uid="catalogue.service_deleted")
def catalogue_changed(sender: Any, instance: Service, **kwargs: Any) -> None:
    _changed(None)


@receiver(post_save, sender=Municipality, dispatch_uid="catalogue.municipality_saved")
@receiver(post_delete, sender=Municipality, dispatch_uid="catalogue.municipality_deleted")
def municipality_changed(sender: Any, instance: Municipality, **kwargs: Any) -> None:
    municipality_pks_forget()
    _changed(instance.pk)
