"""What a citizen reads about an office: when a closed office next opens, a phone number to tap,
the same office name in the finder, on its page and in the public registry, and its licence
number leading to the verification result."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from daftar.municipalities.tests.factories import DayOffFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.offices.tests.factories import OfficeClosureFactory

pytestmark = pytest.mark.django_db

# Monday 2 Azar 1405; the test offices open Saturday–Wednesday 8:00–14:00
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN)


def html(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (at(MONDAY, 7), "بسته است؛ امروز ساعت ۸:۰۰ باز می‌شود"),
        (at(MONDAY, 15), "بسته است؛ فردا ساعت ۸:۰۰ باز می‌شود"),
        # Wednesday afternoon: Thursday and Friday are not its days, so Saturday
        (at(MONDAY + dt.timedelta(days=2), 15), "بسته است؛ شنبه ساعت ۸:۰۰ باز می‌شود"),
    ],
)
def test_a_closed_office_says_when_it_next_opens(make_office, moment, said):
    office = make_office()
    with time_machine.travel(moment, tick=False):
        assert said in html(f"/offices/{office.pk}/")
        assert said in html("/offices/")


def test_an_open_office_says_nothing_of_its_next_opening(make_office):
    office = make_office()
    with time_machine.travel(at(MONDAY, 10), tick=False):
        assert "باز می‌شود" not in html(f"/offices/{office.pk}/")
        assert "باز می‌شود" not in html("/offices/")


def test_a_day_off_and_closures_move_the_next_opening_with_a_jalali_date(make_office, tehran):
    office = make_office()
    DayOffFactory(municipality=tehran, date=MONDAY + dt.timedelta(days=1), title="آلودگی هوا")
    with time_machine.travel(at(MONDAY, 15), tick=False):
        assert "بسته است؛ چهارشنبه ساعت ۸:۰۰ باز می‌شود" in html(f"/offices/{office.pk}/")
    # closed for repairs the whole next week: the opening is more than a week away, so dated
    for n in range(2, 8):
        OfficeClosureFactory(office=office, date=MONDAY + dt.timedelta(days=n), reason="تعمیرات")
    with time_machine.travel(at(MONDAY, 15), tick=False):
        said = "بسته است؛ سه‌شنبه ۱۰ آذر ساعت ۸:۰۰ باز می‌شود"
        assert said in html(f"/offices/{office.pk}/")
        assert said in html("/offices/")


def test_phone_numbers_are_tap_to_call_with_persian_digits(make_office):
    office = make_office()
    for page in (html(f"/offices/{office.pk}/"), html("/offices/")):
        assert '<a href="tel:+982188001122" dir="ltr" class="tel-link">۰۲۱۸۸۰۰۱۱۲۲</a>' in page


@pytest.mark.parametrize(
    ("typed", "uri"),
    [
        ("02188001122", "tel:+982188001122"),
        ("۰۹۱۲۰۰۰۰۰۰۸", "tel:+989120000008"),
        ("+98 21 8800 1122", "tel:+982188001122"),
        ("88001111", "tel:88001111"),  # a local number: +98 without the area code is another city
        ("", ""),
    ],
)
def test_a_phone_number_becomes_an_international_tel_address(typed, uri):
    assert Office(phone=typed).phone_uri == uri


def test_the_registry_the_finder_and_the_office_page_give_one_office_name():
    from daftar.demo.services import demo_load  # the demo offices come with their licences

    demo_load()
    office = Office.objects.exclude(licence=None).select_related("licence").first()
    assert office is not None
    Office.objects.filter(pk=office.pk).update(name="دفتر خدمات نوروز")
    licensed_as = office.licence.office_name
    registry = html("/licences/registry/?municipality=tehran")
    finder = html("/offices/")
    detail = html(f"/offices/{office.pk}/")
    for page in (registry, finder, detail):
        assert "دفتر خدمات نوروز" in page
    row = registry.split("<tbody>", 1)[1].split(office.licence.number, 1)[1].split("</tr>", 1)[0]
    assert f"نام در مجوز: {licensed_as}" in row  # the registry says which name was licensed
    # a check vouches for the name the licence was issued under (the certificate's), and tells
    # the name the office now trades under; a rename by its manager cannot borrow the licence
    verified = Client().get(f"/api/v1/licences/{office.licence.number}/verify").json()
    assert (verified["office"], verified["office_current_name"]) == (licensed_as, "دفتر خدمات نوروز")


def test_the_licence_number_links_to_its_verification_result():
    from daftar.demo.services import demo_load  # the demo offices come with their licences

    demo_load()
    office = Office.objects.exclude(licence=None).select_related("licence").first()
    assert office is not None
    number = office.licence.number
    link = f'href="/licences/verify/{number}/"'
    assert link in html(f"/offices/{office.pk}/")
    assert link in html("/licences/registry/?municipality=tehran")
    result = html(f"/licences/verify/{number}/")
    assert number in result and office.name in result
