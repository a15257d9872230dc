"""Notices awaiting the licensing authority's decision: the list, a notice's page (violations with
their evidence, the office's response or its absence, the ladder's proposal, whether it may be
decided yet) and the decision through a confirmation step."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.kernel.jalali import to_jalali
from daftar.licences.models import LicenceStatus
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.supervision import messages as supervision_msg
from daftar.supervision.models import Decision, LadderStep, Notice, NoticeStatus

from ..authority import messages as msg
from .authority_helpers import (
    ADMIN,
    AUTHORITY,
    REASON,
    REVIEWER,
    SUPERVISOR,
    book,
    client_of,
    counts,
    days,
    office_of,
    open_notice,
)

pytestmark = pytest.mark.django_db
LIST = "/desk/authority/notices/"


def url(notice: Notice) -> str:
    return f"/desk/authority/notices/{notice.pk}/"


def suspension_step(notice: Notice, days_: int = 30) -> None:
    """The ladder's second rung, a 30-day suspension, proposed (test set-up: a decided warning before)."""
    step = LadderStep.objects.filter(municipality=None, outcome="suspension").order_by("position").first()
    Notice.objects.filter(pk=notice.pk).update(
        proposed_outcome="suspension", proposed_suspension_days=days_, ladder_position=step.position
    )
    notice.refresh_from_db()


@pytest.fixture
def licence(make_licence):
    lic = make_licence()
    office = office_of(lic)
    book(office, open_day(office, 3), 2)
    book(office, open_day(office, 60), 1)  # after a 30-day suspension
    return lic


def open_day(office: Any, n: int) -> dt.date:
    """The first day from ``n`` days on that the office is open (not a Friday or a holiday): a
    booking on a closed day is cancelled by any reconciliation, whatever the sanction."""
    from daftar.offices.hours import day_hours

    day = days(n)
    while not day_hours(office, day).is_open_day:
        day += dt.timedelta(days=1)
    return day


def test_the_list_shows_open_notices_oldest_deadline_first(make_licence):
    ready = open_notice(make_licence(), lapsed=True)
    waiting = open_notice(make_licence(), lapsed=False)
    html = client_of(AUTHORITY).get(LIST).content.decode()
    assert html.index(f'data-notice="{ready.pk}"') < html.index(f'data-notice="{waiting.pk}"')
    assert "آمادهٔ تصمیم" in html and "در مهلت پاسخ" in html
    assert "پلهٔ اول نردبان انضباطی: تذکر" in html
    assert "۲ اخطاریه" in html


def test_the_notice_page_shows_evidence_response_and_proposal(licence):
    notice = open_notice(licence, response="ساعت کار ما را شهرداری تمدید کرده بود؛ نامهٔ آن پیوست است.")
    html = client_of(AUTHORITY).get(url(notice)).content.decode()
    assert "دفتر باز بود و به سه شهروند خدمت داد" in html  # the evidence text
    assert "کار در خارج از ساعات مصوب" in html and "امیر کریمی" in html and SUPERVISOR not in html
    assert "ساعت کار ما را شهرداری تمدید کرده بود" in html
    assert "پلهٔ اول نردبان انضباطی: تذکر" in html
    assert "پلهٔ دوم نردبان انضباطی: تعلیق موقت" in html  # the ladder itself
    assert "دفتر در" in html and "پاسخ داده است" in html  # decidable: it responded
    assert 'name="reason"' in html


def test_a_notice_still_in_its_response_time_cannot_be_decided(licence):
    notice = open_notice(licence, lapsed=False)
    client = client_of(AUTHORITY)
    html = client.get(url(notice)).content.decode()
    due = to_jalali(notice.response_due, with_time=True)
    assert msg.NOT_YET.format(due=due) in html and msg.NO_RESPONSE_YET.format(due=due) in html
    assert 'name="reason"' not in html
    before = counts()
    for step in ("preview", "confirm"):
        response = client.post(url(notice), {"reason": REASON, "step": step})
        assert response.status_code == 409, step
        assert "نمی‌توان تصمیم گرفت" in response.content.decode()
    assert counts() == before


def test_no_response_is_said_with_the_deadline(licence):
    notice = open_notice(licence, lapsed=True)
    html = client_of(AUTHORITY).get(url(notice)).content.decode()
    assert msg.NO_RESPONSE.format(due=to_jalali(notice.response_due, with_time=True)) in html


def test_deciding_a_warning_through_the_confirmation(licence):
    notice = open_notice(licence)
    client = client_of(AUTHORITY)
    before = counts()
    preview = client.post(url(notice), {"reason": REASON, "step": "preview", "outcome": "warning"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert msg.WARNING.format(office="دفتر خدمات الکترونیک شهر آزمون") in text
    assert "۱ تخلف استنادشده" in text and "تأیید تصمیم «تذکر»" in text
    assert counts() == before
    done = client.post(url(notice), {"reason": REASON, "step": "confirm", "outcome": "warning"})
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DECIDED
    decision = Decision.objects.get(notice=notice)
    assert decision.outcome == "warning" and decision.reason == REASON
    page = client.get(url(notice)).content.decode()
    assert "تذکر" in page and REASON in page and 'name="reason"' not in page


def test_deciding_a_suspension_counts_the_bookings_it_cancels(licence):
    notice = open_notice(licence)
    suspension_step(notice)
    client = client_of(AUTHORITY)
    preview = client.post(url(notice), {"reason": REASON, "step": "preview", "outcome": "suspension"})
    text = preview.content.decode()
    until = timezone.localdate() + dt.timedelta(days=30)
    assert "پلهٔ دوم نردبان انضباطی: تعلیق موقت ۳۰ روزه" in text
    assert "۲ نوبت آینده در این روزها لغو می‌شود" in text and f"تا پایان {to_jalali(until)}" in text
    client.post(url(notice), {"reason": REASON, "step": "confirm", "outcome": "suspension"})
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUSPENDED and licence.suspended_until == until
    assert Appointment.objects.filter(office__licence=licence, status=AppointmentStatus.CANCELLED).count() == 2


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"reason": "کوتاه"}, 400, supervision_msg.REASON_REQUIRED),
        ({"reason": ""}, 400, supervision_msg.REASON_REQUIRED),
        ({"reason": REASON, "outcome": "revocation"}, 400, "نردبان انضباطی «تذکر» است"),
        ({"reason": REASON, "outcome": "banish"}, 400, supervision_msg.OUTCOME_UNKNOWN),
    ],
)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_bad_input_is_refused_in_persian_and_changes_nothing(licence, body, status, message, step):
    notice = open_notice(licence)
    before = counts()
    response = client_of(AUTHORITY).post(url(notice), {**body, "step": step})
    assert response.status_code == status
    assert message in response.content.decode()
    assert counts() == before
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN


def test_a_decided_notice_is_not_decided_twice(licence):
    notice = open_notice(licence)
    client = client_of(AUTHORITY)
    client.post(url(notice), {"reason": REASON, "step": "confirm"})
    before = counts()
    again = client.post(url(notice), {"reason": REASON, "step": "confirm"})
    assert again.status_code == 409 and supervision_msg.NOTICE_CLOSED in again.content.decode()
    assert counts() == before


@pytest.fixture
def pinned_csrf():
    with mock.patch("django.middleware.csrf._get_new_csrf_string", return_value="authoritydeskauthoritydeskauthor"):
        yield


def test_who_may_open_a_notice(licence, client, pinned_csrf):
    notice = open_notice(licence)
    assert client.get(url(notice))["Location"].startswith("/login/")
    assert client.get(LIST)["Location"].startswith("/login/")
    for mobile in (SUPERVISOR, ADMIN, REVIEWER):
        assert client_of(mobile).get(url(notice)).status_code == 403
        assert client_of(mobile).get(LIST).status_code == 403
        before = counts()
        assert client_of(mobile).post(url(notice), {"reason": REASON, "step": "confirm"}).status_code == 403
        assert counts() == before
    foreign = Client()
    foreign.force_login(RoleAssignmentFactory(municipality=MunicipalityFactory(), role="licensing_authority").user)
    missing = foreign.get("/desk/authority/notices/999999999/")
    response = foreign.get(url(notice))
    assert (response.status_code, response.content) == (404, missing.content)
    assert f'data-notice="{notice.pk}"' not in foreign.get(LIST).content.decode()
    # the holder, made the municipality's licensing authority: their own notice is not found
    RoleAssignmentFactory(user=licence.holder, municipality=licence.municipality, role="licensing_authority")
    own = Client()
    own.force_login(licence.holder)
    before = counts()
    response = own.post(url(notice), {"reason": REASON, "step": "confirm"})
    missing = own.post("/desk/authority/notices/999999999/", {"reason": REASON, "step": "confirm"})
    assert (response.status_code, response.content) == (404, missing.content)
    assert counts() == before
    assert f'data-notice="{notice.pk}"' not in own.get(LIST).content.decode()
    citizen = Client()
    citizen.force_login(UserFactory())
    assert citizen.get(LIST).status_code == 403 and citizen.get(url(notice)).status_code == 404
