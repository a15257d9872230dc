"""Each measure of the scorecard computed from built data, with its score and the sentence that
explains it (issue 22 §2), and the total's renormalisation when a measure has no data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.feedback.models import Source
from daftar.scorecard import messages as msg
from daftar.scorecard.models import Scorecard
from daftar.scorecard.periods import parse
from daftar.scorecard.services import scorecards_compute

from .helpers import (
    H1,
    TODAY,
    at,
    closure,
    licensed_office,
    ratings,
    report,
    services,
    tickets,
    upheld_complaint,
    violation,
)

pytestmark = pytest.mark.django_db


def _measures(row: Scorecard) -> dict[str, dict[str, Any]]:
    return {m["code"]: m for m in row.measures}


def _compute(office: Any) -> Scorecard:
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    return Scorecard.objects.get(office=office, period=H1)


def test_every_measure_has_its_score_its_figures_and_its_reason(make_licence: Any) -> None:
    office = licensed_office(make_licence, name="دفتر سنجش همه‌جانبه")
    services(office, 100, outside=4)
    closure(office, dt.date(2026, 5, 20), announced=dt.date(2026, 5, 19))  # a day before: late (2 days asked)
    closure(office, dt.date(2026, 6, 10), announced=dt.date(2026, 6, 1))
    ratings(office, [4, 4, 4, 4, 4, 4], Source.SERVICE)
    ratings(office, [5, 5, 5], Source.APPOINTMENT)
    violation(office, "overcharging")  # grave
    violation(office, "tariff_not_posted")  # minor
    upheld_complaint(office)
    upheld_complaint(office, decision="rejected")  # not upheld: does not count
    report(office, sent=dt.date(2026, 9, 30))  # after 1405/06/31: late
    tickets(office, [20, 25, 30])

    row = _compute(office)
    m = _measures(row)

    assert m["satisfaction"]["score"] == 83.3  # mean 39/9 = 4.33 → (4.33 − 1) × 25
    assert m["satisfaction"]["raw"]["service_mean"] == 4.0
    assert m["satisfaction"]["raw"]["appointment_mean"] == 5.0
    assert m["satisfaction"]["reason"] == (
        "میانگین امتیاز ۴٫۳ از ۵ در ۹ نظر (خدمت حضوری: ۴ در ۶ نظر؛ نوبت اینترنتی: ۵ در ۳ نظر). "
        "ماهی با کمتر از ۳ نظر شمرده نمی‌شود، چنان‌که صفحهٔ رضایت شهروندان هم آن را نشان نمی‌دهد."
    )
    assert m["tariff"]["score"] == 50.0  # 1 in 100 = 1%, half-way to the 2% that gives 0
    assert m["tariff"]["reason"] == "۱ مورد دریافت بیش از تعرفه در ۱۰۰ خدمت ثبت‌شده."
    assert m["hours"]["score"] == 50.0  # 4% of 10% → 60, less 10 for the late closure
    assert m["hours"]["raw"]["late_closures"] == 1
    assert m["hours"]["reason"] == (
        "۴ خدمت از ۱۰۰ خدمت (۴٪) بیرون از ساعات مصوب ثبت شد؛ ۱ تعطیلی از ۲ تعطیلی کمتر از ۲ روز پیش از آن اعلام شد."
    )
    assert m["complaints"]["score"] == 80.0
    assert m["complaints"]["reason"] == "۱ شکایت از دفتر وارد شناخته شد."
    assert m["violations"]["score"] == 65.0  # grave 30 + minor 5
    assert m["violations"]["raw"]["grave"] == 1 and m["violations"]["raw"]["minor"] == 1
    assert m["violations"]["reason"] == "۱ تخلف شدید، ۱ تخلف جزئی در این دوره ثبت شد."
    assert m["reports"]["score"] == 50.0
    assert m["reports"]["reason"] == "گزارش نیمهٔ نخست ۱۴۰۵ با تأخیر فرستاده شد."
    assert m["wait"]["score"] == 70.0  # median 25: 35 of the 50 minutes between 10 and 60 left
    assert m["wait"]["reason"] == "میانهٔ انتظار مراجعان حضوری تا فراخوان ۲۵ دقیقه بود (هدف: ۱۰ دقیقه یا کمتر)."
    assert all(x["counted"] for x in m.values())
    expected = (83.3 * 25 + 50 * 20 + 50 * 15 + 80 * 10 + 65 * 15 + 50 * 5 + 70 * 10) / 100
    assert float(row.total) == pytest.approx(expected, abs=0.051)
    assert row.band == "fair" and row.band_label == "متوسط"
    assert row.rank == 1 and row.ranked == 1


def test_a_measure_without_data_is_left_out_and_the_weights_renormalised(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 50, outside=5)  # hours: 10% → 0
    ratings(office, [5, 5])  # two ratings: fewer than FEEDBACK_MIN_GROUP (3)
    report(office, sent=dt.date(2026, 9, 1))  # on time

    row = _compute(office)
    m = _measures(row)
    assert m["satisfaction"]["score"] is None and not m["satisfaction"]["counted"]
    assert m["satisfaction"]["reason"].startswith("در هیچ ماهی از این دوره دست‌کم ۳ نظر ثبت نشد.")
    assert m["satisfaction"]["raw"]["ratings"] is None  # never a count below FEEDBACK_MIN_GROUP
    assert msg.NO_DATA in m["satisfaction"]["reason"]
    assert m["satisfaction"]["raw"]["service_mean"] is None  # too few to show: it could tell who rated
    assert m["wait"]["score"] is None and msg.NO_DATA in m["wait"]["reason"]
    # tariff 100 (20), hours 0 (15), complaints 100 (10), violations 100 (15), reports 100 (5)
    assert float(row.total) == round((100 * 20 + 0 * 15 + 100 * 10 + 100 * 15 + 100 * 5) / 65, 1)
    assert m["reports"]["reason"] == "گزارش نیمهٔ نخست ۱۴۰۵ به‌موقع فرستاده شد."


def test_a_weight_of_zero_turns_a_measure_off(make_licence: Any, settings: Any) -> None:
    settings.SCORECARD_WEIGHTS = {**settings.SCORECARD_WEIGHTS, "hours": 0}
    office = licensed_office(make_licence)
    services(office, 10, outside=10)
    report(office, sent=dt.date(2026, 9, 1))
    row = _compute(office)
    hours = _measures(row)["hours"]
    assert hours["score"] == 0.0 and not hours["counted"] and msg.OFF in hours["reason"]
    assert float(row.total) == 100.0  # the rest is perfect


def test_a_missing_report_scores_zero_and_an_office_without_services_is_not_ranked(make_licence: Any) -> None:
    busy = licensed_office(make_licence)
    idle = licensed_office(make_licence)
    services(busy, 5)
    scorecards_compute(municipality=busy.municipality, period=H1, today=TODAY)
    row = Scorecard.objects.get(office=busy)
    assert _measures(row)["reports"]["score"] == 0.0
    assert _measures(row)["reports"]["reason"] == "گزارش نیمهٔ نخست ۱۴۰۵ فرستاده نشد."
    quiet = Scorecard.objects.get(office=idle)
    assert quiet.total is None and quiet.rank is None and quiet.band == ""
    assert row.ranked == quiet.ranked == 1


def test_the_period_keys_and_labels() -> None:
    h1 = parse("۱۴۰۵-۱")
    assert (h1.key, h1.label, h1.first, h1.last) == (
        "1405-H1",
        "نیمهٔ نخست ۱۴۰۵",
        dt.date(2026, 3, 21),
        dt.date(2026, 9, 22),
    )
    assert parse("1405-H2").last == dt.date(2027, 3, 20)
    assert parse("1405-2", 3).label == "تابستان ۱۴۰۵"
    assert parse("1405-Y").halves() == ["1405-H1", "1405-H2"]
    assert parse("1405-Q1").halves() == [] and parse("1405-Q2").halves() == ["1405-H1"]
    assert parse("1405-H1").previous().key == "1404-H2"


def _licence_changed(office: Any, **fields: Any) -> None:
    if fields:
        type(office.licence).objects.filter(pk=office.licence_id).update(**fields)


@pytest.mark.parametrize(
    ("changes", "filed", "owed"),
    [
        ({}, False, True),  # under supervision, valid, issued long before the deadline: missing, 0
        ({"issued_at": at(dt.date(2026, 10, 1))}, False, False),  # issued after the deadline: no violation, not owed
        ({"issued_at": at(dt.date(2026, 10, 1))}, True, True),  # …but filed anyway: the inbox shows it
        ({"status": "revoked"}, False, False),  # not under supervision
        ({"status": "revoked"}, True, True),
        ({"valid_until": dt.date(2026, 3, 1)}, True, False),  # expired before the half-year began
        ({"valid_from": dt.date(2026, 10, 1)}, True, False),  # valid only after it ended
    ],
)
def test_a_report_is_owed_as_the_supervision_app_counts_it(
    make_licence: Any, changes: dict[str, Any], filed: bool, owed: bool
) -> None:
    office = licensed_office(make_licence)
    services(office, 5)
    _licence_changed(office, **changes)
    if filed:
        report(office, sent=dt.date(2026, 9, 1))
    reports = _measures(_compute(office))["reports"]
    assert (reports["score"] is not None) == owed
    assert reports["raw"]["reports"] == ([{"period": H1, "state": "on_time" if filed else "missing"}] if owed else [])


def test_outside_hours_detected_by_the_system_are_not_taken_off_twice(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 100, outside=2)
    detected = violation(office, "outside_hours")
    detected.source = "system"
    detected.save(update_fields=["source"])
    violation(office, "outside_hours")  # recorded by a supervisor: a finding of its own, counted
    m = _measures(_compute(office))
    assert m["hours"]["raw"]["outside"] == 2  # the hours measure has the outside-hours work
    assert m["violations"]["raw"]["outside_hours_detected"] == 1
    severity = next(s for s in ("minor", "major", "grave") if m["violations"]["raw"][s])
    assert sum(m["violations"]["raw"][s] for s in ("minor", "major", "grave")) == 1
    assert m["violations"]["score"] == 100 - m["violations"]["raw"]["points"][severity]
    assert "در سنجهٔ «رعایت ساعات کار» آمده است" in m["violations"]["reason"]
