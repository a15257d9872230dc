"""Invalidate cached case bodies (``casecache``) when what they are made of changes.

Connected in ``ApplicationsConfig.ready``. Each receiver bumps a version at once and again after
the commit (``casecache``). ``QuerySet.update`` and ``bulk_create`` send no signal: code that uses
them on these models calls ``casecache.case_changed`` / ``all_cases_changed`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from daftar.accounts.models import RoleAssignment, User
from daftar.calls.models import Call, CallDistrict
from daftar.documents.models import Document
from daftar.inquiries.models import Inquiry
from daftar.municipalities.models import DayOff, District, HolidayCorrection, Municipality
from daftar.rules.models import Condition, DocumentRequirement, LicenceType, RuleSet, ScoringTable

from . import casecache
from .models import Application, CaseEvent, StageClock


def _case_row(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created:  # a new case: nothing can be cached for it yet
        return
    casecache.case_changed(instance.pk)


def _case_part(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created and getattr(instance, "action", None) == "create":  # the new case's first event
        return
    application_id = getattr(instance, "application_id", None)
    if application_id:
        casecache.case_changed(application_id)


def _user_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    # the reader's access and the applicant's name, mobile and profile shown in their cases
    if set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return  # a login's stamp: in no case body
    casecache.reader_changed(instance.pk)
    if kwargs.get("created"):
        return  # a new account has no case yet
    for pk in Application.objects.filter(applicant_id=instance.pk).values_list("pk", flat=True):
        casecache.case_changed(pk)


def _role_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    casecache.reader_changed(instance.user_id)


def _shared_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    casecache.all_cases_changed()


def connect() -> None:
    wiring: list[tuple[Any, Any]] = [
        (_case_row, Application),
        (_user_row, User),
        (_role_row, RoleAssignment),
    ]
    wiring += [(_case_part, model) for model in (CaseEvent, StageClock, Document, Inquiry)]
    shared = (
        Call,
        CallDistrict,
        Municipality,
        District,
        DayOff,
        HolidayCorrection,
        LicenceType,
        RuleSet,
        Condition,
        DocumentRequirement,
        ScoringTable,
    )
    wiring += [(_shared_row, model) for model in shared]
    for receiver, model in wiring:
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(receiver, sender=model, dispatch_uid=f"casecache.{model._meta.label_lower}.{name}")


def watch_case_part(model: Any) -> None:
    """A higher app's model whose rows belong to a case (its ``application`` field): a change
    invalidates that case's cached pages, like the case's own parts (called from ``ready``)."""
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(_case_part, sender=model, dispatch_uid=f"casecache.{model._meta.label_lower}.{name}")
