"""Kept pages scoped to what they show (issue 23, decision 0055): a municipality's staff pages and
an office's pages stay kept while another city changes, and move at once with their own rows.
At national scale some row of every app changes every second; without scopes these pages were
rebuilt on nearly every request.

These tests commit (``transaction=True``): generations move after the commit.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from daftar.accounts.models import RoleAssignment, User
from daftar.applications import casecache
from daftar.applications.tests.factories import ApplicationFactory
from daftar.catalogue.models import Service, Tariff
from daftar.demo.services import demo_load
from daftar.ledger.tests.factories import CostEntryFactory, tx
from daftar.municipalities.models import Municipality
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.offices.models import HoursDirective, Office
from daftar.offices.tests.factories import HoursDirectiveFactory, OfficeFactory
from daftar.runtime import pagecache

pytestmark = pytest.mark.django_db(transaction=True)

REVIEWER, APPLICANT, CLERK = "09120000002", "09120000001", "09120000009"
KEPT = 3  # queries of a kept signed-in page: the session and the person (and their roles)


@pytest.fixture
def cities() -> tuple[Municipality, Municipality]:
    demo_load()
    karaj = MunicipalityFactory.create(slug="karaj", name="شهرداری کرج")
    DistrictFactory.create(municipality=karaj)
    return Municipality.objects.get(slug="tehran"), karaj


def signed_in(mobile: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(mobile=mobile))
    return client


def get(client: Client, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(ctx.captured_queries)


def case_in(city: Municipality, **fields: Any) -> Any:
    """A submitted case whose rows say ``city`` (the demo's call serves for any city here)."""
    district = city.districts.first()
    return ApplicationFactory.create(submitted=True, municipality=city, district=district, **fields)


def test_the_queue_stays_kept_while_another_city_changes_and_moves_with_its_own(cities):
    tehran, karaj = cities
    reviewer = signed_in(REVIEWER)
    case_in(tehran)
    get(reviewer, "/staff/queue/")
    _, queries = get(reviewer, "/staff/queue/")
    assert queries <= KEPT

    case_in(karaj)  # a case in another city: not in this reviewer's queue
    _, queries = get(reviewer, "/staff/queue/")
    assert queries <= KEPT

    mine = case_in(tehran, tracking_code="TEH000000777")
    page, queries = get(reviewer, "/staff/queue/")
    assert queries > KEPT and "TEH000000777" in page.content.decode()
    _, queries = get(reviewer, "/staff/queue/")
    assert queries <= KEPT

    mine.tracking_code = "TEH000000778"  # changed behind the signals, as a bulk path does
    type(mine).objects.filter(pk=mine.pk).update(tracking_code="TEH000000778")
    casecache.case_changed(mine.pk)  # no municipality given: looked up from the case
    page, _ = get(reviewer, "/staff/queue/")
    assert "TEH000000778" in page.content.decode()


def test_an_office_page_stays_kept_while_another_city_changes_and_moves_with_its_tariffs(cities):
    tehran, karaj = cities
    office = Office.objects.filter(municipality=tehran, active=True).order_by("pk").first()
    url = f"/offices/{office.pk}/"
    get(Client(), url)
    _, queries = get(Client(), url)
    assert queries == 0

    service = Service.objects.order_by("pk").first()
    Tariff.objects.create(municipality=karaj, service=service, amount=90_000, effective_from="2020-01-01")
    other = OfficeFactory.create(district=karaj.districts.first())
    other.name = "دفتر دیگر"
    other.save(update_fields=["name"])  # an office of another city
    _, queries = get(Client(), url)
    assert queries == 0

    tariff = Tariff.objects.filter(municipality=tehran).order_by("-effective_from", "pk").first()
    tariff.save()  # Tehran's tariffs: on this office's page
    _, queries = get(Client(), url)
    assert queries > 0

    get(Client(), url)
    # the city's hours directive (a row of the offices app, not of this office) says when it opens
    directive = HoursDirective.objects.filter(municipality=tehran).first() or HoursDirectiveFactory.build(
        municipality=tehran
    )
    directive.thursday_end = dt.time(11)
    directive.save()
    _, queries = get(Client(), url)
    assert queries > 0


def test_a_change_no_scope_describes_moves_every_scoped_page(cities):
    tehran, _ = cities
    office = Office.objects.filter(municipality=tehran, active=True).order_by("pk").first()
    url = f"/offices/{office.pk}/"
    get(Client(), url)
    service = Service.objects.order_by("pk").first()
    service.save()  # a service of the catalogue belongs to no city: every city's page may show it
    _, queries = get(Client(), url)
    assert queries > 0

    get(Client(), url)
    pagecache.changed("catalogue")  # a bulk change that names no scope
    _, queries = get(Client(), url)
    assert queries > 0


def test_a_row_of_an_office_moves_its_citys_pages(cities):
    tehran, karaj = cities
    office = Office.objects.filter(municipality=tehran).order_by("pk").first()
    names = [f"ledger:m{tehran.pk}", f"ledger:m{karaj.pk}"]
    before = pagecache.generations(names)
    CostEntryFactory.create(office=office)  # a cost names its office only
    after = pagecache.generations(names)
    assert after[0] != before[0] and after[1] == before[1]


def test_the_municipal_revenue_report_stays_kept_while_another_city_takes_money(cities):
    tehran, karaj = cities
    admin = signed_in("09120000007")
    get(admin, "/reports/revenue/")
    _, queries = get(admin, "/reports/revenue/")
    assert queries <= KEPT
    CostEntryFactory.create(office=OfficeFactory.create(district=karaj.districts.first()))
    _, queries = get(admin, "/reports/revenue/")
    assert queries <= KEPT

    tx(Office.objects.filter(municipality=tehran).order_by("pk").first(), "property_inquiry", dt.date.today())
    _, queries = get(admin, "/reports/revenue/")
    assert queries > KEPT  # money taken in its own city: built again


def test_a_dashboard_moves_with_the_persons_own_case_not_with_another_citys(cities):
    tehran, karaj = cities
    applicant = User.objects.get(mobile=APPLICANT)
    own = case_in(tehran, applicant=applicant)
    client = signed_in(APPLICANT)
    _, built = get(client, "/dashboard/")
    _, kept = get(client, "/dashboard/")
    assert kept <= KEPT + 3  # and which cases, licences and offices are the person's (WorkScopes)
    assert built > kept + 5

    case_in(karaj)
    _, queries = get(client, "/dashboard/")
    assert queries == kept

    own.save()  # the person's own case: the page is built again from the rows
    _, queries = get(client, "/dashboard/")
    assert queries == built


def test_an_office_workers_dashboard_moves_with_their_office(cities):
    office = Office.objects.get(staff__user__mobile=CLERK, staff__active=True)  # holds no licence
    client = signed_in(CLERK)
    get(client, "/dashboard/")
    _, kept = get(client, "/dashboard/")
    office.name = "دفتر نام‌نو"
    office.save(update_fields=["name"])
    page, queries = get(client, "/dashboard/")
    assert queries > kept and "دفتر نام‌نو" in page.content.decode()


def test_what_a_rolled_back_savepoint_found_is_not_remembered(cities):
    tehran, _ = cities
    pagecache.forget_belongings()
    with transaction.atomic():
        kept = case_in(tehran)
        with pytest.raises(RuntimeError), transaction.atomic():
            gone = case_in(tehran)
            raise RuntimeError
    assert pagecache._BELONGS.get(("applications.Application", kept.pk)) == tehran.pk
    assert ("applications.Application", gone.pk) not in pagecache._BELONGS


def test_what_a_rolled_back_transaction_found_is_not_remembered(cities):
    tehran, _ = cities
    pagecache.forget_belongings()
    with pytest.raises(RuntimeError), transaction.atomic():
        case = case_in(tehran)
        assert pagecache.municipality_of("applications.Application", case.pk) == tehran.pk
        raise RuntimeError
    assert ("applications.Application", case.pk) not in pagecache._BELONGS
    assert pagecache.municipality_of("applications.Application", case.pk) is None


# --- a busy staff list may be shown a few seconds old (``staff_list``) -------------------------


def test_a_busy_queue_is_shown_seconds_old_while_it_is_built_again(cities, settings):
    tehran, _ = cities
    settings.PAGE_CACHE_STAFF_STALE = 5
    reviewer = signed_in(REVIEWER)
    get(reviewer, "/staff/queue/")
    with mock.patch.object(pagecache, "REBUILD_EVERY", 1000):  # as if another request were building it
        case_in(tehran, tracking_code="TEH000000781")
        page, queries = get(reviewer, "/staff/queue/")
        assert queries <= KEPT and "TEH000000781" not in page.content.decode()
    # the next request after REBUILD_EVERY builds it; nobody is shown it older than the setting
    with mock.patch.object(pagecache, "REBUILD_EVERY", 0):
        page, queries = get(reviewer, "/staff/queue/")
        assert queries > KEPT and "TEH000000781" in page.content.decode()


def test_a_queue_older_than_the_setting_is_never_shown(cities, settings):
    tehran, _ = cities
    settings.PAGE_CACHE_STAFF_STALE = 0.05
    reviewer = signed_in(REVIEWER)
    get(reviewer, "/staff/queue/")
    case_in(tehran, tracking_code="TEH000000782")
    time.sleep(0.1)
    with mock.patch.object(pagecache, "REBUILD_EVERY", 1000):
        page, _ = get(reviewer, "/staff/queue/")
    assert "TEH000000782" in page.content.decode()


def test_a_withdrawn_role_is_never_answered_from_an_older_page(cities, settings):
    settings.PAGE_CACHE_STAFF_STALE = 5
    reviewer = signed_in(REVIEWER)
    get(reviewer, "/staff/queue/")
    with mock.patch.object(pagecache, "REBUILD_EVERY", 1000):
        RoleAssignment.objects.filter(user__mobile=REVIEWER).delete()
        assert reviewer.get("/staff/queue/").status_code == 404


def test_a_role_granted_widens_what_a_dashboard_moves_with(cities):
    _, karaj = cities
    client = signed_in(APPLICANT)
    get(client, "/dashboard/")
    _, kept = get(client, "/dashboard/")
    case_in(karaj)
    _, queries = get(client, "/dashboard/")
    assert queries == kept  # Karaj's cases are nothing to this applicant

    RoleAssignment.objects.create(user=User.objects.get(mobile=APPLICANT), municipality=karaj, role="reviewer")
    get(client, "/dashboard/")
    _, kept = get(client, "/dashboard/")
    case_in(karaj)  # now in the queue this reviewer's panel counts
    _, queries = get(client, "/dashboard/")
    assert queries > kept
