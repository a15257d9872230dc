"""A municipality's scorecard settings (issue 22 §2): bad weights, bands, period or points are
refused with a Persian message and nothing is saved; a good row is what the computation uses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks

from daftar.catalogue.tests.factories import make_city
from daftar.kernel.errors import ApplicationError
from daftar.scorecard import messages as msg
from daftar.scorecard.admin import ScorecardSettingsForm
from daftar.scorecard.checks import scorecard_settings
from daftar.scorecard.models import ScorecardSettings
from daftar.scorecard.rules import default_rules, rules_check, rules_for, settings_initial

pytestmark = pytest.mark.django_db
GOOD_BANDS = [{"code": "a", "label": "الف", "min": 80}, {"code": "b", "label": "ب", "min": 0}]


def _check(**changes: Any) -> str:
    values: dict[str, Any] = {
        "weights": {"satisfaction": 10},
        "bands": GOOD_BANDS,
        "period_months": 6,
        "closure_notice_days": 2,
        "severity_points": {"minor": 1, "major": 2, "grave": 3},
        "lowest_band_visit": True,
        **changes,
    }
    with pytest.raises(ApplicationError) as refused:
        rules_check(**values)
    return refused.value.message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weights": {"satisfaction": 0}}, msg.WEIGHTS_ALL_ZERO),
        ({"weights": {"tariff": -1}}, msg.WEIGHT_INVALID.format(measure="رعایت تعرفهٔ مصوب")),
        ({"weights": {"tariff": "بسیار"}}, msg.WEIGHT_INVALID.format(measure="رعایت تعرفهٔ مصوب")),
        ({"bands": GOOD_BANDS[:1]}, msg.BANDS_EMPTY),
        ({"bands": [GOOD_BANDS[1], GOOD_BANDS[0]]}, msg.BANDS_ORDER),
        ({"bands": [GOOD_BANDS[0], {**GOOD_BANDS[1], "min": 10}]}, msg.BANDS_LAST_ZERO),
        ({"bands": [GOOD_BANDS[0], {**GOOD_BANDS[1], "code": "a"}]}, msg.BAND_CODE_TWICE.format(code="a")),
        ({"bands": [GOOD_BANDS[0], {"code": "B!", "label": "ب", "min": 0}]}, msg.BAND_SHAPE.format(n="۲")),
        ({"bands": [{**GOOD_BANDS[0], "min": 120}, GOOD_BANDS[1]]}, msg.BAND_SHAPE.format(n="۱")),
        ({"bands": "ممتاز"}, msg.BANDS_EMPTY),
        ({"period_months": 5}, msg.PERIOD_MONTHS_INVALID),
        ({"closure_notice_days": 90}, msg.NOTICE_DAYS_INVALID),
        ({"severity_points": {"grave": 500}}, msg.POINTS_INVALID),
    ],
)
def test_bad_settings_are_refused_in_persian(changes: dict[str, Any], message: str) -> None:
    assert _check(**changes) == message


def test_the_admin_form_refuses_bad_bands_and_saves_nothing() -> None:
    municipality, _ = make_city()
    data = {**settings_initial(), "municipality": municipality.pk, "lowest_band_visit": "on"}
    data["bands"] = '[{"code": "a", "label": "الف", "min": 50}, {"code": "b", "label": "ب", "min": 70}]'
    form = ScorecardSettingsForm(data=data)
    assert not form.is_valid()
    assert msg.BANDS_ORDER in form.non_field_errors()
    assert not ScorecardSettings.objects.exists()


def test_a_saved_row_is_what_the_municipality_is_computed_by() -> None:
    municipality, _ = make_city()
    assert rules_for(municipality.pk) == default_rules()
    data = {**settings_initial(), "municipality": municipality.pk, "weight_wait": 40, "period_months": 3}
    data["bands"] = '[{"code": "a", "label": "الف", "min": 50}, {"code": "b", "label": "ب", "min": 0}]'
    form = ScorecardSettingsForm(data=data)
    assert form.is_valid(), form.errors
    form.save()
    rules = rules_for(municipality.pk)
    assert rules.weights["wait"] == 40 and rules.period_months == 3 and rules.lowest.label == "ب"


def test_the_django_settings_are_checked_at_start(settings: Any) -> None:
    """A bad ``DAFTAR_SCORECARD_*`` value is a system check error (``manage.py check`` fails), not
    a 500 on the ranking page or a daily run that stops at the first municipality."""
    assert scorecard_settings() == []
    settings.SCORECARD_BANDS = GOOD_BANDS[:1]
    settings.SCORECARD_WAIT_ZERO_MINUTES = 5  # below the target (10)
    settings.SCORECARD_OVERCHARGE_ZERO_PERCENT = "دو"
    errors = scorecard_settings()
    assert {e.id for e in errors} == {"scorecard.E001", "scorecard.E002"}
    assert any(msg.BANDS_EMPTY in e.msg for e in errors)
    assert any("OVERCHARGE_ZERO_PERCENT" in e.msg for e in errors)
    assert any("WAIT_ZERO_MINUTES must be above" in e.msg for e in errors)
    assert any(e.id.startswith("scorecard.") for e in run_checks())
