"""Reads of the office scorecard (issue 22 §2) that the pages and the API share: an office's
scorecards, a municipality's ranking of a period, and the body both front doors show. A page
costs the same number of queries for 2 offices or 200."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet

from daftar.inspections.models import SupervisionVisit
from daftar.kernel.jalali import jalali_iso, to_jalali
from daftar.municipalities.models import Municipality
from daftar.offices.models import Office

from .measures import fa
from .models import Scorecard
from .periods import label_of


def office_scorecards(office: Office) -> list[Scorecard]:
    """The office's scorecards, newest period first."""
    return list(Scorecard.objects.filter(office=office).order_by("-last_day"))


def computed_periods(municipality: Municipality) -> list[str]:
    """The periods computed for the municipality, newest first."""
    rows = (
        Scorecard.objects.filter(municipality=municipality)
        .values_list("period", "last_day")
        .distinct()
        .order_by("-last_day")
    )
    seen: list[str] = []
    for period, _ in rows:
        if period not in seen:
            seen.append(period)
    return seen


def ranking(municipality: Municipality, period: str) -> QuerySet[Scorecard]:
    """The municipality's offices in ``period``, best first (the unranked last), each with
    ``visit_scheduled``: a supervision visit of its licence scheduled since the consequence."""
    scheduled = SupervisionVisit.objects.filter(
        licence_id=OuterRef("office__licence_id"), created_at__gte=OuterRef("consequence_at")
    )
    return (
        Scorecard.objects.filter(municipality=municipality, period=period)
        .select_related("office__district", "office__licence")
        .annotate(visit_scheduled=Exists(scheduled))
        .order_by(F("rank").asc(nulls_last=True), "office__name", "pk")  # NULL is first on SQLite
    )


def score_text(value: Any) -> str:
    """«۷۸٫۵» ("—" for none)."""
    if value is None:
        return "—"
    return fa(float(value))


@dataclass(frozen=True)
class MeasureView:
    code: str
    label: str
    weight: int
    share: int | None  # percent of the total this measure carried, after renormalising
    score: float | None
    counted: bool
    reason: str
    raw: dict[str, Any]

    @property
    def score_text(self) -> str:
        return score_text(self.score)


def measure_views(row: Scorecard) -> list[MeasureView]:
    counted = sum(int(m.get("weight") or 0) for m in row.measures if m.get("counted"))
    out = []
    for m in row.measures:
        weight = int(m.get("weight") or 0)
        share = round(100 * weight / counted) if m.get("counted") and counted else None
        out.append(
            MeasureView(
                code=str(m.get("code")),
                label=str(m.get("label")),
                weight=weight,
                share=share,
                score=m.get("score"),
                counted=bool(m.get("counted")),
                reason=str(m.get("reason") or ""),
                raw=dict(m.get("raw") or {}),
            )
        )
    return out


def scorecard_body(row: Scorecard) -> dict[str, Any]:
    """The API's scorecard of one office and period."""
    return {
        "period": row.period,
        "period_label": label_of(row.period),
        "first_day": row.first_day.isoformat(),
        "first_day_jalali": jalali_iso(row.first_day),
        "last_day": row.last_day.isoformat(),
        "last_day_jalali": jalali_iso(row.last_day),
        "total": float(row.total) if row.total is not None else None,
        "band": row.band or None,
        "band_label": row.band_label or None,
        "rank": row.rank,
        "ranked": row.ranked,
        "computed_at": row.computed_at.isoformat(),
        "computed_at_jalali": to_jalali(row.computed_at, with_time=True, digits=False),
        "bands": list(row.bands),
        "measures": [
            {
                "code": m.code,
                "label": m.label,
                "weight": m.weight,
                "share": m.share,
                "score": m.score,
                "counted": m.counted,
                "reason": m.reason,
                "raw": m.raw,
            }
            for m in measure_views(row)
        ],
    }


def band_ranges(bands: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """``(code, label, range)`` of each band, highest first: «۸۵ و بیشتر», …, «کمتر از ۵۰»."""
    out = []
    previous: float | None = None
    for band in bands:
        low = float(band.get("min") or 0)
        text = f"{fa(low)} و بیشتر" if low > 0 or previous is None else f"کمتر از {fa(previous)}"
        out.append((str(band.get("code")), str(band.get("label")), text))
        previous = low
    return out
