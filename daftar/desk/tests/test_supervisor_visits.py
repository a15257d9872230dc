"""The supervisor's supervision visits (issue 18 §2): the list and its filters, finding the
licence, sending an inspector after a confirmation, the bad inputs and who may do it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.audit.models import AuditEntry
from daftar.inspections.models import SupervisionVisit
from daftar.inspections.services import visit_schedule
from daftar.licences.models import Licence, LicenceStatus
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import StaffRole
from daftar.offices.tests.factories import OfficeStaffFactory

from .oversight_helpers import (
    INSPECTOR,
    REVIEWER,
    SUPERVISOR,
    client_of,
    counts,
    office_of,
    pinned_csrf,
    soon,
    user,
    visible,
)

pytestmark = pytest.mark.django_db
__all__ = ["pinned_csrf"]  # the fixture, autouse in this module


@pytest.fixture
def licence(make_licence: Any) -> Licence:
    licence = make_licence()
    office_of(licence, name="دفتر خدمات الکترونیک شهر نمونهٔ بازدید")
    return licence


def url(licence: Licence) -> str:
    return f"/desk/supervision/visits/new/{licence.number}/"


def body(**extra: Any) -> dict[str, Any]:
    return {"inspector": str(user(INSPECTOR).pk), "scheduled_at": soon(), **extra}


def test_the_supervisor_sends_an_inspector_after_confirming(licence: Licence) -> None:
    c = client_of(SUPERVISOR)
    form = c.get(url(licence)).content.decode()
    assert user(INSPECTOR).get_full_name() in form and 'data-jalali="datetime"' in form
    before = counts()
    asked = c.post(url(licence), body())
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "این بازدید را ثبت می‌کنید؟" in text and "پیامک" in text
    assert counts() == before
    done = c.post(url(licence), body(confirm="1"))
    assert done.status_code == 302 and done["Location"] == "/desk/supervision/visits/"
    visit = SupervisionVisit.objects.get(licence=licence)
    assert visit.inspector == user(INSPECTOR) and visit.status == "scheduled"
    assert timezone.localtime(visit.scheduled_at).hour == 10
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert {"supervision_visit_scheduled", "supervision_visit_assigned"} <= kinds
    audit = AuditEntry.objects.get(action="supervision_visit.assign")
    assert audit.data["inspector"] == user(INSPECTOR).pk
    listed = c.get(done["Location"]).content.decode()
    assert "سپرده شد" in listed and licence.number in listed and user(INSPECTOR).get_full_name() in listed


def _past() -> str:
    import jdatetime

    return jdatetime.datetime.fromgregorian(datetime=timezone.localtime() - dt.timedelta(days=1)).strftime(
        "%Y/%m/%d 10:00"
    )


def test_bad_inputs_are_refused_in_persian_and_write_nothing(licence: Licence) -> None:
    elsewhere = RoleAssignmentFactory(municipality=MunicipalityFactory(slug="other-city"), role="inspector").user
    clerk_inspector = UserFactory.create()
    OfficeStaffFactory(office=licence.office, user=clerk_inspector, role=StaffRole.CLERK)
    RoleAssignmentFactory(user=clerk_inspector, municipality=licence.municipality, role="inspector")
    c = client_of(SUPERVISOR)
    cases = [
        (body(scheduled_at=_past(), confirm="1"), 400, "زمان بازدید باید در آینده باشد."),
        (body(scheduled_at="فردا", confirm="1"), 400, "تاریخ"),
        (body(scheduled_at="", confirm="1"), 400, "زمان بازدید را وارد کنید."),
        (body(inspector="", confirm="1"), 400, "بازرس بازدید را برگزینید."),
        (body(inspector=str(elsewhere.pk), confirm="1"), 400, "بازرس برگزیده بازرس شهرداری این دفتر نیست."),
        (body(inspector=str(clerk_inspector.pk), confirm="1"), 400, "از کارکنان یا دارندهٔ همین دفتر"),
        (body(inspector=str(user(REVIEWER).pk), confirm="1"), 400, "بازرس برگزیده بازرس شهرداری این دفتر نیست."),
    ]
    before = counts()
    for data, status, text in cases:
        response = c.post(url(licence), data)
        assert response.status_code == status, (data, response.status_code)
        assert text in response.content.decode(), (data, visible(response.content.decode())[-1500:])
    assert counts() == before
    # the office's own clerk is not offered in the select
    offered = c.get(url(licence)).content.decode()
    assert f'value="{clerk_inspector.pk}"' not in offered and f'value="{user(INSPECTOR).pk}"' in offered


def test_a_revoked_licence_gets_no_visit(licence: Licence) -> None:
    Licence.objects.filter(pk=licence.pk).update(status=LicenceStatus.REVOKED)
    c = client_of(SUPERVISOR)
    assert "بازدید نظارتی ندارد" in c.get(url(licence)).content.decode()
    before = counts()
    response = c.post(url(licence), body(confirm="1"))
    assert response.status_code == 409
    assert "بازدید نظارتی ندارد" in response.content.decode()
    assert counts() == before


def test_a_second_visit_waits_for_the_first(licence: Licence) -> None:
    visit_schedule(licence, user(INSPECTOR), timezone.now() + dt.timedelta(days=1))
    before = counts()
    response = client_of(SUPERVISOR).post(url(licence), body(confirm="1"))
    assert response.status_code == 409 and "هنوز نتیجه‌اش ثبت نشده" in response.content.decode()
    assert counts() == before


def test_the_list_and_its_filters(licence: Licence, make_licence: Any) -> None:
    other = make_licence()
    office_of(other, name="دفتر دوم")
    mine = visit_schedule(licence, user(INSPECTOR), timezone.now() + dt.timedelta(days=1))
    second_inspector = RoleAssignmentFactory(municipality=licence.municipality, role="inspector").user
    theirs = visit_schedule(other, second_inspector, timezone.now() + dt.timedelta(days=10))
    c = client_of(SUPERVISOR)
    html = c.get("/desk/supervision/visits/").content.decode()
    assert f'data-visit="{mine.pk}"' in html and f'data-visit="{theirs.pk}"' in html
    only = c.get("/desk/supervision/visits/", {"inspector": second_inspector.pk}).content.decode()
    assert f'data-visit="{theirs.pk}"' in only and f'data-visit="{mine.pk}"' not in only
    import jdatetime

    day = jdatetime.date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=5)).strftime("%Y/%m/%d")
    later = c.get("/desk/supervision/visits/", {"since": day}).content.decode()
    assert f'data-visit="{theirs.pk}"' in later and f'data-visit="{mine.pk}"' not in later
    done = c.get("/desk/supervision/visits/", {"status": "done"}).content.decode()
    assert "بازدیدی با این پالایه‌ها نیست." in done
    bad = c.get("/desk/supervision/visits/", {"since": "۱۴۰۵/۱۳/۴۰"})
    assert bad.status_code == 400
    assert "None" not in visible(html)


def test_finding_the_licence(licence: Licence) -> None:
    c = client_of(SUPERVISOR)
    exact = c.get("/desk/supervision/visits/new/", {"q": licence.number.lower()})
    assert exact.status_code == 302 and exact["Location"] == url(licence)
    found = c.get("/desk/supervision/visits/new/", {"q": "نمونهٔ بازدید"}).content.decode()
    assert licence.number in found
    none = c.get("/desk/supervision/visits/new/", {"q": "ناموجود"}).content.decode()
    assert "یافت نشد" in none


def test_access(licence: Licence) -> None:
    assert client_of(None).get("/desk/supervision/visits/").status_code == 302
    for page in ("/desk/supervision/visits/", "/desk/supervision/visits/new/", url(licence)):
        assert client_of(INSPECTOR).get(page).status_code == 403, page
        assert client_of("09120000001").get(page).status_code in (403, 404), page
    # another municipality's supervisor: "not found", as for a number that does not exist
    stranger = client_of(RoleAssignmentFactory(municipality=MunicipalityFactory(slug="far"), role="supervisor").user)
    missing = stranger.get("/desk/supervision/visits/new/TEH-1404-999999/")
    theirs = stranger.get(url(licence))
    assert (theirs.status_code, theirs.content) == (404, missing.content)


def test_nobody_sends_an_inspector_to_their_own_office(licence: Licence) -> None:
    holder = licence.holder
    RoleAssignmentFactory(user=holder, municipality=licence.municipality, role="supervisor")
    c = client_of(holder)
    missing = c.post("/desk/supervision/visits/new/TEH-1404-999999/", body(confirm="1"))
    before = counts()
    own = c.post(url(licence), body(confirm="1"))
    assert (own.status_code, own.content) == (404, missing.content)
    assert counts() == before
