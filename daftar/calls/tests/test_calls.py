"""Calls (S7): opened by a municipality administrator in the admin with Jalali date-times and
district quotas; listed publicly; applications only while open (server time, Asia/Tehran)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from daftar.accounts.models import User
from daftar.applications.tests.helpers import client_for, draft, open_call
from daftar.calls import messages as msg
from daftar.calls.models import Call
from daftar.municipalities.models import District
from daftar.municipalities.tests.factories import DistrictFactory
from daftar.municipalities.workdays import TEHRAN

pytestmark = pytest.mark.django_db


def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(mobile="09120000007"))  # Tehran's municipality administrator
    return client


def form(**extra: object) -> dict[str, object]:
    tehran = District.objects.filter(municipality__slug="tehran")
    data = {
        "municipality": tehran[0].municipality_id,
        "licence_type": Call.objects.first().licence_type_id,
        "title": "فراخوان دوم دفاتر خدمات الکترونیک شهر",
        "description": "",
        "opens_at": "۱۴۰۵/۰۲/۰۱ ۰۸:۰۰",
        "closes_at": "1405/02/31 14:00",
        "districts-TOTAL_FORMS": "2",
        "districts-INITIAL_FORMS": "0",
        "districts-MIN_NUM_FORMS": "0",
        "districts-MAX_NUM_FORMS": "1000",
        "districts-0-district": tehran[0].pk,
        "districts-0-quota": "1",
        "districts-1-district": tehran[1].pk,
        "districts-1-quota": "2",
    }
    data.update(extra)
    return data


def test_admin_opens_a_call_with_jalali_times_and_quotas(tehran_rules):
    response = admin_client().post("/admin/calls/call/add/", form())
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(title="فراخوان دوم دفاتر خدمات الکترونیک شهر")
    assert call.opens_at == dt.datetime(2026, 4, 21, 8, 0, tzinfo=TEHRAN)  # 1405/02/01 08:00 Tehran
    assert call.closes_at == dt.datetime(2026, 5, 21, 14, 0, tzinfo=TEHRAN)
    assert call.rule_set == tehran_rules
    assert sorted(call.districts.values_list("quota", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    "extra, error",
    [
        ({"closes_at": "1405/01/01 08:00"}, msg.CLOSES_BEFORE_OPENS),
        ({"opens_at": "1405/13/01"}, "تاریخ و ساعت معتبر نیست"),
        ({"districts-0-district": "", "districts-1-district": "", "districts-1-quota": "1"}, msg.NO_DISTRICTS),
        ({"districts-1-quota": "0"}, ""),
    ],
)
def test_admin_refuses_bad_calls_and_stores_nothing(tehran_rules, extra, error):
    before = Call.objects.count()
    response = admin_client().post("/admin/calls/call/add/", form(**extra))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Call.objects.count() == before


def test_admin_cannot_give_another_municipalitys_district(tehran_rules):
    foreign = DistrictFactory()
    response = admin_client().post("/admin/calls/call/add/", form(**{"districts-0-district": foreign.pk}))
    assert response.status_code == 200
    assert Call.objects.count() == 1


def test_public_list_filters_by_status_and_municipality(tehran_rules, client):
    body = client.get("/api/v1/calls?municipality=tehran&status=open").json()
    assert len(body) == 1
    call = body[0]
    assert call["licence_type"] == "e-city-office" and call["status"] == "open"
    assert len(call["districts"]) == 22 and all(d["quota"] == 1 for d in call["districts"])
    assert call["opens_at_jalali"] and call["closes_at_jalali"]
    assert client.get("/api/v1/calls?status=closed").json() == []
    assert client.get("/api/v1/calls?municipality=shiraz").json() == []
    bad = client.get("/api/v1/calls?status=later")
    assert bad.status_code == 400 and bad.json()["detail"] == msg.STATUS_UNKNOWN
    assert client.get("/api/v1/calls/999999").status_code == 404


def test_a_call_is_open_only_between_its_moments_in_server_time(tehran_rules):
    call = Call.objects.get()
    call.opens_at = dt.datetime(2026, 3, 21, 8, 0, tzinfo=TEHRAN)
    call.closes_at = dt.datetime(2026, 4, 20, 14, 0, tzinfo=TEHRAN)
    call.save()
    with time_machine.travel(dt.datetime(2026, 3, 21, 7, 59, tzinfo=TEHRAN), tick=False):
        assert call.state() == "upcoming"
    with time_machine.travel(dt.datetime(2026, 3, 21, 4, 30, tzinfo=dt.UTC), tick=False):  # 08:00 Tehran
        assert call.is_open()
    with time_machine.travel(dt.datetime(2026, 4, 20, 14, 0, tzinfo=TEHRAN), tick=False):
        assert call.state() == "closed"


def test_a_calls_municipality_licence_and_districts_with_cases_stay(tehran_rules):
    from django.test import Client

    call = open_call()
    draft(client_for(User.objects.get(mobile="09120000001")), district=call.districts.first().district_id)
    admin = Client()
    admin.force_login(User.objects.get(mobile="09120000007"))
    page = admin.get(f"/admin/calls/call/{call.pk}/change/").content.decode()
    assert 'name="municipality"' not in page and 'name="licence_type"' not in page
    rows = list(call.districts.order_by("pk"))
    data: dict[str, object] = {
        "title": call.title,
        "description": "",
        "opens_at": "1404/01/01 08:00",
        "closes_at": "1406/01/01 08:00",
        "districts-TOTAL_FORMS": str(len(rows)),
        "districts-INITIAL_FORMS": str(len(rows)),
        "districts-MIN_NUM_FORMS": "0",
        "districts-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"districts-{i}-id": row.pk,
                f"districts-{i}-call": call.pk,
                f"districts-{i}-district": row.district_id,
                f"districts-{i}-quota": row.quota,
            }
        )
    data["districts-0-DELETE"] = "on"
    response = admin.post(f"/admin/calls/call/{call.pk}/change/", data)
    assert response.status_code == 200
    assert msg.DISTRICT_HAS_CASES in response.content.decode()
    assert call.districts.count() == len(rows)
