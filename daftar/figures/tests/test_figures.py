"""Each public figure against seeded cases and licences, small-group suppression, the CSV equal
to the JSON, bad input, the cache, and a query count that does not grow with the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from daftar.figures import messages as msg
from daftar.figures.figures import compute
from daftar.figures.period import parse_period
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import Municipality
from daftar.municipalities.workdays import calendar_for
from daftar.rules.models import Condition

from .world import BEFORE, FROM, TO, approved, at, licence, refused, seed

pytestmark = pytest.mark.django_db
URL = "/api/v1/municipalities/tehran/statistics"


@pytest.fixture
def world(tehran_rules: Any) -> None:
    seed()


def get(api: APIClient, **params: str) -> Any:
    return api.get(URL, {"from": FROM, "to": TO, **params})


def test_each_figure_counts_the_seeded_cases(api: APIClient, world: None) -> None:
    response = get(api)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from"], body["to"], body["from_jalali"]) == ("2024-04-20", "2024-07-21", "1403/02/01")
    assert body["applications_received"] == 15  # 6 approved + 7 refused + 2 at the exam; not the earlier one
    assert body["decided"] == 14
    assert body["decided_on_time_ratio"] == round(12 / 14, 3)
    medians = body["median_working_days"]
    assert medians["submitted"] == 1  # Saturday to Sunday, every case
    # 1, 1, 2, 3, 3, 3, seven 2s and the earlier case's long review: the median is 2
    assert medians["document_review"] == 2
    assert medians["exam"] is None and "median_working_days.exam" in body["withheld"]
    assert "interview" not in medians  # nobody left it yet
    assert body["refused"] == 7
    # S9.1 (7 of 7 refused) and S10.2 (5 of 7) are within 5 of the total: they would say who failed them
    assert body["refusals_by_condition"] == {"S9.1": None, "S10.2": None, "S11.1": None}
    texts = dict(Condition.objects.filter(rule_set__municipality__slug="tehran").values_list("cid", "text"))
    assert body["labels"]["refusals_by_condition"]["S9.1"] == texts["S9.1"]
    assert body["active_licences"] == 15
    by_district = body["active_licences_by_district"]
    assert (by_district["1"], by_district["2"], by_district["3"], by_district["4"]) == (7, None, None, 0)
    assert body["labels"]["active_licences_by_district"]["1"]


def test_the_median_counts_working_days_of_the_municipality(world: None) -> None:
    # an independent count: Sunday 12 May to Wednesday 15 May 2024 is three working days
    municipality = Municipality.objects.get(slug="tehran")
    assert calendar_for(municipality).working_days_between(at(12), at(15)) == 3


def test_small_groups_are_withheld_and_named(api: APIClient, world: None, settings: Any) -> None:
    body = get(api).json()
    # S11.1 (2 refusals) is below 5; S9.1 (7) and S10.2 (5) are within 5 of the 7 refused
    assert {"refusals_by_condition.S11.1", "refusals_by_condition.S10.2"} <= set(body["withheld"])
    assert "refusals_by_condition.S9.1" in body["withheld"]
    assert {"active_licences_by_district.3", "active_licences_by_district.2"} <= set(body["withheld"])
    assert "active_licences_by_district.1" not in body["withheld"]  # 7 of 15: 8 others
    assert body["refused"] == 7 and body["active_licences"] == 15  # the hidden cells sum to 5 or more
    assert body["min_group"] == 5

    settings.FIGURES_MIN_GROUP = 2
    cache.clear()
    body = get(api).json()
    # S9.1 = refused = 7 says every refused case failed it; S11.1 (smallest) hides it from the total
    assert body["refusals_by_condition"] == {"S9.1": None, "S10.2": 5, "S11.1": None}
    assert body["median_working_days"]["exam"] == 1
    assert body["withheld"] == ["refusals_by_condition.S9.1", "refusals_by_condition.S11.1"]

    settings.FIGURES_MIN_GROUP = 20
    cache.clear()
    body = get(api).json()
    assert body["decided_on_time_ratio"] is None  # 14 decided is a group below 20
    assert "decided_on_time_ratio" in body["withheld"]
    assert body["applications_received"] == 15  # totals stay


def test_csv_carries_the_same_figures_as_json(api: APIClient, world: None) -> None:
    body = get(api).json()
    for response in (get(api, format="csv"), api.get(URL + ".csv", {"from": FROM, "to": TO})):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["شاخص", "کلید", "عنوان", "مقدار", "پنهان (گروه کوچک)"]
        rebuilt: dict[str, Any] = {}
        for key, sub, _label, value, hidden in rows[1:]:
            number = None if value == "" else (float(value) if "." in value else int(value))
            assert (hidden == "بله") == (number is None)
            if sub:
                rebuilt.setdefault(key, {})[sub] = number
            else:
                rebuilt[key] = number
        for key, value in rebuilt.items():
            assert body[key] == value, key
        assert set(rebuilt) == {
            "applications_received",
            "decided",
            "decided_on_time_ratio",
            "median_working_days",
            "refused",
            "refusals_by_condition",
            "active_licences",
            "active_licences_by_district",
            "complaints_received",
            "complaints_answered",
        }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "1403/13/01"}, "from", msg.DATE_INVALID),
        ({"from": "yesterday"}, "from", msg.DATE_INVALID),
        ({"to": "2024-02-30"}, "to", msg.DATE_INVALID),
        ({"from": "1403/05", "to": "1403/02"}, "from", msg.RANGE_REVERSED),
        ({"from": "1480/01"}, "from", msg.RANGE_FUTURE),
        ({"from": "1403/02/02", "to": "1403/04"}, "from", msg.WHOLE_MONTHS),
        ({"from": "2024-04-21", "to": "1403/04"}, "from", msg.WHOLE_MONTHS),
        ({"from": "1403/02", "to": "1403/03/30"}, "to", msg.WHOLE_MONTHS),  # 1403/03 has 31 days
        ({"from": "1403/02", "to": "2024-07-20"}, "to", msg.WHOLE_MONTHS),
        ({"from": "1380/01", "to": "1403/01"}, "to", None),
    ],
)
def test_bad_periods_are_a_persian_400(
    api: APIClient, tehran_rules: Any, params: dict[str, str], field: str, message: str | None
) -> None:
    response = api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["fields"]
    if message:
        assert body["detail"] == message
    else:
        assert body["detail"].startswith("بازه نباید بیش از")


def test_month_boundaries_as_days_are_accepted(api: APIClient, tehran_rules: Any) -> None:
    response = api.get(URL, {"from": "۱۴۰۳/۰۲/۰۱", "to": "2024-07-21"})  # 1403/02/01 … 1403/04/31
    assert response.status_code == 200, response.content
    assert (response.json()["from"], response.json()["to"]) == ("2024-04-20", "2024-07-21")
    # 10 July 2024 is in 1403/04: that month is under way, so figures end with 1403/03 (20 June)
    today = dt.date(2024, 7, 10)
    assert parse_period("1403/02", "1403/04", today=today).end == dt.date(2024, 6, 20)
    assert parse_period(today=today).end == dt.date(2024, 6, 20)  # the default period too
    with pytest.raises(ApplicationError) as caught:
        parse_period("1403/04", today=today)  # only the month under way: nothing published yet
    assert caught.value.message == msg.RANGE_FUTURE


def test_unknown_municipality_and_format(api: APIClient, tehran_rules: Any) -> None:
    response = api.get("/api/v1/municipalities/atlantis/statistics")
    assert response.status_code == 404
    assert response.json()["detail"] == msg.MUNICIPALITY_NOT_FOUND
    response = api.get("/api/v1/municipalities/atlantis/statistics.csv")
    assert response.status_code == 404 and response.json()["detail"] == msg.MUNICIPALITY_NOT_FOUND
    response = api.get(URL, {"format": "xml"})
    assert response.status_code == 400
    assert response.json()["detail"] == msg.FORMAT_INVALID


def test_no_login_needed_and_figures_are_cached(api: APIClient, world: None) -> None:
    first = get(api)
    assert first.status_code == 200 and "public" in first["Cache-Control"]
    licence(1, issued=at(21))  # a new licence within the period
    with CaptureQueriesContext(connection) as queries:
        second = get(api)
    assert second.json() == first.json()  # served from the cache: the same figures and moment
    assert len(queries) <= 2  # the municipality only (and nothing of the figures)
    cache.clear()
    assert get(api).json()["active_licences_by_district"]["1"] == 8


def _seed(count: int) -> None:
    for i in range(count):
        if i % 2:
            approved(11, review_days=1 + i % 3, late=i % 5 == 0)
        else:
            refused(11, ["S9.1", "S10.2"] if i % 4 else ["S9.1"])
        if i % 3 == 0:
            licence(1 + i % 4, issued=at(20))


def _queries(municipality: Municipality) -> int:
    calendar_for(municipality)  # the calendar's days off are cached per process
    period = parse_period(FROM, TO)
    with CaptureQueriesContext(connection) as queries:
        compute(municipality, period)
    return len(queries)


def test_query_count_does_not_grow_with_the_cases(tehran_rules: Any) -> None:
    municipality = Municipality.objects.get(slug="tehran")
    _seed(10)
    few = _queries(municipality)
    _seed(90)
    many = _queries(municipality)
    assert compute(municipality, parse_period(FROM, TO))["decided"] == 100
    assert few == many
    assert many <= 8  # one per figure's read: cases, stays, refusals, conditions, licences, districts, complaints


def test_new_periods_from_one_address_are_limited(api: APIClient, tehran_rules: Any, settings: Any) -> None:
    settings.FIGURES_COMPUTE_PER_ADDRESS_HOURLY = 2
    # ``to`` pinned: left open it would be today, and a day's change of period is a new computation
    assert api.get(URL, {"from": "1403/01", "to": "1403/06"}).status_code == 200
    assert api.get(URL, {"from": "1403/01", "to": "1403/06"}).status_code == 200  # from the cache: not counted
    assert api.get(URL, {"from": "1403/02", "to": "1403/06"}).status_code == 200
    response = api.get(URL, {"from": "1403/03", "to": "1403/06"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert response.json()["detail"].startswith("درخواست آمار برای بازه‌های تازه")


def test_complaints_received_and_answered_in_the_period(api: APIClient, world: None) -> None:
    from daftar.applications.models import Application  # the seeded cases the complaints are about
    from daftar.complaints.models import Complaint
    from daftar.complaints.workflow import ComplaintStatus

    cases = list(Application.objects.filter(municipality__slug="tehran").order_by("pk")[:4])
    inside, outside = at(5), BEFORE
    for n, (case, when, status) in enumerate(
        [
            (cases[0], inside, ComplaintStatus.ANSWERED),
            (cases[1], inside, ComplaintStatus.RECEIVED),
            (cases[2], inside, ComplaintStatus.REOPENED),  # answered once, asked again: not answered now
            (cases[3], outside, ComplaintStatus.ANSWERED),  # filed before the period
        ]
    ):
        made = Complaint.objects.create(
            tracking_code=f"SHK-1403-{n:06d}",
            municipality=case.municipality,
            complainant=case.applicant,
            application=case,
            ground="deadline_passed",
            text="پرونده از مهلت قانونی گذشته است و پاسخی نگرفته‌ام.",
            due=when,
            status=status,
        )
        Complaint.objects.filter(pk=made.pk).update(created_at=when)
    body = get(api).json()
    assert (body["complaints_received"], body["complaints_answered"]) == (3, 1)
