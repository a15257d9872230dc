"""Citizens' feedback after a service (issue 22 §1): who is asked and how often, the single-use
signed link that expires, the rating and its errors, held comments, and what the office sees
(never who rated)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.appointments.models import AppointmentStatus
from daftar.appointments.services import appointment_mark
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.audit.models import AuditEntry
from daftar.feedback import messages as msg
from daftar.feedback.models import FeedbackRequest, FeedbackStatus
from daftar.feedback.services import feedback_moderate, feedback_rate
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits
from daftar.ledger import messages as ledger_msg
from daftar.ledger.models import Transaction
from daftar.offices.tests.factories import staff
from daftar.runtime.models import IdempotencyRecord
from daftar.runtime.scrub import scrub_text

from .helpers import NOW, World, feedback_sms, link_of, record, world

pytestmark = pytest.mark.django_db

CITIZEN = "09351112233"


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def w() -> World:
    return world()


def api_rate(token: str, **body: Any) -> Any:
    return APIClient().post(f"/api/v1/feedback/{token}", body, format="json")


# --- who is asked --------------------------------------------------------------------------------


def test_a_walk_in_citizen_who_left_a_number_gets_one_link_in_persian(w: World) -> None:
    record(w.office, w.clerk, "۰۹۳۵-۱۱۱-۲۲۳۳")  # Persian digits and dashes, as typed
    [sms] = feedback_sms()
    assert sms.to == CITIZEN
    assert sms.sensitive  # the link is a key: redacted once sent, kept from the municipality's log
    assert "استعلام" in sms.text and persian_digits(w.office.name) in sms.text
    assert "۱۴۰۵/۰۹/۱۰" in sms.text  # valid seven days, in Persian digits
    row = FeedbackRequest.objects.get()
    assert row.status == FeedbackStatus.SENT and row.office == w.office
    # the row keeps neither the number nor the transaction it came from
    stored = " ".join(str(getattr(row, f.attname)) for f in row._meta.fields)
    assert CITIZEN not in stored and "2233" not in stored
    assert str(Transaction.objects.get().payment_ref) not in stored


def test_no_number_no_link(w: World) -> None:
    record(w.office, w.clerk)
    assert feedback_sms() == [] and not FeedbackRequest.objects.exists()


@pytest.mark.parametrize("bad", ["0935", "abc", "+44 20 7946 0958", "09351112233x"])
def test_a_wrong_number_is_refused_and_nothing_is_recorded(w: World, bad: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        record(w.office, w.clerk, bad)
    assert caught.value.fields == {"citizen_mobile": [ledger_msg.CITIZEN_MOBILE_INVALID]}
    assert not Transaction.objects.exists() and not FeedbackRequest.objects.exists() and feedback_sms() == []


def test_the_api_refuses_a_wrong_number_in_persian(w: World) -> None:
    client = APIClient()
    client.force_authenticate(w.clerk)
    body = {"service": "property_inquiry", "amount": 250_000, "payment_ref": "77001", "citizen_mobile": "12345"}
    response = client.post(f"/api/v1/offices/{w.office.pk}/transactions", body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["citizen_mobile"] == [ledger_msg.CITIZEN_MOBILE_INVALID]
    assert not Transaction.objects.exists()


def test_the_offices_own_people_are_not_asked(w: World) -> None:
    record(w.office, w.clerk, w.manager.mobile)
    record(w.office, w.clerk, w.clerk.mobile)
    assert feedback_sms() == []


def test_a_citizen_is_asked_once_a_day_by_an_office(w: World) -> None:
    record(w.office, w.clerk, CITIZEN)
    record(w.office, w.clerk, CITIZEN)  # a second service in the same visit
    assert len(feedback_sms()) == 1
    record(w.other_office, staff(w.other_office), CITIZEN)  # another office asks on its own
    assert len(feedback_sms()) == 2


def test_a_kept_appointment_asks_its_citizen_once(w: World) -> None:
    appointment = AppointmentFactory.create(
        office=w.office, start=NOW - dt.timedelta(minutes=30), end=NOW - dt.timedelta(minutes=10)
    )
    # recorded with the booking's code (and a number typed as well): one link, to the booker
    record(w.office, w.clerk, CITIZEN, appointment_code=appointment.code)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
    [sms] = feedback_sms()
    assert sms.to == appointment.citizen.mobile and sms.recipient_id == appointment.citizen_id


def test_marking_an_appointment_done_asks_its_citizen(w: World) -> None:
    appointment = AppointmentFactory.create(
        office=w.office, start=NOW - dt.timedelta(minutes=30), end=NOW - dt.timedelta(minutes=10)
    )
    appointment_mark(appointment=appointment, status="no_show", actor=w.clerk)
    assert feedback_sms() == []  # not served, not asked
    kept = AppointmentFactory.create(
        office=w.office, start=NOW - dt.timedelta(minutes=20), end=NOW - dt.timedelta(minutes=5), counter=2
    )
    appointment_mark(appointment=kept, status="done", actor=w.clerk)
    [sms] = feedback_sms()
    assert sms.to == kept.citizen.mobile


def test_feedback_can_be_turned_off(w: World, settings: Any) -> None:
    settings.FEEDBACK_ENABLED = False
    record(w.office, w.clerk, CITIZEN)
    assert feedback_sms() == []


# --- the link ----------------------------------------------------------------------------------------


@pytest.fixture
def token(w: World) -> str:
    record(w.office, w.clerk, CITIZEN)
    return link_of(feedback_sms()[0])


def test_the_link_rates_once(token: str) -> None:
    response = api_rate(token, rating=4, comment="کارمند با حوصله توضیح داد.")
    assert response.status_code == 201 and response.json() == {"rating": 4, "status": "rated"}
    again = api_rate(token, rating=1)
    assert again.status_code == 409 and again.json()["detail"] == msg.ALREADY_RATED
    row = FeedbackRequest.objects.get()
    assert row.rating == 4 and row.comment == "کارمند با حوصله توضیح داد." and (row.jyear, row.jmonth) == (1405, 9)
    # audited, but neither the request nor the rating is named: nothing ties it to the service
    entry = AuditEntry.objects.get(action="feedback.rated")
    assert entry.actor is None and entry.object_id == "" and set(entry.data) == {"office", "held"}
    assert not AuditEntry.objects.filter(object_type="feedback.feedbackrequest").exists()


def test_persian_digits_are_a_rating(token: str) -> None:
    assert feedback_rate(token=token, rating="۵").rating == 5


@pytest.mark.parametrize("rating", [0, 6, -1, "abc", "", None, "4.5", "1" * 5000, "05"])
def test_a_rating_outside_one_to_five_changes_nothing(token: str, rating: Any) -> None:
    body = {"rating": rating} if rating is not None else {}
    response = api_rate(token, **body)
    assert response.status_code == 400
    assert response.json()["fields"]["rating"][0] in (msg.RATING_INVALID, msg.RATING_REQUIRED)
    assert FeedbackRequest.objects.get().status == FeedbackStatus.SENT
    assert api_rate(token, rating=3).status_code == 201  # the link still works


def test_a_comment_too_long_changes_nothing(token: str) -> None:
    response = api_rate(token, rating=3, comment="خ" * 1001)
    assert response.status_code == 400
    assert response.json()["fields"]["comment"] == [msg.COMMENT_TOO_LONG.format(max="۱۰۰۰")]
    assert FeedbackRequest.objects.get().status == FeedbackStatus.SENT


def test_a_forged_or_unknown_link_is_not_found(token: str) -> None:
    pk, signature = token.split("-")
    forged = f"{pk}-{'0' * len(signature)}"
    for bad in (forged, f"{int(pk) + 1}-{signature}", "abc", f"{pk}-{signature[:-1]}", f"{pk}{signature}"):
        response = api_rate(bad, rating=5)
        assert response.status_code == 404, bad
        assert response.json()["detail"] == msg.LINK_UNKNOWN
    assert FeedbackRequest.objects.get().status == FeedbackStatus.SENT


def test_the_link_lasts_to_the_end_of_its_seventh_day(token: str, time_machine: Any) -> None:
    # sent on 1405/09/03: valid through 1405/09/10, Tehran time
    time_machine.move_to(dt.datetime(2026, 12, 1, 23, 59, tzinfo=NOW.tzinfo), tick=False)
    assert Client().get(f"/f/{token}/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 12, 2, 0, 1, tzinfo=NOW.tzinfo), tick=False)
    assert api_rate(token, rating=5).status_code == 404
    page = Client().get(f"/f/{token}/")
    assert page.status_code == 404 and msg.LINK_UNKNOWN in page.content.decode()


def test_an_expired_link_says_nothing_of_whether_it_was_used(token: str, time_machine: Any) -> None:
    assert api_rate(token, rating=5).status_code == 201
    assert api_rate(token, rating=5).status_code == 409  # while it lasts
    time_machine.move_to(NOW + dt.timedelta(days=9), tick=False)
    response = api_rate(token, rating=5)
    assert response.status_code == 404 and response.json()["detail"] == msg.LINK_UNKNOWN


@pytest.mark.parametrize("bad", ["1-" + "۱" * 20, "²-" + "a" * 20, "1-" + "é" * 20, "1-" + "A" * 19 + "Ω"])
def test_a_link_in_other_letters_is_not_found_not_an_error(token: str, bad: str) -> None:
    assert api_rate(bad, rating=5).status_code == 404
    assert Client().get(f"/f/{bad}/").status_code == 404


def test_the_link_is_checked_before_the_body(token: str) -> None:
    assert api_rate("1-" + "0" * 20, rating="²").status_code == 404
    assert api_rate(token, rating="²").status_code == 400  # a superscript digit is no rating


def test_the_page_rates_with_one_tap_and_says_thanks(token: str) -> None:
    client = Client()
    page = client.get(f"/f/{token}/").content.decode()
    assert page.count('name="rating"') == 5 and "عالی" in page and "خیلی بد" in page
    done = client.post(f"/f/{token}/", {"rating": "5"})
    assert done.status_code == 200 and msg.THANKS in done.content.decode()
    again = client.get(f"/f/{token}/")
    assert again.status_code == 409 and msg.ALREADY_RATED in again.content.decode()


def test_the_page_shows_a_missing_rating_in_persian(token: str) -> None:
    response = Client().post(f"/f/{token}/", {"comment": "بدون امتیاز"})
    assert response.status_code == 400
    body = response.content.decode()
    assert msg.RATING_REQUIRED in body and "بدون امتیاز" in body  # the comment is kept
    assert FeedbackRequest.objects.get().status == FeedbackStatus.SENT


# --- held comments --------------------------------------------------------------------------------


def test_an_abusive_comment_is_held_and_a_supervisor_decides(w: World, token: str) -> None:
    row = feedback_rate(token=token, rating=1, comment="کارمندش الاغ بود")
    assert row.status == FeedbackStatus.FLAGGED and row.flag_reasons == [msg.REASON_ABUSE]
    supervisor = Client()
    supervisor.force_login(w.supervisor)
    queue = supervisor.get("/desk/feedback/").content.decode()
    assert "کارمندش الاغ بود" in queue
    response = supervisor.post(f"/desk/feedback/{row.pk}/", {"action": "hide"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == FeedbackStatus.HIDDEN and row.moderated_by == w.supervisor
    assert AuditEntry.objects.filter(action="feedback.hidden", actor=w.supervisor).exists()
    # decided: gone from the queue, and a second decision finds nothing
    assert "کارمندش الاغ بود" not in supervisor.get("/desk/feedback/").content.decode()
    assert supervisor.post(f"/desk/feedback/{row.pk}/", {"action": "publish"}).status_code == 404


def test_a_supervisor_of_another_city_or_of_the_office_itself_cannot_decide(w: World, token: str) -> None:
    row = feedback_rate(token=token, rating=2, comment="زنگ بزنید ۰۹۱۲۳۴۵۶۷۸۹")
    assert row.flag_reasons == [msg.REASON_PHONE]
    foreign = Client()
    foreign.force_login(w.foreign_supervisor)
    assert foreign.post(f"/desk/feedback/{row.pk}/", {"action": "publish"}).status_code == 404
    # the office's own manager, also a supervisor of the city: never on their own office
    RoleAssignmentFactory(user=w.manager, municipality=w.office.municipality, role="supervisor")
    own = Client()
    own.force_login(w.manager)
    assert own.post(f"/desk/feedback/{row.pk}/", {"action": "publish"}).status_code == 404
    with pytest.raises(ApplicationError) as caught:
        feedback_moderate(row=row, action="publish", actor=w.manager)
    assert caught.value.status_code == 404
    clerk = Client()
    clerk.force_login(w.clerk)
    assert clerk.get("/desk/feedback/").status_code == 403
    row.refresh_from_db()
    assert row.status == FeedbackStatus.FLAGGED


# --- what the office sees ------------------------------------------------------------------------


def _rated(w: World, ratings: list[tuple[int, str]], first: int = 0) -> None:
    for index, (rating, comment) in enumerate(ratings, start=first):
        record(w.office, w.clerk, f"0935000{index:04d}")
        token = link_of(feedback_sms()[-1])
        feedback_rate(token=token, rating=rating, comment=comment)


def _figures(w: World) -> str:
    client = Client()
    client.force_login(w.manager)
    return client.get(f"/offices/{w.office.pk}/satisfaction/").content.decode()


def test_the_office_sees_a_month_once_it_has_ended(w: World, time_machine: Any) -> None:
    _rated(w, [(5, "سریع و مؤدبانه"), (4, ""), (1, "صف طولانی بود"), (2, "الاغ")])
    # while Azar 1405 lasts, each answer would move its figures as it came: none are shown
    page = _figures(w)
    assert "ارقام آذر ۱۴۰۵ پس از پایان آن" in page
    assert "سریع و مؤدبانه" not in page and 'id="average">—<' in page and 'id="rated-count">۰<' in page
    time_machine.move_to(NOW + dt.timedelta(days=30), tick=False)  # Dey 1405
    page = _figures(w)
    assert 'id="average">۳٫۰<' in page  # (5 + 4 + 1 + 2) / 4, with the Persian decimal separator
    assert "سریع و مؤدبانه" in page and "صف طولانی بود" in page
    assert "الاغ" not in page and "بازبینی ناظر" not in page  # held, and not even said to be
    assert page.index("صف طولانی بود") < page.index("سریع و مؤدبانه")  # by rating, not by time


def test_a_month_with_too_few_ratings_shows_nothing_of_them(w: World, time_machine: Any) -> None:
    _rated(w, [(5, "سریع و مؤدبانه"), (1, "")])
    time_machine.move_to(NOW + dt.timedelta(days=30), tick=False)
    page = _figures(w)
    row = page[page.index('data-month="1405-9"') :][:400]
    assert "کمتر از ۳ نظر" in row and "۲" not in row  # not even how many
    assert "سریع و مؤدبانه" not in page and 'id="average">—<' in page
    # nor through the links sent and the response rate
    assert 'id="asked-count">۰<' in page and 'id="response">—<' in page


def test_the_response_rate_counts_shown_months_only(w: World, time_machine: Any) -> None:
    _rated(w, [(5, ""), (4, ""), (3, "")])
    record(w.office, w.clerk, "09350009999")  # asked, never answered
    time_machine.move_to(NOW + dt.timedelta(days=30), tick=False)
    page = _figures(w)
    assert 'id="asked-count">۴<' in page and 'id="response">۷۵٪<' in page


def test_a_late_recorded_service_still_gets_a_weeks_link(w: World) -> None:
    record(w.office, w.clerk, CITIZEN, performed_at="1405/09/01 10:00")  # two days back
    row = FeedbackRequest.objects.get()
    assert row.day == dt.date(2026, 11, 22) and row.valid_until == dt.date(2026, 12, 1)  # 1405/09/10


def test_a_failing_question_leaves_the_service_recorded(w: World, monkeypatch: Any) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("an edited text that no longer renders")

    monkeypatch.setattr("daftar.feedback.handlers.feedback_request_create", broken)
    row = record(w.office, w.clerk, CITIZEN)
    assert Transaction.objects.filter(pk=row.pk).exists()
    assert not FeedbackRequest.objects.exists() and feedback_sms() == []


def test_the_link_never_reaches_the_logs() -> None:
    line = "GET /f/12-0123456789abcdef0123/ 200; POST /api/v1/feedback/12-0123456789abcdef0123 201"
    assert scrub_text(line) == "GET /f/[redacted]/ 200; POST /api/v1/feedback/[redacted] 201"
    assert scrub_text("POST /desk/feedback/12/ 302") == "POST /desk/feedback/12/ 302"  # an id, no key


def test_who_reads_the_offices_figures(w: World) -> None:
    url = f"/offices/{w.office.pk}/satisfaction/"
    for user, status in ((w.clerk, 200), (w.supervisor, 200), (w.foreign_supervisor, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
    other = Client()
    other.force_login(w.other_office.staff.create(user=w.foreign_supervisor, role="manager").user)
    assert other.get(url).status_code == 404
    assert other.get("/offices/999999/satisfaction/").status_code == 404
    assert Client().get(url).status_code == 302  # to the login


def test_a_retry_of_a_call_stored_before_the_keyed_hash_is_still_recognised(w: World) -> None:
    client = APIClient()
    client.force_authenticate(w.clerk)
    body = {"service": "property_inquiry", "amount": 250_000, "payment_ref": "88001", "citizen_mobile": CITIZEN}
    url = f"/api/v1/offices/{w.office.pk}/transactions"
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-key-0001")
    assert first.status_code == 201
    record = IdempotencyRecord.objects.get()
    assert CITIZEN not in record.request_hash
    scope = f"services.transactions.{w.office.pk}"
    plain = json.dumps([body, {}], sort_keys=True, ensure_ascii=False)
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        request_hash=hashlib.sha256(f"{scope}\n{plain}".encode()).hexdigest()
    )
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-key-0001")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    changed = client.post(url, {**body, "amount": 200_000}, format="json", HTTP_IDEMPOTENCY_KEY="retry-key-0001")
    assert changed.status_code == 422
