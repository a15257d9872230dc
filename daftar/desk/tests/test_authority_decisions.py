"""The licensing authority's decisions queue and its dashboard panels: cases awaiting approval or
issue and licences due for renewal, oldest legal deadline first, the actor's own excluded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.kernel.jalali import to_jalali
from daftar.licences.models import LicenceStatus
from daftar.municipalities.tests.factories import MunicipalityFactory

from ..authority import messages as msg
from ..authority.work import panels
from .authority_helpers import (
    ADMIN,
    AUTHORITY,
    SUPERVISOR,
    approved,
    client_of,
    days,
    final_review,
    open_notice,
    user,
)

pytestmark = pytest.mark.django_db
URL = "/desk/authority/"


@pytest.fixture
def waiting(make_licence):
    """Two cases to approve, one to issue, two licences to renew (one in its grace period), and
    rows that must not show: a case in review, a licence far from renewal."""
    soon = final_review(2, tracking_code="FIN000000001")
    late = final_review(-3, tracking_code="FIN000000002")  # overdue
    issue = approved(5, tracking_code="APP000000001")
    lapsed = make_licence(valid_until=days(-4))  # in the grace period
    window = make_licence(valid_until=days(25))
    far = make_licence(valid_until=days(400))
    other = final_review(1, tracking_code="REV000000001")
    type(other).objects.filter(pk=other.pk).update(status="document_review")  # test set-up: still in review
    return {"soon": soon, "late": late, "issue": issue, "lapsed": lapsed, "window": window, "far": far}


def test_the_queue_lists_each_kind_oldest_deadline_first(waiting):
    response = client_of(AUTHORITY).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    order = [
        waiting["lapsed"].number,  # validity ended 4 days ago: its deadline
        "FIN000000002",  # 3 days overdue
        "FIN000000001",
        "APP000000001",
        waiting["window"].number,
    ]
    positions = [html.index(code) for code in order]
    assert positions == sorted(positions), order
    assert waiting["far"].number not in html and "REV000000001" not in html
    assert f'href="/applications/{waiting["late"].pk}/"' in html
    assert f'href="/desk/authority/licences/{waiting["window"].number}/"' in html
    assert html.count("گذشته از مهلت") == 2  # the overdue case and the licence in its grace period
    assert to_jalali(waiting["soon"].due_at) in html
    assert "مهلت تمدید تا" in html
    for kind, count in (("approve", "۲"), ("issue", "۱"), ("renew", "۲")):
        assert f'data-kind="{kind}"' in html
        chunk = html.split(f'href="/desk/authority/?kind={kind}" data-kind="{kind}"')[1][:200]
        assert f">{count}<" in chunk, kind
    assert msg.KINDS["approve"] in html and msg.KINDS["issue"] in html and msg.KINDS["renew"] in html


def test_filter_by_kind(waiting):
    html = client_of(AUTHORITY).get(URL + "?kind=renew").content.decode()
    assert waiting["window"].number in html and "FIN000000001" not in html
    html = client_of(AUTHORITY).get(URL + "decisions/?kind=issue").content.decode()
    assert "APP000000001" in html and waiting["window"].number not in html


def test_pages_of_a_long_queue(tehran_rules):
    for n in range(30):
        final_review(n, tracking_code=f"PAG{n:09d}")
    client = client_of(AUTHORITY)
    first = client.get(URL).content.decode()
    second = client.get(URL + "?page=2").content.decode()
    assert "PAG000000000" in first and "PAG000000029" not in first
    assert "PAG000000029" in second and "PAG000000000" not in second


def test_own_cases_are_not_in_the_queue(tehran_rules):
    final_review(1, applicant=user(AUTHORITY), tracking_code="OWN000000001")
    final_review(1, tracking_code="OTH000000001")
    html = client_of(AUTHORITY).get(URL).content.decode()
    assert "OWN000000001" not in html and "OTH000000001" in html


def test_own_licences_are_not_in_the_queue(make_licence):
    own = make_licence(holder=user(AUTHORITY), valid_until=days(10))
    other = make_licence(valid_until=days(10))
    html = client_of(AUTHORITY).get(URL).content.decode()
    assert own.number not in html and other.number in html


def test_another_municipalitys_work_is_not_in_the_queue(waiting):
    elsewhere = RoleAssignmentFactory(municipality=MunicipalityFactory(), role="licensing_authority").user
    client = Client()
    client.force_login(elsewhere)
    html = client.get(URL).content.decode()
    assert "FIN000000001" not in html and waiting["window"].number not in html
    assert "کاری در انتظار شما نیست" in html


def test_who_may_open_the_queue(tehran_rules, client):
    assert client.get(URL)["Location"].startswith("/login/")
    for mobile in (SUPERVISOR, ADMIN):
        assert client_of(mobile).get(URL).status_code == 403
    citizen = Client()
    citizen.force_login(UserFactory())
    response = citizen.get(URL)
    assert response.status_code == 403 and "دسترسی" in response.content.decode()


def test_panels_count_and_link_the_oldest(waiting, make_licence):
    open_notice(make_licence())
    found = {p.title: p for p in panels(user(AUTHORITY))}
    cases = found["پرونده‌های در انتظار تأیید یا صدور مجوز"]
    assert cases.count == 3 and [i.label.split(" ")[0] for i in cases.items] == [
        "FIN000000002",
        "FIN000000001",
        "APP000000001",
    ]
    assert cases.items[0].overdue and cases.items[0].url == f"/applications/{waiting['late'].pk}/"
    renewals = found["مجوزهای در آستانهٔ تمدید"]
    assert renewals.count == 2 and renewals.items[0].url.endswith(f"/{waiting['lapsed'].number}/")
    assert renewals.items[0].due == waiting["lapsed"].valid_until
    notices = found["اخطاریه‌های در انتظار تصمیم"]
    assert notices.count == 1 and "آمادهٔ تصمیم" in notices.items[0].note
    assert all(p.role == "licensing_authority" for p in found.values())


def test_no_panels_for_other_roles(tehran_rules):
    for mobile in (SUPERVISOR, ADMIN):
        assert panels(user(mobile)) == []
    assert panels(UserFactory()) == []


def test_an_expired_licence_in_grace_is_due_for_renewal(make_licence):
    lic = make_licence(valid_until=days(-10), status=LicenceStatus.EXPIRED)
    gone = make_licence(valid_until=days(-40), status=LicenceStatus.EXPIRED)  # past the grace period
    html = client_of(AUTHORITY).get(URL).content.decode()
    assert lic.number in html and gone.number not in html
    assert to_jalali(lic.valid_until + dt.timedelta(days=30)) in html
