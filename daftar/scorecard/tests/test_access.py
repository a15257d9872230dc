"""Who reads an office's scorecard and the municipality's ranking, page and API alike (issue 22
§2): the office's manager and technical manager and the municipality's readers; a clerk 403;
another office's people and another municipality's staff the office's 404. The ranking and the
recompute are the municipality's supervisors'."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from daftar.catalogue.tests.factories import client_for, make_city, municipal
from daftar.kernel.normalize import persian_digits
from daftar.offices.models import StaffRole
from daftar.scorecard import messages as msg
from daftar.scorecard.constants import MEASURES
from daftar.scorecard.models import Scorecard
from daftar.scorecard.services import scorecards_compute

from .helpers import H1, TODAY, licensed_office, member, office_in, report, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(make_licence: Any) -> Any:
    office = licensed_office(make_licence, name="دفتر خدمات نمونهٔ کارنامه")
    other = licensed_office(make_licence)
    services(office, 40, outside=2)
    services(other, 40)
    report(office, sent=dt.date(2026, 9, 1))
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    return office, other


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _page(user: Any, path: str) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(path)


def test_the_manager_reads_why_each_score_is_what_it_is(computed: Any) -> None:
    office, _ = computed
    response = _page(office.licence.holder, f"/offices/{office.pk}/scorecard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "رتبهٔ ۲ از ۲ دفتر" in page
    assert "نیمهٔ نخست ۱۴۰۵" in page
    assert "۲ خدمت از ۴۰ خدمت (۵٪) بیرون از ساعات مصوب ثبت شد" in page
    shown = _visible(page.split('id="measures"')[1].split("</ul>")[0])  # the measures' text, tags removed
    assert "رضایت شهروندان" in shown and "۲ خدمت از ۴۰ خدمت" in shown
    assert not [code for code in MEASURES if code in shown]  # no codes shown as text
    text = _visible(page.split("<main")[1])  # what a person reads (a nonce or token may hold "H1")
    assert "None" not in text and "H1" not in text


@pytest.mark.parametrize(("who", "status"), [("technical", 200), ("clerk", 403), ("supervisor", 200)])
def test_office_roles_and_readers(computed: Any, who: str, status: int) -> None:
    office, _ = computed
    user = municipal(office.municipality, "supervisor") if who == "supervisor" else member(office, who)
    assert _page(user, f"/offices/{office.pk}/scorecard/").status_code == status
    assert client_for(user).get(f"/api/v1/offices/{office.pk}/scorecard").status_code == status


def test_not_yours_reads_as_not_found(computed: Any) -> None:
    office, other = computed
    stranger_manager = other.licence.holder
    elsewhere, _ = make_city()
    foreign = municipal(elsewhere, "supervisor")
    for user in (stranger_manager, foreign):
        assert _page(user, f"/offices/{office.pk}/scorecard/").status_code == 404
        own = client_for(user).get(f"/api/v1/offices/{office.pk}/scorecard")
        missing = client_for(user).get("/api/v1/offices/999999999/scorecard")
        assert own.status_code == missing.status_code == 404
        assert own.json() == missing.json()
    assert Client().get(f"/offices/{office.pk}/scorecard/").status_code == 302  # to the login
    assert Client().get(f"/api/v1/offices/{office.pk}/scorecard").status_code in (401, 403)


def test_the_api_body(computed: Any) -> None:
    office, _ = computed
    body = client_for(office.licence.holder).get(f"/api/v1/offices/{office.pk}/scorecard?period=۱۴۰۵-۱").json()
    assert body["office"] == {"id": office.pk, "name": office.name}
    assert body["periods"] == [{"period": H1, "period_label": "نیمهٔ نخست ۱۴۰۵"}]
    card = body["scorecard"]
    assert card["period"] == H1 and card["rank"] == 2 and card["ranked"] == 2
    assert card["first_day"] == "2026-03-21" and card["last_day_jalali"] == "1405/06/31"
    assert [m["code"] for m in card["measures"]] == [
        "satisfaction",
        "tariff",
        "hours",
        "complaints",
        "violations",
        "reports",
        "wait",
    ]
    hours = next(m for m in card["measures"] if m["code"] == "hours")
    assert hours["raw"]["outside"] == 2 and hours["score"] == 50.0 and hours["counted"]
    assert sum(m["share"] or 0 for m in card["measures"]) in (99, 100, 101)
    assert card["bands"][0] == {"code": "excellent", "label": "ممتاز", "min": 85.0}
    bad = client_for(office.licence.holder).get(f"/api/v1/offices/{office.pk}/scorecard?period=پاییز")
    assert bad.status_code == 400 and bad.json()["detail"] == msg.PERIOD_INVALID
    absent = client_for(office.licence.holder).get(f"/api/v1/offices/{office.pk}/scorecard?period=1403-1")
    assert absent.status_code == 404 and absent.json()["detail"] == msg.PERIOD_NOT_COMPUTED


def test_before_any_period_the_scorecard_is_null(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    body = client_for(office.licence.holder).get(f"/api/v1/offices/{office.pk}/scorecard").json()
    assert body["scorecard"] is None and body["periods"] == []
    assert (
        "هنوز کارنامه‌ای برای این دفتر حساب نشده است"
        in _page(office.licence.holder, f"/offices/{office.pk}/scorecard/").content.decode()
    )


def test_the_supervisor_ranks_and_recomputes(computed: Any) -> None:
    office, other = computed
    supervisor = municipal(office.municipality, "supervisor")
    page = _page(supervisor, "/desk/scorecards/").content.decode()
    assert page.index("دفتر خدمات نمونهٔ کارنامه") > page.index(persian_digits(other.name))  # rank 2 after rank 1
    client = Client()
    client.force_login(supervisor)
    done = client.post("/desk/scorecards/compute/", {"municipality": office.municipality.slug, "period": H1})
    assert done.status_code == 302
    assert Scorecard.objects.filter(period=H1).count() == 2
    refused = client.post("/desk/scorecards/compute/", {"municipality": office.municipality.slug, "period": "1405-H2"})
    assert refused.status_code == 302
    assert msg.PERIOD_NOT_ENDED in client.get(refused["Location"]).content.decode()


@pytest.mark.parametrize("role", ["licensing_authority", "reviewer"])
def test_other_municipal_staff_do_not_rank(computed: Any, role: str) -> None:
    office, _ = computed
    user = municipal(office.municipality, role)
    assert _page(user, "/desk/scorecards/").status_code == 403
    client = Client()
    client.force_login(user)
    assert client.post("/desk/scorecards/compute/", {"period": H1}).status_code == 403


def test_another_municipality_is_not_found_on_the_ranking(computed: Any) -> None:
    office, _ = computed
    elsewhere, district = make_city()
    services(office_in(elsewhere, district), 3)
    foreign = municipal(elsewhere, "supervisor")
    assert _page(foreign, f"/desk/scorecards/?municipality={office.municipality.slug}").status_code == 404
    client = Client()
    client.force_login(foreign)
    response = client.post("/desk/scorecards/compute/", {"municipality": office.municipality.slug, "period": H1})
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "shown"), [("manager", True), ("technical", True), ("clerk", False)])
def test_the_office_page_links_to_the_scorecard_for_those_who_may_read_it(
    computed: Any, role: str, shown: bool
) -> None:
    """The technical manager's access level on «ادارهٔ دفتر» is the clerk's, yet they read the
    scorecard: the link follows ``policy.scorecard_access``, not the access level."""
    office, _ = computed
    user = office.licence.holder if role == StaffRole.MANAGER else member(office, role)
    page = _page(user, f"/offices/{office.pk}/manage/")
    assert page.status_code == 200
    link = f'href="/offices/{office.pk}/scorecard/"'
    assert (link in page.content.decode()) == shown
    if shown:
        assert _page(user, f"/offices/{office.pk}/scorecard/").status_code == 200


def test_a_municipal_reader_gets_the_link_too(computed: Any) -> None:
    office, _ = computed
    page = _page(municipal(office.municipality, "supervisor"), f"/offices/{office.pk}/manage/").content.decode()
    assert f'href="/offices/{office.pk}/scorecard/"' in page
