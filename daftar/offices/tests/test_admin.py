"""The offices in the admin: scoped to the municipality administrator; weekly hours entered
there are held to the directive as on the manager's page (S17)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.forms import inlineformset_factory
from django.test import Client
from django.utils import timezone

from daftar.audit.models import AuditEntry
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.models import DayOff, Province
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.offices.admin import WeeklyHoursFormSet
from daftar.offices.models import Office, WeeklyHours

from .conftest import user

pytestmark = pytest.mark.django_db

ADMIN = "09120000007"  # the demo municipality administrator of Tehran


def formset(office: Office, rows: list[tuple[int, str, str]]) -> Any:
    factory = inlineformset_factory(
        Office, WeeklyHours, formset=WeeklyHoursFormSet, fields=["weekday", "start", "end"], extra=0
    )
    data = {"weekly_hours-TOTAL_FORMS": str(len(rows)), "weekly_hours-INITIAL_FORMS": "0"}
    for n, (weekday, start, end) in enumerate(rows):
        data |= {
            f"weekly_hours-{n}-weekday": str(weekday),
            f"weekly_hours-{n}-start": start,
            f"weekly_hours-{n}-end": end,
        }
    return factory(data, instance=office, prefix="weekly_hours")


def test_admin_weekly_hours_are_checked_against_the_directive(make_office):
    office = make_office()
    assert formset(office, [(0, "08:00", "14:00"), (1, "09:00", "13:00")]).is_valid()
    bad = formset(office, [(0, "08:00", "15:00")])
    assert not bad.is_valid()
    assert "بیرون از ساعات مصوب شهرداری است" in bad.non_form_errors()[0]


def test_the_municipality_admin_sees_only_their_offices(make_office, tehran):
    mine = make_office()
    shiraz = MunicipalityFactory(slug="shiraz", name="شهرداری شیراز", city="شیراز", province=Province.objects.first())
    shiraz.districts.create(number=3, name="منطقهٔ ۳ شیراز")
    theirs = make_office(municipality=shiraz, manager=None)
    client = Client()
    client.force_login(user(ADMIN))
    page = client.get("/admin/offices/office/").content.decode()
    assert mine.name in page and theirs.name not in page
    refused = client.get(f"/admin/offices/office/{theirs.pk}/change/")  # as for an office that does not exist
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert client.get(f"/admin/offices/office/{mine.pk}/change/").status_code == 200
    assert client.get("/admin/offices/hoursdirective/add/").status_code == 200
    assert client.get("/admin/offices/extendedday/").status_code == 200


def test_calendar_days_in_the_admin_go_through_the_checked_services(tehran):
    client = Client()
    client.force_login(user(ADMIN))
    day = timezone.localdate() + dt.timedelta(days=20)
    while day.weekday() == 4:  # not a Friday, which is already a day off
        day += dt.timedelta(days=1)
    body = {"municipality": tehran.pk, "date": to_jalali(day), "title": "تعطیلی آزمایشی شهرداری"}
    entries = AuditEntry.objects.count()
    assert client.post("/admin/municipalities/dayoff/add/", body).status_code == 302
    row = DayOff.objects.get(municipality=tehran, date=day)
    again = client.post("/admin/municipalities/dayoff/add/", body)  # not twice: the service says why
    assert again.status_code == 200 and DayOff.objects.filter(municipality=tehran, date=day).count() == 1
    assert client.get(f"/admin/municipalities/dayoff/{row.pk}/change/").status_code in (200, 302)
    assert client.post(f"/admin/municipalities/dayoff/{row.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not DayOff.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.count() >= entries + 2
