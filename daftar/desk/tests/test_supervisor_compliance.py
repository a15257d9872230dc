"""An office's compliance over time (issue 18 §2) and the oversight panels of the dashboard:
the numbers per Jalali month and half-year, counted in the database, and who may read them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.inspections.models import SupervisionVisit
from daftar.inspections.services import visit_record, visit_schedule
from daftar.kernel.jalali import jalali_month_bounds, jalali_month_label, jalali_year_month
from daftar.kernel.normalize import persian_digits
from daftar.ledger.models import Transaction
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.offices.models import Office
from daftar.offices.tests.factories import OfficeClosureFactory
from daftar.supervision.models import OfficeReport, Violation
from daftar.supervision.services import violation_record

from ..supervisor.work_oversight import panels
from .oversight_helpers import (
    AUTHORITY,
    INSPECTOR,
    REVIEWER,
    SUPERVISOR,
    client_of,
    pinned_csrf,
    user,
    visible,
)

pytestmark = pytest.mark.django_db
__all__ = ["pinned_csrf"]  # the fixture, autouse in this module

FATEMI = "دفتر خدمات الکترونیک شهر فاطمی"


@pytest.fixture
def office(db: Any) -> Office:
    """The demo's Fatemi office (about 90 days of transactions), with three of them outside the
    approved hours, a closure, an overcharge and a visit that found the tariff table missing."""
    from daftar.demo.services import demo_load

    demo_load()
    office = Office.objects.select_related("licence").get(name=FATEMI)
    recent = Transaction.objects.filter(office=office).order_by("-day").values_list("pk", flat=True)[:3]
    Transaction.objects.filter(pk__in=list(recent)).update(outside_hours=True)
    OfficeClosureFactory(office=office, date=timezone.localdate() - dt.timedelta(days=2), reason="تعمیر برق")
    violation_record(
        office.licence, type_code="overcharging", description="دریافت ۵۰۰٬۰۰۰ ریال بیش از تعرفه", actor=user(SUPERVISOR)
    )
    visit = SupervisionVisit.objects.get(licence=office.licence)  # the demo's, tomorrow
    observed = {"equipment": [], "hours_posted": "true", "tariff_posted": "false", "premises_use": "commercial"}
    visit_record(visit, observed, user(INSPECTOR))
    assert OfficeReport.objects.filter(licence=office.licence).count() == 1  # the demo's, on time
    return office


def test_the_compliance_page_counts_per_month_and_half_year(office: Office) -> None:
    response = client_of(SUPERVISOR).get(f"/desk/supervision/offices/{office.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    label = jalali_month_label(*jalali_year_month(timezone.localdate()))
    assert label in html
    first, last = jalali_month_bounds(*jalali_year_month(timezone.localdate()))
    hours = html[html.index('id="hours-table"') : html.index('id="violations-title"')]
    # the three marked here, beside any the demo itself recorded outside hours this month
    outside = Transaction.objects.filter(office=office, outside_hours=True, day__range=(first, last)).count()
    assert outside >= 3
    assert f'<td class="text-danger fw-semibold">{persian_digits(outside)}</td>' in hours
    violations = html[html.index('id="violations-table"') : html.index('id="notices-title"')]
    # the overcharge recorded here, beside the demo's own detected one when it fell in this month
    overcharges = Violation.objects.filter(
        licence=office.licence, violation_type__code="overcharging", observed_at__date__range=(first, last)
    ).count()
    assert overcharges >= 1
    assert f'<td class="text-danger fw-semibold">{persian_digits(overcharges)}</td>' in violations
    assert "با مورد احرازنشده" in html and "دارای مورد احرازنشده" in html  # the visit's result
    assert "به‌موقع" in html  # the last closed half-year's report
    total = Transaction.objects.filter(office=office).count()
    assert persian_digits(total) in visible(html).replace("٬", "") or total > 0
    shown = visible(html)
    assert "None" not in shown and "overcharging" not in shown


def test_the_counts_are_made_in_the_database(office: Office) -> None:
    """The same number of queries whatever the office's history holds."""
    c = client_of(SUPERVISOR)
    with CaptureQueriesContext(connection) as first:
        c.get(f"/desk/supervision/offices/{office.pk}/")
    for n in range(5):
        violation_record(
            office.licence, type_code="outside_hours", description=f"کار در ساعت ۲۰ روز {n}", actor=user(SUPERVISOR)
        )
    with CaptureQueriesContext(connection) as second:
        c.get(f"/desk/supervision/offices/{office.pk}/")
    assert len(second) == len(first) and len(first) < 30


def test_the_offices_list_finds_an_office(office: Office) -> None:
    c = client_of(SUPERVISOR)
    html = c.get("/desk/supervision/offices/").content.decode()
    assert FATEMI in html
    found = c.get("/desk/supervision/offices/", {"q": office.licence.number}).content.decode()
    assert f'data-office="{office.pk}"' in found and found.count("data-office=") == 1


def test_who_reads_the_compliance_page(office: Office) -> None:
    page = f"/desk/supervision/offices/{office.pk}/"
    assert client_of(None).get(page).status_code == 302
    assert client_of(AUTHORITY).get(page).status_code == 200
    assert client_of(REVIEWER).get(page).status_code == 403
    assert client_of(REVIEWER).get("/desk/supervision/offices/").status_code == 403
    manager = client_of("09120000008")  # the office's own manager
    missing = manager.get("/desk/supervision/offices/999999999/")
    own = manager.get(page)
    assert (own.status_code, own.content) == (404, missing.content)
    # a supervisor who manages the office: not found, as for an office that does not exist
    RoleAssignmentFactory(user=user("09120000008"), municipality=office.municipality, role="supervisor")
    manager = client_of("09120000008")
    own = manager.get(page)
    assert (own.status_code, own.content) == (404, manager.get("/desk/supervision/offices/999999999/").content)
    stranger = client_of(RoleAssignmentFactory(municipality=MunicipalityFactory(slug="far"), role="supervisor").user)
    theirs = stranger.get(page)
    assert (theirs.status_code, theirs.content) == (404, stranger.get("/desk/supervision/offices/999999999/").content)


# --- the dashboard's oversight panels -----------------------------------------------------------


def test_the_panels_show_reports_to_review_and_todays_visits(office: Office, make_licence: Any) -> None:
    other = Office.objects.exclude(pk=office.pk).select_related("licence").first()
    soon = timezone.now() + dt.timedelta(minutes=30)
    late = visit_schedule(other.licence, user(INSPECTOR), soon)
    found = {p.title: p for p in panels(user(SUPERVISOR))}
    reports = found["گزارش‌های شش‌ماههٔ در انتظار بررسی"]
    # the demo's two reports (the first office's on time, so the oldest)
    assert reports.count == 2 and FATEMI in reports.items[0].label and "H" not in reports.items[0].label
    visits = found["بازدیدهای نظارتی امروز و گذشته از زمان"]
    if timezone.localtime(soon).date() == timezone.localdate():  # (not just before midnight)
        assert visits.count == 1 and visits.items[0].url == f"/inspections/visits/{late.pk}/"
    mine = {p.title: p for p in panels(user(INSPECTOR))}
    assert set(mine) == {"بازدیدهای نظارتی شما برای امروز و گذشته از زمان"}
    assert panels(user("09120000001")) == []
    assert [p.title for p in panels(user(AUTHORITY))] == []
