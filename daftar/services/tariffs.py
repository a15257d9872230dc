"""The tariff table in force on a date (P6): for each service, the row of the municipality with
the latest ``effective_from`` on or before that date. A revision's rows take effect on its date,
so the table the day before a revision and on its day differ exactly by the revision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from .models import RevisionStatus, Service, Tariff


@dataclass(frozen=True)
class TariffLine:
    service: Service
    tariff: Tariff | None  # None: no tariff set for this service yet

    @property
    def amount(self) -> int | None:
        return self.tariff.amount if self.tariff else None


def _live() -> object:
    """Tariff rows that count: set by hand, or from a revision that was not cancelled."""
    return Tariff.objects.exclude(revision__status=RevisionStatus.CANCELLED)


def tariff_in_force(municipality_id: int, service_id: int, on: dt.date) -> Tariff | None:
    return (
        _live()  # type: ignore[attr-defined]
        .filter(municipality_id=municipality_id, service_id=service_id, effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .first()
    )


def tariff_table(municipality_id: int, on: dt.date) -> list[TariffLine]:
    """Every active service of the catalogue with its tariff in force on ``on`` (two queries)."""
    latest = (
        _live()  # type: ignore[attr-defined]
        .filter(municipality_id=municipality_id, service_id=OuterRef("pk"), effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .values("pk")[:1]
    )
    services = list(Service.objects.filter(active=True).annotate(tariff_pk=Subquery(latest)).order_by("position"))
    rows = Tariff.objects.in_bulk([s.tariff_pk for s in services if s.tariff_pk])  # type: ignore[attr-defined]
    return [TariffLine(s, rows.get(s.tariff_pk)) for s in services]  # type: ignore[attr-defined]
