"""The office pages: the citizens' finder and office page (S17: hours in Persian with Jalali
dates; P6: tariffs), the staff's «my offices» and the manager's page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from daftar.catalogue.models import Service
from daftar.catalogue.tests.factories import TariffFactory
from daftar.kernel.jalali import parse_date, to_jalali
from daftar.municipalities.workdays import TEHRAN
from daftar.offices import messages as msg
from daftar.offices.models import OfficeClosure, OfficeStaff, WeeklyHours
from daftar.offices.tests.factories import OfficeClosureFactory

from .conftest import CLERK, MANAGER, user

pytestmark = pytest.mark.django_db

MONDAY_1030 = dt.datetime(2026, 11, 23, 10, 30, tzinfo=TEHRAN)


def logged_in(mobile: str) -> Client:
    client = Client()
    client.force_login(user(mobile))
    return client


def html(response) -> str:
    return response.content.decode()


def test_the_finder_lists_offices_with_todays_hours_and_an_open_badge(make_office):
    a = make_office(district=3, services=["building_permit"])
    b = make_office(district=6, services=["property_inquiry"], hours=[{"weekday": 2, "start": "08:00", "end": "10:00"}])
    make_office(district=7, active=False)
    with time_machine.travel(MONDAY_1030, tick=False):
        page = html(Client().get("/offices/"))
        assert f'data-office="{a.pk}"' in page and f'data-office="{b.pk}"' in page
        assert page.count("data-office=") == 2
        assert "اکنون باز است" in page and "اکنون بسته است" in page
        assert "۰۸:۰۰ تا ۱۴:۰۰" in page and "درخواست صدور پروانهٔ ساختمانی" in page
        only_open = html(Client().get("/offices/?open_now=on"))
        assert f'data-office="{a.pk}"' in only_open and f'data-office="{b.pk}"' not in only_open
        by_service = html(Client().get("/offices/?service=building_permit"))
        assert by_service.count("data-office=") == 1
        by_district = html(Client().get(f"/offices/?district={b.district_id}"))
        assert f'data-office="{b.pk}"' in by_district and by_district.count("data-office=") == 1
    assert Client().get("/offices/?district=abc&service=nope").status_code == 400
    assert Client().get("/offices/?page=xyz").status_code == 200


def test_the_office_page_shows_the_week_exceptions_tariffs_and_the_booking_link(make_office, tehran):
    office = make_office(services=["building_permit", "charges_payment"])
    permit = Service.objects.get(code="building_permit")
    TariffFactory(municipality=tehran, service=permit, amount=1_500_000, effective_from=parse_date("1404/01/01"))
    OfficeClosureFactory(office=office, date=dt.date(2026, 11, 24), reason="تعمیرات ساختمان")
    with time_machine.travel(MONDAY_1030, tick=False):
        page = html(Client().get(f"/offices/{office.pk}/"))
    assert f'href="/offices/{office.pk}/book/"' in page and "رزرو نوبت" in page
    assert "۱۴۰۵/۰۹/۰۳" in page and "تعطیلی دفتر: تعمیرات ساختمان" in page
    assert "۱٬۵۰۰٬۰۰۰" in page and "تعیین نشده" in page  # charges_payment has no tariff yet
    assert re.search(r'data-weekday="5">\s*<th scope="row">پنجشنبه</th><td>تعطیل</td>', page)
    assert "اکنون باز است" in page


def test_an_inactive_or_unknown_office_page_is_404(make_office):
    hidden = make_office(active=False)
    assert Client().get(f"/offices/{hidden.pk}/").status_code == 404
    assert Client().get("/offices/999999/").status_code == 404
    assert Client().get(f"/offices/{hidden.pk}/manage/").status_code == 302  # anonymous: log in first


def test_my_offices_lists_memberships(make_office):
    office = make_office(clerk=CLERK)
    page = html(logged_in(CLERK).get("/offices/mine/"))
    assert f'data-office="{office.pk}"' in page and "کارمند دفتر" in page
    assert "شما کارکن هیچ دفتری نیستید" in html(logged_in("09120000001").get("/offices/mine/"))
    supervisor = html(logged_in("09120000006").get("/offices/mine/"))
    assert "دفاتر شهرداری (فقط مشاهده)" in supervisor and f'data-office="{office.pk}"' in supervisor


def test_the_manager_edits_the_week_on_the_page(make_office):
    office = make_office()
    manager = logged_in(MANAGER)
    page = html(manager.get(f"/offices/{office.pk}/manage/"))
    assert 'name="d0_s1"' in page and 'value="۰۸:۰۰"' in page
    data = {"action": "hours", "d0_s1": "۰۸:۳۰", "d0_e1": "13:00", "d2_s1": "08:00", "d2_e1": "14:00"}
    response = manager.post(f"/offices/{office.pk}/manage/", data)
    assert response.status_code == 302 and response["Location"].endswith("#hours")
    assert list(WeeklyHours.objects.filter(office=office).values_list("weekday", "start")) == [
        (0, dt.time(8, 30)),
        (2, dt.time(8)),
    ]
    refused = manager.post(f"/offices/{office.pk}/manage/", {"action": "hours", "d1_s1": "07:00", "d1_e1": "12:00"})
    assert refused.status_code == 400 and "بیرون از ساعات مصوب شهرداری است" in html(refused)
    half = manager.post(f"/offices/{office.pk}/manage/", {"action": "hours", "d1_s1": "08:00"})
    assert half.status_code == 400 and "برای یکشنبه هم ساعت آغاز و هم ساعت پایان را بنویسید." in html(half)
    assert WeeklyHours.objects.filter(office=office).count() == 2


def test_the_manager_adds_staff_and_a_closure_and_sees_errors(make_office):
    office = make_office()
    manager = logged_in(MANAGER)
    url = f"/offices/{office.pk}/manage/"
    assert manager.post(url, {"action": "staff_add", "mobile": "09125550000", "role": "clerk"}).status_code == 302
    assert OfficeStaff.objects.filter(office=office, user__mobile="09125550000", active=True).exists()
    bad = manager.post(url, {"action": "staff_add", "mobile": "0912", "role": "clerk"})
    assert bad.status_code == 400 and msg.MOBILE_INVALID in html(bad)
    day = timezone.localdate() + dt.timedelta(days=5)
    ok = manager.post(url, {"action": "closure_add", "date": to_jalali(day), "reason": "تعمیرات ساختمان"})
    assert ok.status_code == 302 and OfficeClosure.objects.filter(office=office, date=day).exists()
    past = manager.post(url, {"action": "closure_add", "date": "1400/01/01", "reason": "تعمیرات ساختمان"})
    assert past.status_code == 400 and msg.CLOSURE_NOT_FUTURE in html(past)
    profile = manager.post(
        url,
        {
            "action": "profile",
            "name": office.name,
            "address": office.address,
            "phone": "",
            "lat": "۳۵٫۷۱",
            "lng": "51.4",
            "district": office.district_id,
            "counters": "۴",
            "equipment": ["computers", "signboard"],
        },
    )
    assert profile.status_code == 302
    office.refresh_from_db()
    assert office.counters == 4 and office.equipment == ["computers", "signboard"] and office.lat == 35.71
    assert manager.post(url, {"action": "nonsense"}).status_code == 400


def test_clerks_and_readers_see_the_page_read_only_others_get_404(make_office):
    office = make_office(clerk=CLERK)
    url = f"/offices/{office.pk}/manage/"
    clerk_page = html(logged_in(CLERK).get(url))
    assert 'data-readonly="1"' in clerk_page and 'name="d0_s1"' not in clerk_page
    assert logged_in(CLERK).post(url, {"action": "hours"}).status_code == 403
    reader_page = logged_in("09120000006").get(url)
    assert reader_page.status_code == 200 and "نمای فقط‌خواندنی" in html(reader_page)
    assert logged_in("09120000006").post(url, {"action": "closure_add"}).status_code == 403
    other = make_office(district=6, manager="09120000011")
    assert logged_in(CLERK).get(f"/offices/{other.pk}/manage/").status_code == 404
    assert logged_in("09120000001").get(url).status_code == 404
    assert logged_in(CLERK).get("/offices/999999/manage/").status_code == 404
    assert WeeklyHours.objects.filter(office=office).count() == 5


def test_the_finder_page_costs_the_same_queries_for_3_and_20_offices(make_office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get("/offices/?open_now=on").status_code == 200
        return len(captured)

    for n in range(3):
        make_office(district=3 + n)
    few = queries()
    for n in range(17):
        make_office(district=3 + n % 10)
    assert queries() == few
