"""The six-monthly reports inbox and a report's review (issue 18 §2, P5): what the supervisor
sees per half-year, the review with its confirmation, the bad inputs and who may do it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.audit.models import AuditEntry
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.models import OutboxMessage
from daftar.supervision.models import OfficeReport, Violation, ViolationSource
from daftar.supervision.reports import last_closed_period, period_bounds, period_deadline, previous_period
from daftar.supervision.services import REPORT_MISSING, _violation_create, violation_type_for

from .oversight_helpers import (
    AUTHORITY,
    NOTE,
    REPORT_TEXT,
    REVIEWER,
    SUPERVISOR,
    client_of,
    counts,
    file_report,
    office_of,
    pinned_csrf,
    user,
    visible,
)

pytestmark = pytest.mark.django_db
__all__ = ["pinned_csrf"]  # the fixture, autouse in this module


@pytest.fixture
def inbox(make_licence: Any) -> dict[str, Any]:
    """Four licences valid through the last closed half-year: one filed on time, one late, one
    missing with the system's violation, one missing without it."""
    period = last_closed_period()
    start, _end = period_bounds(period)
    deadline = period_deadline(period)
    licences = [make_licence(valid_from=start - dt.timedelta(days=40)) for _ in range(4)]
    for licence in licences:
        office_of(licence)
    on_time = file_report(licences[0], period, deadline - dt.timedelta(days=3))
    late = file_report(licences[1], period, deadline + dt.timedelta(days=9))
    vtype = violation_type_for(licences[2], REPORT_MISSING)
    _violation_create(
        licences[2], vtype, deadline, "گزارش دوره فرستاده نشد.", None, period=period, source=ViolationSource.SYSTEM
    )
    return {"period": period, "licences": licences, "on_time": on_time, "late": late}


def test_the_inbox_shows_each_office_of_the_last_closed_half_year(inbox: dict[str, Any]) -> None:
    response = client_of(SUPERVISOR).get("/desk/supervision/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    _year, half = inbox["period"].split("-H")
    assert ("نیمهٔ نخست" if half == "1" else "نیمهٔ دوم") in html
    for licence in inbox["licences"]:
        assert licence.number in html
    assert html.count("به‌موقع") >= 1 and "با تأخیر" in html
    assert "تخلف «ارسال‌نکردن گزارش» ثبت شده است." in html
    assert "تخلفی هنوز ثبت نشده است." in html
    assert "در انتظار بررسی" in html
    counts_html = html[html.index('id="report-counts"') :]
    assert '<span class="fs-4">۴</span>' in counts_html  # four offices owe the report
    shown = visible(html)
    assert "None" not in shown and "H1" not in shown and "H2" not in shown


def test_the_inbox_filters_and_older_periods(inbox: dict[str, Any]) -> None:
    c = client_of(SUPERVISOR)
    missing = c.get("/desk/supervision/reports/", {"period": inbox["period"], "show": "missing"}).content.decode()
    assert inbox["licences"][2].number in missing and inbox["licences"][3].number in missing
    assert inbox["licences"][0].number not in missing
    older = previous_period(previous_period(inbox["period"]))
    # the licences became valid 40 days before the last closed half-year: they owe nothing older
    page = c.get("/desk/supervision/reports/", {"period": older})
    assert page.status_code == 200
    assert "دفتری با این گزینش نیست." in page.content.decode()


def test_an_unknown_period_is_refused_in_persian(inbox: dict[str, Any]) -> None:
    response = client_of(SUPERVISOR).get("/desk/supervision/reports/", {"period": "1300-H3"})
    assert response.status_code == 400
    assert "یکی از گزینه‌های موجود" in response.content.decode() or "معتبر" in response.content.decode()


def test_the_report_page_shows_the_text_and_the_review(inbox: dict[str, Any]) -> None:
    report = inbox["late"]
    html = client_of(SUPERVISOR).get(f"/desk/supervision/reports/{report.pk}/").content.decode()
    assert "۴۲۰ خدمت" in html  # Persian digits
    assert "با تأخیر" in html and "پذیرش گزارش" in html and "درخواست توضیح از دفتر" in html
    assert "None" not in html


def test_accepting_asks_for_confirmation_then_records_it(inbox: dict[str, Any]) -> None:
    report, c = inbox["on_time"], client_of(SUPERVISOR)
    before = counts()
    asked = c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "accept"})
    assert asked.status_code == 200
    assert "«پذیرش گزارش» را تأیید می‌کنید؟" in asked.content.decode()
    assert counts() == before  # nothing written before the confirmation
    done = c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "accept", "confirm": "1"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewed_by == user(SUPERVISOR) and report.reviewed_at
    assert AuditEntry.objects.filter(action="supervision.report_accept").count() == 1
    assert OutboxMessage.objects.count() == before["outbox"]  # accepting sends no SMS
    page = c.get(done["Location"]).content.decode()
    assert "گزارش پذیرفته شد." in page and "پذیرفته‌شده" in page


def test_asking_for_clarification_texts_the_holder(inbox: dict[str, Any]) -> None:
    report, c = inbox["late"], client_of(SUPERVISOR)
    asked = c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "clarify", "note": NOTE})
    assert NOTE in asked.content.decode() and "پیامک" in asked.content.decode()
    c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "clarify", "note": NOTE, "confirm": "1"})
    report.refresh_from_db()
    assert report.status == "clarify" and report.review_note == NOTE
    sms = OutboxMessage.objects.get(kind="supervision_report_clarify")
    assert sms.to == report.licence.holder.mobile and NOTE in sms.text and "H" not in sms.text
    assert AuditEntry.objects.filter(action="supervision.report_clarify").count() == 1
    # the office explained itself: the supervisor accepts the report now
    c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "accept", "confirm": "1"})
    report.refresh_from_db()
    assert report.status == "accepted"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"outcome": "clarify", "note": "", "confirm": "1"}, "دست‌کم ۱۰ نویسه"),
        ({"outcome": "clarify", "note": "کوتاه", "confirm": "1"}, "دست‌کم ۱۰ نویسه"),
        ({"outcome": "reject", "confirm": "1"}, "گزینه"),
        ({"confirm": "1"}, "این مقدار لازم است"),
        ({"outcome": "accept", "note": "ن" * 2001, "confirm": "1"}, "۲٬۰۰۰"),
    ],
)
def test_bad_reviews_are_refused_in_persian_and_change_nothing(
    inbox: dict[str, Any], body: dict[str, str], text: str
) -> None:
    report = inbox["on_time"]
    before = counts()
    response = client_of(SUPERVISOR).post(f"/desk/supervision/reports/{report.pk}/", body)
    assert response.status_code == 400, response.content.decode()[:300]
    html = response.content.decode()
    assert text in html or "معتبر" in html, html[html.find("invalid-feedback") : html.find("invalid-feedback") + 300]
    assert counts() == before


def test_a_reviewed_report_is_not_reviewed_twice(inbox: dict[str, Any]) -> None:
    report, c = inbox["on_time"], client_of(SUPERVISOR)
    c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "accept", "confirm": "1"})
    before = counts()
    again = c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "clarify", "note": NOTE, "confirm": "1"})
    assert again.status_code == 409
    assert "پذیرفته‌شده" in again.content.decode()
    assert counts() == before


def test_the_authority_reads_but_does_not_review(inbox: dict[str, Any]) -> None:
    report, c = inbox["on_time"], client_of(AUTHORITY)
    page = c.get(f"/desk/supervision/reports/{report.pk}/")
    assert page.status_code == 200 and "بررسی گزارش" not in page.content.decode()
    before = counts()
    assert c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "accept", "confirm": "1"}).status_code == 403
    assert counts() == before


def test_access_to_the_inbox(inbox: dict[str, Any]) -> None:
    anon = client_of(None).get("/desk/supervision/reports/")
    assert anon.status_code == 302 and anon["Location"].startswith("/login/")
    assert client_of(REVIEWER).get("/desk/supervision/reports/").status_code == 403
    assert client_of("09120000001").get("/desk/supervision/reports/").status_code == 403
    assert client_of(AUTHORITY).get("/desk/supervision/reports/").status_code == 200


def test_nobody_reviews_their_own_offices_report(inbox: dict[str, Any]) -> None:
    """A supervisor who holds the licence sees neither its row nor its report (404, the same
    as a report that does not exist)."""
    report = inbox["on_time"]
    holder = report.licence.holder
    RoleAssignmentFactory(user=holder, municipality=report.municipality, role="supervisor")
    c = client_of(holder)
    missing = c.get("/desk/supervision/reports/999999999/")
    own = c.get(f"/desk/supervision/reports/{report.pk}/")
    assert (own.status_code, own.content) == (404, missing.content)
    before = counts()
    posted = c.post(f"/desk/supervision/reports/{report.pk}/", {"outcome": "accept", "confirm": "1"})
    assert (posted.status_code, posted.content) == (404, missing.content)
    assert counts() == before
    assert report.licence.number not in c.get("/desk/supervision/reports/").content.decode()


def test_another_municipalitys_supervisor_gets_not_found(inbox: dict[str, Any]) -> None:
    report = inbox["on_time"]
    stranger = RoleAssignmentFactory(municipality=MunicipalityFactory(slug="elsewhere"), role="supervisor").user
    c = client_of(stranger)
    missing = c.get("/desk/supervision/reports/999999999/")
    theirs = c.get(f"/desk/supervision/reports/{report.pk}/")
    assert (theirs.status_code, theirs.content) == (404, missing.content)
    assert report.licence.number not in c.get("/desk/supervision/reports/").content.decode()


def test_reports_of_licences_no_longer_supervised_stay_in_their_period(inbox: dict[str, Any]) -> None:
    """A licence revoked after it filed its report keeps its row; one that filed nothing drops."""
    from daftar.licences.models import Licence, LicenceStatus

    Licence.objects.filter(pk__in=[inbox["licences"][0].pk, inbox["licences"][3].pk]).update(
        status=LicenceStatus.REVOKED
    )
    html = client_of(SUPERVISOR).get("/desk/supervision/reports/").content.decode()
    assert inbox["licences"][0].number in html
    assert inbox["licences"][3].number not in html


def test_the_report_missing_violation_is_what_the_system_recorded(inbox: dict[str, Any]) -> None:
    assert Violation.objects.filter(report_period=inbox["period"]).count() == 1
    assert OfficeReport.objects.filter(period=inbox["period"]).count() == 2
    assert timezone.now() > period_deadline(inbox["period"])
    assert REPORT_TEXT
