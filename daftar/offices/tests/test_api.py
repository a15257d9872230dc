"""The offices API (API.md «Offices, hours, appointments, services»): the public finder list and
office page, the staff endpoints for hours, staff and closures, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from daftar.accounts.constants import Role
from daftar.accounts.services import role_grant
from daftar.applications.tests.helpers import client_for
from daftar.catalogue.models import Service
from daftar.catalogue.tests.factories import TariffFactory
from daftar.kernel.jalali import parse_date, to_jalali
from daftar.municipalities.models import District
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.offices import messages as msg
from daftar.offices.models import OfficeClosure, OfficeStaff, WeeklyHours
from daftar.offices.policy import NOT_FOUND, NOT_PERMITTED
from daftar.offices.tests.factories import OfficeClosureFactory

from .conftest import CLERK, MANAGER, WEEK, user

pytestmark = pytest.mark.django_db

MONDAY_1030 = dt.datetime(2026, 11, 23, 10, 30, tzinfo=TEHRAN)  # 1405/09/02
MONDAY_1500 = dt.datetime(2026, 11, 23, 15, 0, tzinfo=TEHRAN)
HOURS = "/api/v1/offices/{}/hours"


@pytest.fixture
def reader(tehran):
    supervisor = user("09120000006")  # the demo supervisor of Tehran
    return supervisor


def test_the_public_list_has_hours_services_and_open_now(make_office, tehran):
    office = make_office(district=3, services=["building_permit", "property_inquiry"])
    make_office(district=6, hours=[{"weekday": 2, "start": "08:00", "end": "10:00"}])
    make_office(district=7, active=False)
    with time_machine.travel(MONDAY_1030, tick=False):
        body = APIClient().get("/api/v1/offices?municipality=tehran").json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    card = body["results"][0]
    assert card["id"] == office.pk and card["open_now"] is True
    assert card["district"] == {"id": office.district_id, "number": 3, "name": "منطقهٔ ۳"}
    assert card["municipality"]["slug"] == "tehran"
    assert card["today"]["date"] == "2026-11-23" and card["today"]["date_jalali"] == "1405/09/02"
    assert card["today"]["intervals"] == [{"start": "08:00", "end": "14:00"}]
    assert card["today"]["hours_text"] == "۰۸:۰۰ تا ۱۴:۰۰" and card["today"]["weekday"] == "دوشنبه"
    assert card["weekly_hours"][0] == {"weekday": 0, "weekday_display": "شنبه", "start": "08:00", "end": "14:00"}
    assert [s["code"] for s in card["services"]] == ["building_permit", "property_inquiry"]
    assert card["book_url"] == f"/offices/{office.pk}/book/"
    assert body["results"][1]["open_now"] is False  # open 8–10 on Mondays only
    assert "staff" not in card and "equipment" not in card


def test_filters_district_service_and_open_now(make_office, tehran):
    a = make_office(district=3, services=["building_permit"])
    b = make_office(district=6, services=["property_inquiry"], hours=[{"weekday": 2, "start": "08:00", "end": "10:00"}])
    api = APIClient()
    with time_machine.travel(MONDAY_1030, tick=False):
        ids = lambda q: [o["id"] for o in api.get(f"/api/v1/offices?{q}").json()["results"]]  # noqa: E731
        assert ids("municipality=tehran&district=6") == [b.pk]
        assert ids(f"district={b.district_id}") == [b.pk]  # an id without a municipality
        assert ids("municipality=tehran&district=۳") == [a.pk]  # Persian digits
        assert ids("service=building_permit") == [a.pk]
        assert ids("open_now=true") == [a.pk]
        assert ids(f"municipality={tehran.pk}&open_now=false") == [a.pk, b.pk]
    with time_machine.travel(MONDAY_1500, tick=False):
        assert ids("open_now=1") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("municipality=atlantis", "municipality"),
        ("municipality=tehran&district={missing}", "district"),  # neither a number nor an id of Tehran's
        ("district=abc", "district"),
        ("district=" + "9" * 30, "district"),
        ("service=teleport", "service"),
        ("open_now=maybe", "open_now"),
        ("page=0", "page"),
        ("page_size=1000", "page_size"),
    ],
)
def test_bad_filters_are_persian_400s(tehran, query, field):
    missing = max(99, District.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1)  # ids are not fixed
    response = APIClient().get(f"/api/v1/offices?{query.format(missing=missing)}")
    assert response.status_code == 400
    assert response.json()["fields"][field] == [msg.FILTER_INVALID.format(field=field)]


def test_the_list_is_paginated(make_office):
    for n in range(3):
        make_office(district=3 + n)
    body = APIClient().get("/api/v1/offices?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "page=2" in body["next"]
    second = APIClient().get("/api/v1/offices?page_size=2&page=2").json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]


@pytest.mark.parametrize("open_now", ["", "&open_now=true"])
def test_the_list_costs_the_same_queries_for_3_and_30_offices(make_office, open_now):
    def queries() -> int:
        with time_machine.travel(MONDAY_1030, tick=False), CaptureQueriesContext(connection) as captured:
            response = APIClient().get(f"/api/v1/offices?page_size=100{open_now}")
        assert response.status_code == 200
        return len(captured)

    for n in range(3):
        make_office(district=3 + n % 10)
    few = queries()
    for n in range(27):
        make_office(district=3 + n % 10)
    assert APIClient().get("/api/v1/offices?page_size=100").json()["count"] == 30
    assert queries() == few


def test_the_public_detail_has_14_days_and_todays_tariffs(make_office, tehran):
    office = make_office(services=["building_permit", "property_inquiry"])
    permit = Service.objects.get(code="building_permit")
    TariffFactory(municipality=tehran, service=permit, amount=1_500_000, effective_from=parse_date("1404/01/01"))
    TariffFactory(municipality=tehran, service=permit, amount=1_725_000, effective_from=parse_date("1405/09/03"))
    OfficeClosureFactory(office=office, date=dt.date(2026, 11, 24), reason="تعمیرات ساختمان")
    with time_machine.travel(MONDAY_1030, tick=False):
        body = APIClient().get(f"/api/v1/offices/{office.pk}").json()
    assert body["open_now"] is True and len(body["days"]) == 14
    assert body["days"][1]["date_jalali"] == "1405/09/03" and body["days"][1]["open"] is False
    assert body["days"][1]["closed_reason"] == "تعطیلی دفتر: تعمیرات ساختمان"
    assert body["days"][4]["closed_reason"] == "جمعه"
    services = {s["code"]: s for s in body["services"]}
    assert set(services) == {"building_permit", "property_inquiry"}
    assert services["building_permit"]["tariff"] == 1_500_000  # the revision starts tomorrow
    assert services["property_inquiry"]["tariff"] is None
    assert body["tariff_date_jalali"] == "1405/09/02"
    assert "staff" not in body and "equipment" not in body


def test_an_inactive_or_unknown_office_is_404_with_the_same_body(make_office):
    hidden = make_office(active=False)
    api = APIClient()
    answers = [api.get(f"/api/v1/offices/{pk}") for pk in (hidden.pk, 999999)]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json() == {"code": "not_found", "detail": NOT_FOUND, "fields": {}}
    assert api.get(f"/api/v1/offices/{'9' * 30}").status_code == 404


def test_the_manager_replaces_the_week(make_office):
    office = make_office()
    manager = client_for(user(MANAGER))
    body = {"hours": [{"weekday": d, "start": "۰۸:۰۰", "end": "13:00"} for d in range(4)]}
    response = manager.put(HOURS.format(office.pk), body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["can_edit"] is True and len(data["hours"]) == 4 and data["hours"][0]["end"] == "13:00"
    assert data["directive"][5] == {"weekday": 5, "weekday_display": "پنجشنبه", "windows": "تعطیل"}
    assert manager.get(HOURS.format(office.pk)).json()["hours"] == data["hours"]


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ([{"weekday": 0, "start": "07:30", "end": "14:00"}], None),
        ([{"weekday": 9, "start": "08:00", "end": "14:00"}], msg.HOURS_INVALID),
        ([{"weekday": "x", "start": "08:00", "end": "14:00"}], msg.HOURS_INVALID),
        ([{"weekday": 0, "start": "25:00", "end": "14:00"}], msg.TIME_INVALID.format(value="۲۵:۰۰")),
        ([{"weekday": 0, "start": "12:00", "end": "09:00"}], "در شنبه ساعت آغاز باید پیش از ساعت پایان باشد."),
        ("everyday", msg.HOURS_INVALID),
        (None, msg.HOURS_INVALID),
        ([[0, "08:00"]], msg.HOURS_INVALID),
        ([{"weekday": 0, "start": "08:00", "end": "09:00"}] * 22, msg.HOURS_TOO_MANY),
    ],
)
def test_bad_weeks_are_persian_400s_and_nothing_changes(make_office, hours, message):
    office = make_office()
    response = client_for(user(MANAGER)).put(HOURS.format(office.pk), {"hours": hours}, format="json")
    assert response.status_code == 400, response.content
    if message:
        assert response.json()["detail"] == message
    assert WeeklyHours.objects.filter(office=office).count() == len(WEEK)


def test_staff_list_and_add(make_office):
    office = make_office(clerk=CLERK)
    manager = client_for(user(MANAGER))
    rows = manager.get(f"/api/v1/offices/{office.pk}/staff").json()
    assert {(r["mobile"], r["role"]) for r in rows} == {(MANAGER, "manager"), (CLERK, "clerk")}
    body = {"mobile": "09125550000", "role": "clerk", "title": "باجه ۲"}
    first = manager.post(
        f"/api/v1/offices/{office.pk}/staff", body, format="json", HTTP_IDEMPOTENCY_KEY="staff-add-0001"
    )
    again = manager.post(
        f"/api/v1/offices/{office.pk}/staff", body, format="json", HTTP_IDEMPOTENCY_KEY="staff-add-0001"
    )
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert first.json()["role_display"] == "کارمند دفتر"
    dup = manager.post(f"/api/v1/offices/{office.pk}/staff", body, format="json")
    assert dup.status_code == 409 and dup.json()["detail"] == msg.STAFF_EXISTS
    bad = manager.post(f"/api/v1/offices/{office.pk}/staff", {"mobile": "abc", "role": "clerk"}, format="json")
    assert bad.status_code == 400 and bad.json()["fields"]["mobile"] == [msg.MOBILE_INVALID]
    removed = manager.delete(f"/api/v1/offices/{office.pk}/staff/{first.json()['id']}")
    assert removed.status_code == 204
    me = OfficeStaff.objects.get(office=office, user__mobile=MANAGER)
    last = manager.delete(f"/api/v1/offices/{office.pk}/staff/{me.pk}")
    assert last.status_code == 409 and last.json()["detail"] == msg.LAST_MANAGER


def test_closures_by_the_manager(make_office):
    office = make_office()
    manager = client_for(user(MANAGER))
    day = dt.date.today() + dt.timedelta(days=10)
    created = manager.post(
        f"/api/v1/offices/{office.pk}/closures", {"date": to_jalali(day), "reason": "تعمیرات ساختمان"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["date"] == day.isoformat()
    assert manager.get(f"/api/v1/offices/{office.pk}/closures").json()[0]["reason"] == "تعمیرات ساختمان"
    past = manager.post(
        f"/api/v1/offices/{office.pk}/closures", {"date": "1400/01/05", "reason": "گذشته‌ها"}, format="json"
    )
    assert past.status_code == 400 and past.json()["detail"] == msg.CLOSURE_NOT_FUTURE
    gone = manager.delete(f"/api/v1/offices/{office.pk}/closures/{created.json()['id']}")
    assert gone.status_code == 204 and not OfficeClosure.objects.exists()


def test_a_clerk_of_office_a_cannot_read_or_write_office_b(make_office):
    a = make_office(clerk=CLERK)
    b = make_office(district=6, manager="09120000011")
    clerk = client_for(user(CLERK))
    missing = clerk.get(HOURS.format(999999)).json()
    for method, path, body in [
        ("get", HOURS, None),
        ("put", HOURS, {"hours": WEEK}),
        ("get", "/api/v1/offices/{}/staff", None),
        ("post", "/api/v1/offices/{}/staff", {"mobile": "09125550000", "role": "clerk"}),
        ("get", "/api/v1/offices/{}/closures", None),
        ("post", "/api/v1/offices/{}/closures", {"date": "1499/01/01", "reason": "تعطیلی"}),
    ]:
        response = getattr(clerk, method)(path.format(b.pk), body, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json() == missing
    # on their own office the clerk reads but may not change
    assert clerk.get(HOURS.format(a.pk)).status_code == 200
    assert clerk.get(HOURS.format(a.pk)).json()["can_edit"] is False
    refused = clerk.put(HOURS.format(a.pk), {"hours": WEEK}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == NOT_PERMITTED


def test_municipality_readers_read_but_get_403_on_writes(make_office, reader, tehran):
    office = make_office()
    api = client_for(reader)
    assert api.get(HOURS.format(office.pk)).status_code == 200
    assert api.get(f"/api/v1/offices/{office.pk}/staff").status_code == 200
    for method, path, body in [
        ("put", HOURS, {"hours": WEEK}),
        ("post", "/api/v1/offices/{}/staff", {"mobile": "09125550000", "role": "clerk"}),
        ("post", "/api/v1/offices/{}/closures", {"date": "1499/01/01", "reason": "تعطیلی"}),
    ]:
        response = getattr(api, method)(path.format(office.pk), body, format="json")
        assert response.status_code == 403 and response.json()["detail"] == NOT_PERMITTED
    # a supervisor of another municipality sees nothing
    from daftar.municipalities.models import Province

    shiraz = MunicipalityFactory(slug="shiraz", name="شهرداری شیراز", city="شیراز", province=Province.objects.first())
    outsider = user("09120000003")
    role_grant(user=outsider, role=Role.SUPERVISOR, municipality=shiraz, actor=None)
    assert client_for(outsider).get(HOURS.format(office.pk)).status_code == 404


def test_anonymous_gets_401_on_staff_endpoints_and_reads_public_ones(make_office):
    office = make_office()
    api = APIClient()
    assert api.get(HOURS.format(office.pk)).status_code == 401
    assert api.post(f"/api/v1/offices/{office.pk}/staff", {}, format="json").status_code == 401
    assert api.get(f"/api/v1/offices/{office.pk}").status_code == 200
    assert api.get("/api/v1/offices").status_code == 200


def test_huge_ids_are_404_not_500(make_office):
    make_office(clerk=CLERK)
    clerk = client_for(user(CLERK))
    huge = "9" * 30
    for path in (f"/api/v1/offices/{huge}/hours", f"/api/v1/offices/{huge}/staff", f"/api/v1/offices/{huge}/closures"):
        assert clerk.get(path).status_code == 404
    office = OfficeStaff.objects.get(user__mobile=MANAGER).office
    manager = client_for(user(MANAGER))
    assert manager.delete(f"/api/v1/offices/{office.pk}/staff/{huge}").status_code == 404
    assert manager.delete(f"/api/v1/offices/{office.pk}/closures/{huge}").status_code == 404
