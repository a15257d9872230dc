"""Read queries of calls: one query for the list with its districts prefetched."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Call, CallDistrict, CallState


def calls_list(*, municipality_slug: str | None = None, state: str | None = None) -> QuerySet[Call]:
    now = timezone.now()
    qs = (
        Call.objects.filter(municipality__is_active=True)
        .select_related("municipality", "licence_type", "rule_set")
        .prefetch_related(Prefetch("districts", queryset=CallDistrict.objects.select_related("district")))
    )
    if municipality_slug:
        qs = qs.filter(municipality__slug=municipality_slug)
    if state == CallState.OPEN:
        qs = qs.filter(cancelled=False, opens_at__lte=now, closes_at__gt=now)
    elif state == CallState.UPCOMING:
        qs = qs.filter(cancelled=False, opens_at__gt=now)
    elif state == CallState.CLOSED:
        qs = qs.filter(Q(cancelled=True) | Q(closes_at__lte=now))
    return qs.order_by("closes_at", "pk")
