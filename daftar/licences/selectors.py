"""Read queries of issued licences that the staff's pages share: the register's search and
filters, and the licences due for renewal (S16). Each starts from a queryset the caller got from
``policy`` (``register``) or asks the policy itself, so what a person may not see is never
listed. Lists cost a fixed number of queries however many rows (``select_related``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from daftar.kernel.normalize import normalize_text

from . import policy
from .models import Licence, LicenceStatus
from .workflow import MOVES

# The live statuses a person filters by (an active licence past its validity reads expired,
# ``verification.live_status``).
STATUS_FILTERS = [(s.value, s.label) for s in LicenceStatus]


def _rich(qs: QuerySet[Licence]) -> QuerySet[Licence]:
    return qs.select_related("district", "municipality", "holder", "licence_type", "office")


def live_status_filter(status: str, today: dt.date) -> Q:
    """Rows whose live status is ``status`` (as the public verification reads it)."""
    lapsed = Q(status=LicenceStatus.ACTIVE, valid_until__lt=today)
    if status == LicenceStatus.ACTIVE:
        return Q(status=LicenceStatus.ACTIVE, valid_until__gte=today)
    if status == LicenceStatus.EXPIRED:
        return Q(status=LicenceStatus.EXPIRED) | lapsed
    return Q(status=status)


def register_search(
    qs: QuerySet[Licence],
    *,
    text: str = "",
    district: int | None = None,
    status: str = "",
    expiring_within: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Licence]:
    """Filter the register ``qs`` (from ``policy.register``): ``text`` is a licence number (or a
    part of one), a holder's name, an office's name or a holder's national code, typed in any
    digits; ``district``; the live ``status``; licences in force whose validity ends within
    ``expiring_within`` days. Ordered by the end of validity, soonest first."""
    today = today or timezone.localdate()
    words = normalize_text(text or "")
    if words:
        condition = (
            Q(number__icontains=words.upper())
            | Q(holder_name__icontains=words)
            | Q(office_name__icontains=words)
            | Q(office__name__icontains=words)
        )
        digits = words.replace("-", "").replace(" ", "")
        if digits.isdigit():
            condition |= Q(holder__national_code=digits)
        qs = qs.filter(condition)
    if district:
        qs = qs.filter(district_id=district)
    if status:
        qs = qs.filter(live_status_filter(status, today))
    if expiring_within is not None:
        qs = qs.filter(
            status__in=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED),
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=expiring_within),
        )
    return _rich(qs).order_by("valid_until", "number")


def renewal_closes(licence: Licence) -> dt.date:
    """The last day ``licence`` may be renewed (the end of the grace period)."""
    return licence.valid_until + dt.timedelta(days=settings.LICENCE_GRACE_DAYS)


def due_for_renewal(actor: Any, today: dt.date | None = None) -> QuerySet[Licence]:
    """Licences ``actor`` renews as their municipality's licensing authority and that are in
    their renewal window or grace period today (``moves.renewal_window``), their own excluded;
    the oldest end of validity first."""
    today = today or timezone.localdate()
    ids = policy.acting_municipalities(actor)
    if not ids:
        return Licence.objects.none()
    first = today - dt.timedelta(days=settings.LICENCE_GRACE_DAYS)
    last = today + dt.timedelta(days=settings.LICENCE_RENEWAL_WINDOW_DAYS)
    qs = Licence.objects.filter(
        municipality_id__in=ids,
        status__in=sorted(MOVES["renew"].sources),
        valid_until__gte=first,
        valid_until__lte=last,
    ).exclude(pk__in=policy.own_licences(actor).values("pk"))
    return _rich(qs).order_by("valid_until", "number")
