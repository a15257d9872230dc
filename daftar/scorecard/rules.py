"""The rules a municipality's scorecard is computed by (issue 22 §2): its ``ScorecardSettings``
row, or the ``SCORECARD_*`` Django settings where it has none. Every number is an example
(docs/configuration.md); ``rules_check`` refuses a bad one with a Persian message, for the
Django admin's form and for the settings at start alike.

The normalising constants (how many overcharges per hundred services bring the tariff measure to
zero, the target wait…) are installation-wide Django settings: they say how a figure becomes a
score, not how much a municipality cares about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits

from . import messages as msg
from .constants import MEASURES, SEVERITIES, Measure
from .models import ScorecardSettings
from .periods import LENGTHS

CODE = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min: float

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "min": self.min}


@dataclass(frozen=True)
class Rules:
    weights: dict[str, int]
    bands: list[Band]  # highest first; the last has min 0
    period_months: int = 6
    closure_notice_days: int = 2
    severity_points: dict[str, int] = field(default_factory=dict)
    lowest_band_visit: bool = True

    def band_for(self, score: float) -> Band:
        for band in self.bands:
            if score >= band.min:
                return band
        return self.bands[-1]

    @property
    def lowest(self) -> Band:
        return self.bands[-1]


def _int(raw: Any, low: int, high: int) -> int | None:
    if isinstance(raw, bool):
        return None
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def weights_check(raw: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for code in MEASURES:
        value = _int(raw.get(code, 0), 0, 100)
        if value is None:
            label = Measure(code).label
            raise ApplicationError(msg.WEIGHT_INVALID.format(measure=label), code="weight_invalid")
        out[code] = value
    if not any(out.values()):
        raise ApplicationError(msg.WEIGHTS_ALL_ZERO, code="weights_zero")
    return out


def bands_check(raw: Any) -> list[Band]:
    if not isinstance(raw, list | tuple) or len(raw) < 2:
        raise ApplicationError(msg.BANDS_EMPTY, code="bands_invalid")
    out: list[Band] = []
    for n, item in enumerate(raw, start=1):
        problem = ApplicationError(msg.BAND_SHAPE.format(n=persian_digits(n)), code="bands_invalid")
        if not isinstance(item, dict):
            raise problem
        code, label, low = str(item.get("code") or ""), str(item.get("label") or "").strip(), item.get("min")
        if not CODE.match(code) or not label or len(label) > 40 or isinstance(low, bool) or low is None:
            raise problem
        try:
            value = float(low)
        except (TypeError, ValueError):
            raise problem from None
        if not 0 <= value <= 100:
            raise problem
        if any(b.code == code for b in out):
            raise ApplicationError(msg.BAND_CODE_TWICE.format(code=code), code="bands_invalid")
        if out and value >= out[-1].min:
            raise ApplicationError(msg.BANDS_ORDER, code="bands_invalid")
        out.append(Band(code, label, value))
    if out[-1].min != 0:
        raise ApplicationError(msg.BANDS_LAST_ZERO, code="bands_invalid")
    return out


def rules_check(
    *,
    weights: dict[str, Any],
    bands: Any,
    period_months: Any,
    closure_notice_days: Any,
    severity_points: dict[str, Any],
    lowest_band_visit: bool,
) -> Rules:
    """The rules, checked; a Persian ``ApplicationError`` for the first thing wrong."""
    months = _int(period_months, 1, 12)
    if months not in LENGTHS:
        raise ApplicationError(msg.PERIOD_MONTHS_INVALID, code="period_months_invalid")
    days = _int(closure_notice_days, 0, 30)
    if days is None:
        raise ApplicationError(msg.NOTICE_DAYS_INVALID, code="notice_days_invalid")
    points: dict[str, int] = {}
    for severity in SEVERITIES:
        value = _int(severity_points.get(severity, 0), 0, 100)
        if value is None:
            raise ApplicationError(msg.POINTS_INVALID, code="points_invalid")
        points[severity] = value
    return Rules(
        weights=weights_check(weights),
        bands=bands_check(bands),
        period_months=months,
        closure_notice_days=days,
        severity_points=points,
        lowest_band_visit=bool(lowest_band_visit),
    )


def default_rules() -> Rules:
    """The Django settings' rules (``SCORECARD_*``)."""
    return rules_check(
        weights=dict(settings.SCORECARD_WEIGHTS),
        bands=list(settings.SCORECARD_BANDS),
        period_months=settings.SCORECARD_PERIOD_MONTHS,
        closure_notice_days=settings.SCORECARD_CLOSURE_NOTICE_DAYS,
        severity_points=dict(settings.SCORECARD_SEVERITY_POINTS),
        lowest_band_visit=settings.SCORECARD_LOWEST_BAND_VISIT,
    )


def settings_initial() -> dict[str, Any]:
    """A new ``ScorecardSettings`` row's values: the Django settings'."""
    rules = default_rules()
    return {
        **{f"weight_{code}": value for code, value in rules.weights.items()},
        "bands": [band.body() for band in rules.bands],
        "period_months": rules.period_months,
        "closure_notice_days": rules.closure_notice_days,
        **{f"points_{severity}": value for severity, value in rules.severity_points.items()},
        "lowest_band_visit": rules.lowest_band_visit,
    }


def rules_of(row: ScorecardSettings) -> Rules:
    return rules_check(
        weights={code: getattr(row, f"weight_{code}") for code in MEASURES},
        bands=row.bands,
        period_months=row.period_months,
        closure_notice_days=row.closure_notice_days,
        severity_points={severity: getattr(row, f"points_{severity}") for severity in SEVERITIES},
        lowest_band_visit=row.lowest_band_visit,
    )


def rules_for(municipality_id: int) -> Rules:
    """The municipality's rules (one query)."""
    row = ScorecardSettings.objects.filter(municipality_id=municipality_id).first()
    return rules_of(row) if row is not None else default_rules()
