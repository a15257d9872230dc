"""The staff page of what has not reached the national portal, and its retry button."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.audit.models import AuditEntry
from daftar.kernel.jalali import to_jalali
from daftar.licences.models import Licence
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.portal import messages as msg
from daftar.portal.adapters import national_id_for, simulator_down
from daftar.portal.models import PortalMessage
from daftar.portal.services import licence_enqueue
from daftar.portal.tasks import sweep_portal

pytestmark = pytest.mark.django_db

AUTHORITY, ADMIN, REVIEWER, APPLICANT = "09120000005", "09120000007", "09120000002", "09120000001"


def client_of(mobile: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(mobile=mobile))
    return client


@pytest.fixture
def failing(make_licence) -> PortalMessage:
    """A licence registration that failed twice while the portal was down."""
    licence = make_licence()
    message = licence_enqueue(licence, kind="register_licence")
    simulator_down(True)
    sweep_portal()
    PortalMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    sweep_portal()
    message.refresh_from_db()
    return message


def test_the_authority_sees_what_has_not_gone_through(failing) -> None:
    for mobile in (AUTHORITY, ADMIN):
        response = client_of(mobile).get("/desk/portal/")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'data-message="{failing.pk}"' in html
        assert "ثبت مجوز پیشین" in html and failing.licence.number in html
        assert msg.ERRORS["timeout"] in html  # the error in words, not "simulated timeout"
        assert "simulated" not in html
        assert ">۲<" in html  # two attempts, in Persian digits
        assert to_jalali(failing.next_attempt_at, with_time=True) in html
        assert "تلاش دوباره" in html


def test_retry_sends_it_now_once_the_portal_is_back(failing) -> None:
    authority = client_of(AUTHORITY)
    response = authority.post(f"/desk/portal/{failing.pk}/retry/", follow=True)
    assert msg.RETRIED_FAILED in response.content.decode()  # still down
    assert PortalMessage.objects.get(pk=failing.pk).attempts == 3
    simulator_down(False)
    response = authority.post(f"/desk/portal/{failing.pk}/retry/", follow=True)
    html = response.content.decode()
    assert msg.RETRIED_OK in html and 'id="portal-empty"' in html
    assert Licence.objects.get(pk=failing.licence_id).national_id == national_id_for(failing.licence.number)
    assert AuditEntry.objects.filter(action="portal.retry", object_id=str(failing.pk)).count() == 2
    again = authority.post(f"/desk/portal/{failing.pk}/retry/", follow=True)
    assert msg.ALREADY_SENT in again.content.decode()


def test_access(failing) -> None:
    elsewhere = MunicipalityFactory(slug="portal-elsewhere")
    foreign = RoleAssignmentFactory(municipality=elsewhere, role="licensing_authority").user
    foreign_client = Client()
    foreign_client.force_login(foreign)
    # another municipality's authority: its own (empty) list; this message is not found
    listing = foreign_client.get("/desk/portal/")
    assert listing.status_code == 200 and f'data-message="{failing.pk}"' not in listing.content.decode()
    assert foreign_client.post(f"/desk/portal/{failing.pk}/retry/").status_code == 404
    assert foreign_client.post("/desk/portal/999999999/retry/").status_code == 404
    # an applicant: 403 for the page, 404 for a message
    applicant = client_of(APPLICANT)
    forbidden = applicant.get("/desk/portal/")
    assert forbidden.status_code == 403 and "اجازه" in forbidden.content.decode()
    assert applicant.post(f"/desk/portal/{failing.pk}/retry/").status_code == 404
    # the municipality's reviewer: 403
    assert client_of(REVIEWER).get("/desk/portal/").status_code == 403
    assert client_of(REVIEWER).post(f"/desk/portal/{failing.pk}/retry/").status_code == 403
    # anonymous: the login page; a GET on retry is not served
    assert Client().get("/desk/portal/").status_code == 302
    assert client_of(AUTHORITY).get(f"/desk/portal/{failing.pk}/retry/").status_code == 405
    assert PortalMessage.objects.get(pk=failing.pk).attempts == 2  # none of them tried it


def test_the_menu_links_the_page(tehran_rules) -> None:
    for mobile in (AUTHORITY, ADMIN):
        assert 'href="/desk/portal/"' in client_of(mobile).get("/desk/portal/").content.decode()


def test_the_licence_page_shows_the_national_id(make_licence) -> None:
    licence = make_licence()
    page = client_of(AUTHORITY).get(f"/desk/authority/licences/{licence.number}/").content.decode()
    assert "هنوز از درگاه ملی مجوزها دریافت نشده است" in page
    licence_enqueue(licence, kind="register_licence")
    sweep_portal()
    page = client_of(AUTHORITY).get(f"/desk/authority/licences/{licence.number}/").content.decode()
    assert national_id_for(licence.number) in page and "شناسهٔ یکتای ملی" in page
    public = Client().get(f"/licences/verify/{licence.number}/").content.decode()
    assert national_id_for(licence.number) in public
