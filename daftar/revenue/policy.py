"""Who reads which revenue reports: the one place that decides it (issue 16).

An office's own report is the office's (its manager and clerks, through the offices policy);
a municipality's report is for the staff who supervise its offices (supervisor, licensing
authority, municipality administrator) of that municipality. Built on ``daftar.accounts.policy``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.accounts.policy import municipalities_where
from daftar.municipalities.models import Municipality
from daftar.offices.policy import MUNICIPAL_READERS


def report_ids(actor: Any) -> set[int] | None:
    """Ids of the municipalities whose revenue report ``actor`` reads (None: every one)."""
    return municipalities_where(actor, MUNICIPAL_READERS)


def report_municipalities(actor: Any) -> QuerySet[Municipality]:
    """The municipalities whose revenue report ``actor`` reads (every one for platform admins)."""
    ids = report_ids(actor)
    return Municipality.objects.all() if ids is None else Municipality.objects.filter(pk__in=ids)
