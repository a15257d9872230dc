"""System checks of the scorecard (registered from ``ScorecardConfig.ready``): the
``SCORECARD_*`` settings are checked at start (``manage.py check``, ``runserver``, ``migrate``),
not first when a page or the daily run uses them, where a bad value would be a 500 on
``/desk/scorecards/`` and stop the daily run."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from daftar.kernel.errors import ApplicationError

from .rules import default_rules

# the normalising constants: (setting, lowest, highest)
NUMBERS = (
    ("SCORECARD_OVERCHARGE_ZERO_PERCENT", 0.01, 100.0),
    ("SCORECARD_OUTSIDE_ZERO_PERCENT", 0.01, 100.0),
    ("SCORECARD_LATE_CLOSURE_POINTS", 0, 100),
    ("SCORECARD_COMPLAINT_POINTS", 0, 100),
    ("SCORECARD_REPORT_LATE_SCORE", 0, 100),
    ("SCORECARD_WAIT_TARGET_MINUTES", 0, 24 * 60),
    ("SCORECARD_WAIT_ZERO_MINUTES", 1, 24 * 60),
)


def _number(name: str) -> float | None:
    value = getattr(settings, name, None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@register()
def scorecard_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    try:
        default_rules()
    except ApplicationError as exc:
        errors.append(
            Error(
                f"The DAFTAR_SCORECARD_* settings are refused: {exc.message}",
                hint="Fix DAFTAR_SCORECARD_WEIGHTS, _BANDS, _PERIOD_MONTHS, _CLOSURE_NOTICE_DAYS or "
                "_SEVERITY_POINTS (docs/scorecard.md «Settings»).",
                id="scorecard.E001",
            )
        )
    except Exception as exc:  # a value of the wrong shape altogether (not a mapping…)
        errors.append(Error(f"The DAFTAR_SCORECARD_* settings cannot be read: {exc!r}", id="scorecard.E001"))
    for name, low, high in NUMBERS:
        value = _number(name)
        if value is None or not low <= value <= high:
            errors.append(
                Error(
                    f"DAFTAR_{name}={getattr(settings, name, None)!r} must be a number from {low} to {high}.",
                    id="scorecard.E002",
                )
            )
    target, zero = _number("SCORECARD_WAIT_TARGET_MINUTES"), _number("SCORECARD_WAIT_ZERO_MINUTES")
    if target is not None and zero is not None and zero <= target:
        errors.append(
            Error(
                "DAFTAR_SCORECARD_WAIT_ZERO_MINUTES must be above DAFTAR_SCORECARD_WAIT_TARGET_MINUTES.",
                id="scorecard.E002",
            )
        )
    return errors
