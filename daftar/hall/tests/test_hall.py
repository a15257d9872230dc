"""The walk-in queue (issue 22 §3): tickets in the office's hours only, the order with
appointments and priority, counters calling and marking, the estimated wait from measured
service times, the «turn near» SMS, the kiosk's link, the public queue and a ticket's page, the
day's end and the office's report. Today is frozen at Tuesday 1405/09/03 10:00 Tehran."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from daftar.accounts.tests.factories import UserFactory
from daftar.appointments.models import AppointmentStatus
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.audit.models import AuditEntry
from daftar.catalogue.tests.factories import NOW, catalogue_service, make_city, municipal
from daftar.feedback.models import FeedbackRequest
from daftar.hall import messages as msg
from daftar.hall import selectors
from daftar.hall.models import Channel, HallSettings, MixRule, Priority, Ticket, TicketStatus
from daftar.hall.services import (
    appointment_check_in,
    call_next,
    close_days,
    hall_settings_update,
    kiosk_key_new,
    ticket_issue,
    ticket_mark,
)
from daftar.kernel.errors import ApplicationError
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office, OfficeClosure, StaffRole
from daftar.offices.tests.factories import make_office, staff

pytestmark = pytest.mark.django_db

CITIZEN = "09351112233"


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def office() -> Office:
    municipality, district = make_city()
    return make_office(municipality, district)


@pytest.fixture
def clerk(office: Office) -> Any:
    return staff(office, StaffRole.CLERK)


def issue(office: Office, clerk: Any, service: str = "property_inquiry", **extra: Any) -> Any:
    return ticket_issue(office=office, service=service, actor=clerk, **extra)


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def sms(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


# --- issuing --------------------------------------------------------------------------------


def test_the_clerk_gives_numbered_tickets_with_their_place_and_wait(office: Office, clerk: Any) -> None:
    answer = api(clerk).post(f"/api/v1/offices/{office.pk}/tickets", {"service": "property_inquiry"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["number"], body["position"], body["estimated_wait_minutes"]) == (1, 1, 0)
    second = api(clerk).post(f"/api/v1/offices/{office.pk}/tickets", {"service": "building_permit"}, format="json")
    assert second.json()["number"] == 2 and second.json()["position"] == 2
    # one property inquiry ahead, over the office's counters (none measured yet: the catalogue's time)
    minutes = catalogue_service("property_inquiry").duration_minutes
    assert second.json()["estimated_wait_minutes"] == -(-minutes // office.counters)
    assert second.json()["url"].endswith(f"/q/{Ticket.objects.get(number=2).token}/")


def test_no_ticket_outside_the_offices_hours(office: Office, clerk: Any, time_machine: Any) -> None:
    time_machine.move_to(NOW.replace(hour=15), tick=False)
    answer = api(clerk).post(f"/api/v1/offices/{office.pk}/tickets", {"service": "property_inquiry"}, format="json")
    assert answer.status_code == 409
    assert answer.json()["detail"] == msg.CLOSED_NOW
    assert not Ticket.objects.exists()


def test_no_ticket_on_a_day_the_office_announced_closed(office: Office, clerk: Any) -> None:
    OfficeClosure.objects.create(office=office, date=NOW.date(), reason="تعمیرات")
    with pytest.raises(ApplicationError) as refused:
        issue(office, clerk)
    assert refused.value.message == msg.CLOSED_NOW
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "service", msg.SERVICE_REQUIRED),
        ({"service": "no_such"}, "service", msg.SERVICE_UNKNOWN),
        ({"service": "completion_certificate"}, "service", msg.SERVICE_UNKNOWN),  # not offered here
        ({"service": "property_inquiry", "mobile": "12345"}, "mobile", msg.MOBILE_INVALID),
        ({"service": "property_inquiry", "priority": "vip"}, "priority", msg.PRIORITY_INVALID),
    ],
)
def test_bad_input_is_a_persian_400_and_nothing_is_written(
    office: Office, clerk: Any, body: dict[str, str], field: str, message: str
) -> None:
    answer = api(clerk).post(f"/api/v1/offices/{office.pk}/tickets", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["fields"][field] == [message]
    assert not Ticket.objects.exists() and not OutboxMessage.objects.exists()


def test_persian_digits_are_read_and_the_sms_speaks_persian(office: Office, clerk: Any) -> None:
    issue(office, clerk)
    issue(office, clerk, mobile="۰۹۳۵ ۱۱۱ ۲۲۳۳")
    [message] = sms("hall_ticket_issued")
    assert message.to == CITIZEN
    assert "شمارهٔ ۲" in message.text and "پیش از شما ۱ نفر" in message.text
    assert "/q/" in message.text
    assert not any(ch.isdigit() and ch.isascii() for ch in message.text.split("http")[0])


def test_the_same_idempotency_key_gives_the_same_ticket(office: Office, clerk: Any) -> None:
    client = api(clerk)
    first = client.post(
        f"/api/v1/offices/{office.pk}/tickets",
        {"service": "property_inquiry"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="ticket-key-0001",
    )
    again = client.post(
        f"/api/v1/offices/{office.pk}/tickets",
        {"service": "property_inquiry"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="ticket-key-0001",
    )
    assert first.json()["number"] == again.json()["number"] == 1
    assert Ticket.objects.count() == 1


def test_who_may_issue_not_yours_is_not_found(office: Office) -> None:
    url = f"/api/v1/offices/{office.pk}/tickets"
    body = {"service": "property_inquiry"}
    assert api(UserFactory.create()).post(url, body, format="json").status_code == 404
    other = make_office(office.municipality, office.district)
    assert api(staff(other)).post(url, body, format="json").status_code == 404
    assert api(municipal(office.municipality, "supervisor")).post(url, body, format="json").status_code == 403
    assert api().post(url, body, format="json").status_code in (401, 403)
    assert api(staff(office)).post("/api/v1/offices/999999/tickets", body, format="json").status_code == 404
    assert not Ticket.objects.exists()


# --- the order --------------------------------------------------------------------------------


def _t(number: int, *, priority: str = "", start_minutes: int | None = None) -> Ticket:
    ticket = Ticket(number=number, priority=priority, day=NOW.date())
    if start_minutes is not None:
        appointment = AppointmentFactory.build(start=NOW + dt.timedelta(minutes=start_minutes))
        appointment.pk = number  # only its presence and start matter to the order
        ticket.appointment = appointment
    return ticket


def _order(tickets: list[Ticket], rule: str, ratio: int = 2, since: int = 0) -> list[int]:
    got = selectors.arrange(tickets, rule=rule, ratio=ratio, since_appointment=since, now=NOW)
    return [t.number for t in got]


def test_priority_goes_first_then_the_offices_rule() -> None:
    tickets = [_t(1), _t(2, start_minutes=0), _t(3, priority=Priority.ELDERLY), _t(4), _t(5, start_minutes=60)]
    # due appointment (2) before the walk-ins; one due in an hour (5) waits by arrival
    assert _order(tickets, MixRule.APPOINTMENTS_FIRST) == [3, 2, 1, 4, 5]
    assert _order(tickets, MixRule.ARRIVAL) == [3, 1, 2, 4, 5]
    # two walk-ins, then an appointment (by start), then the rest
    assert _order(tickets, MixRule.ALTERNATE, ratio=2) == [3, 1, 4, 2, 5]
    assert _order(tickets, MixRule.ALTERNATE, ratio=1, since=1) == [3, 2, 1, 5, 4]


def test_the_counter_calls_the_elderly_first_and_then_by_number(office: Office, clerk: Any) -> None:
    issue(office, clerk)
    issue(office, clerk, priority="disabled")
    assert call_next(office=office, counter=1, actor=clerk).number == 2
    assert call_next(office=office, counter=2, actor=clerk).number == 1


def test_a_counter_holds_one_ticket_and_an_empty_queue_is_said(office: Office, clerk: Any) -> None:
    issue(office, clerk)
    issue(office, clerk)
    call_next(office=office, counter=1, actor=clerk)
    with pytest.raises(ApplicationError) as busy:
        call_next(office=office, counter=1, actor=clerk)
    assert busy.value.code == "counter_busy" and "۱" in busy.value.message
    call_next(office=office, counter=2, actor=clerk)
    ticket_mark(ticket=Ticket.objects.get(number=1), action="done", actor=clerk)
    with pytest.raises(ApplicationError) as empty:
        call_next(office=office, counter=1, actor=clerk)
    assert empty.value.message == msg.NOBODY_WAITING


@pytest.mark.parametrize("counter", ["0", "3", "x", "", None])
def test_a_counter_the_office_has_not_is_refused(office: Office, clerk: Any, counter: Any) -> None:
    issue(office, clerk)
    answer = api(clerk).post(f"/api/v1/offices/{office.pk}/queue/call", {"counter": counter}, format="json")
    assert answer.status_code == 400
    assert "counter" in answer.json()["fields"]
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_the_counter_marks_done_and_no_show_and_the_mobile_is_erased(office: Office, clerk: Any) -> None:
    issue(office, clerk, mobile=CITIZEN)
    issue(office, clerk)
    client = api(clerk)
    assert client.post(f"/api/v1/offices/{office.pk}/queue/call", {"counter": 1}, format="json").json()["number"] == 1
    done = client.post(f"/api/v1/offices/{office.pk}/tickets/1/transitions", {"action": "done"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    first = Ticket.objects.get(number=1)
    assert first.mobile == "" and first.finished_at is not None
    # a waiting ticket cannot be marked done: it was never called
    refused = client.post(f"/api/v1/offices/{office.pk}/tickets/2/transitions", {"action": "done"}, format="json")
    assert refused.status_code == 409
    client.post(f"/api/v1/offices/{office.pk}/queue/call", {"counter": 1}, format="json")
    client.post(f"/api/v1/offices/{office.pk}/tickets/2/transitions", {"action": "no_show"}, format="json")
    assert Ticket.objects.get(number=2).status == TicketStatus.NO_SHOW
    actions = set(AuditEntry.objects.filter(action__startswith="hall.").values_list("action", flat=True))
    assert {"hall.issued", "hall.called", "hall.done", "hall.no_show"} <= actions
    assert not any(CITIZEN in str(e.data) for e in AuditEntry.objects.all())


def test_a_served_walk_in_who_left_a_number_is_asked_for_feedback(office: Office, clerk: Any) -> None:
    issue(office, clerk, mobile=CITIZEN)
    ticket = call_next(office=office, counter=1, actor=clerk)
    ticket_mark(ticket=ticket, action="done", actor=clerk)
    assert FeedbackRequest.objects.filter(office=office).count() == 1
    assert sms("feedback_request")[0].to == CITIZEN


# --- appointments in the queue ---------------------------------------------------------------


def test_an_arrived_appointment_joins_the_queue_and_its_end_marks_it(office: Office, clerk: Any) -> None:
    booked = AppointmentFactory.create(office=office, start=NOW + dt.timedelta(minutes=5), day=NOW.date())
    issue(office, clerk)
    issued = appointment_check_in(office=office, code=booked.code.lower(), actor=clerk)
    assert issued.ticket.channel == Channel.APPOINTMENT and issued.position == 1  # due: before the walk-in
    with pytest.raises(ApplicationError):  # in the queue once
        appointment_check_in(office=office, code=booked.code, actor=clerk)
    ticket = call_next(office=office, counter=1, actor=clerk)
    assert ticket.appointment_id == booked.pk
    ticket_mark(ticket=ticket, action="done", actor=clerk)
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.DONE


def test_the_counter_page_offers_only_appointments_not_yet_in_the_queue(office: Office, clerk: Any) -> None:
    waiting = AppointmentFactory.create(office=office, start=NOW + dt.timedelta(minutes=5), day=NOW.date())
    later = AppointmentFactory.create(office=office, start=NOW + dt.timedelta(hours=2), day=NOW.date())
    appointment_check_in(office=office, code=waiting.code, actor=clerk)
    client = Client()
    client.force_login(clerk)
    text = client.get(f"/offices/{office.pk}/hall/").content.decode()
    assert f'data-code="{later.code}"' in text
    assert f'data-code="{waiting.code}"' not in text


def test_staff_cannot_check_in_their_own_appointment(office: Office, clerk: Any) -> None:
    own = AppointmentFactory.create(office=office, citizen=clerk, start=NOW + dt.timedelta(minutes=5), day=NOW.date())
    with pytest.raises(ApplicationError) as refused:
        appointment_check_in(office=office, code=own.code, actor=clerk)
    assert refused.value.status_code == 404
    assert not Ticket.objects.exists()


def test_a_no_show_before_the_appointments_start_leaves_it_booked(office: Office, clerk: Any) -> None:
    booked = AppointmentFactory.create(office=office, start=NOW + dt.timedelta(minutes=5), day=NOW.date())
    appointment_check_in(office=office, code=booked.code, actor=clerk)
    ticket = call_next(office=office, counter=1, actor=clerk)
    ticket_mark(ticket=ticket, action="no_show", actor=clerk)
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    appointment_check_in(office=office, code=booked.code, actor=clerk)  # may come back


# --- the wait and the SMS -------------------------------------------------------------------


def test_the_wait_is_measured_from_the_offices_own_service_times(office: Office, clerk: Any, time_machine: Any) -> None:
    Office.objects.filter(pk=office.pk).update(counters=1)
    office.refresh_from_db()
    for _ in range(3):  # three services of 4 minutes each
        issue(office, clerk)
        ticket = call_next(office=office, counter=1, actor=clerk)
        time_machine.move_to(dt.datetime.now(tz=NOW.tzinfo) + dt.timedelta(minutes=4), tick=False)
        ticket_mark(ticket=ticket, action="done", actor=clerk)
    for _ in range(3):
        issue(office, clerk)
    office = Office.objects.get(pk=office.pk)
    state = selectors.queue_state(office)
    assert [p.wait_minutes for p in state.order] == [0, 4, 8]
    assert state.wait_minutes == 12
    stats = selectors.queue_stats(office, NOW.date(), NOW.date())[0]
    assert (stats.issued, stats.done, stats.waiting, stats.median_service) == (6, 3, 3, 4.0)


def test_the_turn_near_sms_goes_once_when_few_are_ahead(office: Office, clerk: Any) -> None:
    hall_settings_update(office=office, rule="arrival", walkins_per_appointment=2, notify_ahead=1, actor=clerk)
    for _ in range(3):
        issue(office, clerk)
    issue(office, clerk, mobile=CITIZEN)  # fourth: three ahead
    assert not sms("hall_turn_near")
    call_next(office=office, counter=1, actor=clerk)
    assert not sms("hall_turn_near")  # two ahead
    call_next(office=office, counter=2, actor=clerk)
    [near] = sms("hall_turn_near")  # one ahead
    assert near.to == CITIZEN and "۱ نفر" in near.text
    ticket_mark(ticket=Ticket.objects.get(number=1), action="done", actor=clerk)
    call_next(office=office, counter=1, actor=clerk)
    assert len(sms("hall_turn_near")) == 1


def test_bad_queue_settings_are_refused_and_nothing_changes(office: Office, clerk: Any) -> None:
    for rule, ratio, ahead in [("first", 2, 3), ("alternate", 0, 3), ("alternate", 2, 50), ("alternate", "x", 3)]:
        with pytest.raises(ApplicationError):
            hall_settings_update(
                office=office, rule=rule, walkins_per_appointment=ratio, notify_ahead=ahead, actor=clerk
            )
    assert not HallSettings.objects.exists()
    hall_settings_update(office=office, rule="alternate", walkins_per_appointment="۳", notify_ahead="۲", actor=clerk)
    assert HallSettings.objects.get().walkins_per_appointment == 3


# --- public pages and reads -----------------------------------------------------------------


def test_the_public_queue_and_a_tickets_page(office: Office, clerk: Any) -> None:
    issue(office, clerk)
    second = issue(office, clerk).ticket
    call_next(office=office, counter=2, actor=clerk)
    body = api().get(f"/api/v1/offices/{office.pk}/queue").json()
    assert body["waiting"] == 1 and body["now_serving"] == 1 and body["counters"] == [{"counter": 2, "number": 1}]
    assert body["next"] == [2]
    Ticket.objects.filter(pk=second.pk).update(mobile=CITIZEN, priority=Priority.DISABLED)
    page = Client().get(f"/q/{second.token}/")
    text = page.content.decode()
    assert page.status_code == 200 and "شما نفر بعد هستید" in text
    assert '<div class="display-3 fw-bold" id="t-number">۲</div>' in text
    assert CITIZEN not in text and "۰۹۳۵۱۱۱۲۲۳۳" not in text and "معلولیت" not in text
    public = api().get(f"/api/v1/tickets/{second.token}").json()
    assert public["number"] == 2 and public["ahead"] == 0
    assert "priority" not in public and CITIZEN not in str(public)
    assert Client().get("/q/not-a-real-token-123/").status_code == 404
    assert api().get("/api/v1/tickets/not-a-real-token-123").status_code == 404
    display = Client().get(f"/offices/{office.pk}/hall/display/")
    assert display.status_code == 200 and "باجهٔ ۲" in display.content.decode()


def test_the_counter_page_is_for_the_offices_staff(office: Office, clerk: Any) -> None:
    url = f"/offices/{office.pk}/hall/"
    client = Client()
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    answer = client.post(url, {"do": "issue", "service": "property_inquiry", "mobile": "abc"})
    assert answer.status_code == 400 and msg.MOBILE_INVALID in answer.content.decode()
    assert not Ticket.objects.exists()
    client.post(url, {"do": "counter", "counter": "1"})
    client.post(url, {"do": "issue", "service": "property_inquiry"})
    client.post(url, {"do": "call"})
    assert Ticket.objects.get().status == TicketStatus.CALLED and Ticket.objects.get().counter == 1
    # the manager's settings are not the clerk's
    assert client.post(url, {"do": "settings", "rule": "arrival"}).status_code == 403
    supervisor = Client()
    supervisor.force_login(municipal(office.municipality, "supervisor"))
    assert supervisor.get(url).status_code == 403
    assert supervisor.get(f"/offices/{office.pk}/hall/report/").status_code == 200
    stranger = Client()
    stranger.force_login(UserFactory.create())
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"/offices/{office.pk}/hall/report/").status_code == 404


def test_the_kiosk_link_gives_tickets_until_it_is_replaced(office: Office, clerk: Any, settings: Any) -> None:
    manager = staff(office, StaffRole.MANAGER)
    key = kiosk_key_new(office=office, actor=manager)
    url = f"/offices/{office.pk}/kiosk/{key}/"
    assert Client().get(url).status_code == 200
    answer = Client().post(url, {"service": "charges_payment", "priority": "elderly"})
    assert answer.status_code == 200
    assert '<div class="hall-number fw-bold" id="slip-number">۱</div>' in answer.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.KIOSK and ticket.issued_by is None and ticket.priority == "elderly"
    settings.HALL_KIOSK_PER_MINUTE = 1
    throttled = Client().post(url, {"service": "charges_payment"})
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    kiosk_key_new(office=office, actor=manager)
    assert Client().get(url).status_code == 404
    assert Client().get(f"/offices/{office.pk}/kiosk/guess/").status_code == 404
    assert Ticket.objects.count() == 1


def test_yesterdays_queue_expires_and_forgets_numbers(office: Office, clerk: Any, time_machine: Any) -> None:
    issue(office, clerk, mobile=CITIZEN)
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    assert close_days() == 1
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.EXPIRED and ticket.mobile == ""
    assert close_days() == 0
    assert selectors.queue_state(office).waiting == 0


def test_current_waits_cost_the_same_for_many_offices(office: Office, clerk: Any) -> None:
    issue(office, clerk)
    few = [office, make_office(office.municipality, office.district)]
    many = few + [make_office(office.municipality, office.district) for _ in range(6)]
    with CaptureQueriesContext(connection) as two:
        waits = selectors.current_waits(few)
    with CaptureQueriesContext(connection) as eight:
        selectors.current_waits(many)
    assert len(two) == len(eight) == 3
    assert waits[office.pk].waiting == 1
    assert few[1].pk not in waits  # no queue kept there: no figure rather than a guess of «none»


# --- the finder (issue 22 §4) ------------------------------------------------------------------


def _served(office: Office, clerk: Any, count: int) -> None:
    for _ in range(count):
        issue(office, clerk)
        ticket_mark(ticket=call_next(office=office, counter=1, actor=clerk), action="done", actor=clerk)


def test_the_finder_shows_each_open_offices_wait_and_sorts_by_it(office: Office, clerk: Any) -> None:
    busy, quiet = office, make_office(office.municipality, office.district)
    unknown = make_office(office.municipality, office.district)
    closed = make_office(office.municipality, office.district, weekdays=(6,))  # Fridays only
    quiet_clerk = staff(quiet)
    _served(busy, clerk, 3)
    _served(quiet, quiet_clerk, 3)
    for _ in range(4):
        issue(busy, clerk)
    issue(quiet, quiet_clerk)
    slug = office.municipality.slug
    body = api().get(f"/api/v1/offices?municipality={slug}&sort=wait").json()
    order = [card["id"] for card in body["results"]]
    assert order == [quiet.pk, busy.pk, unknown.pk, closed.pk]
    cards = {card["id"]: card for card in body["results"]}
    assert cards[busy.pk]["queue"]["waiting"] == 4
    assert cards[busy.pk]["queue"]["estimated_wait_minutes"] > cards[quiet.pk]["queue"]["estimated_wait_minutes"]
    assert cards[unknown.pk]["queue"] is None and cards[closed.pk]["queue"] is None
    page = Client().get(f"/offices/?sort=wait&district={office.district_id}")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index(f'data-office="{quiet.pk}"') < text.index(f'data-office="{busy.pk}"')
    assert "در صف: ۴ نفر" in text
    bad = api().get(f"/api/v1/offices?municipality={slug}&sort=nearest")
    assert bad.status_code == 400 and "sort" in bad.json()["fields"]


# --- review: the day's end is scheduled, odd digits, locks, privacy ---------------------------


def test_the_days_end_is_a_registered_beat_task(settings: Any) -> None:
    from config.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["hall-close-days"]
    assert entry["task"] in app.tasks


@pytest.mark.parametrize("raw", ["²", "①", "1" * 5000, "-1", "1.5"])
def test_odd_digits_are_a_persian_error_not_a_crash(office: Office, clerk: Any, raw: str) -> None:
    issue(office, clerk)
    call = api(clerk).post(f"/api/v1/offices/{office.pk}/queue/call", {"counter": raw}, format="json")
    assert call.status_code == 400 and "counter" in call.json()["fields"]
    mark = api(clerk).post(f"/api/v1/offices/{office.pk}/tickets/{1}/transitions", {"action": raw}, format="json")
    assert mark.status_code in (400, 409)
    page = Client()
    page.force_login(clerk)
    assert page.post(f"/offices/{office.pk}/hall/", {"do": "counter", "counter": raw}).status_code == 400
    assert page.post(f"/offices/{office.pk}/hall/", {"do": "done", "number": raw}).status_code == 404
    with pytest.raises(ApplicationError):
        hall_settings_update(office=office, rule="arrival", walkins_per_appointment=raw, notify_ahead=3, actor=clerk)
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_a_cancel_tells_the_next_one_once_and_erases_the_number(office: Office, clerk: Any) -> None:
    hall_settings_update(office=office, rule="arrival", walkins_per_appointment=2, notify_ahead=1, actor=clerk)
    first = issue(office, clerk, mobile="09350000001").ticket
    issue(office, clerk)
    third = issue(office, clerk, mobile=CITIZEN).ticket  # two ahead: not yet
    assert not sms("hall_turn_near")
    ticket_mark(ticket=first, action="cancel", actor=clerk)
    [near] = sms("hall_turn_near")
    assert near.to == CITIZEN and near.sensitive
    assert Ticket.objects.get(pk=first.pk).mobile == ""
    ticket_mark(ticket=Ticket.objects.get(number=2), action="cancel", actor=clerk)
    assert len(sms("hall_turn_near")) == 1  # once
    third.refresh_from_db()
    assert third.near_sent_at is not None


def test_a_no_show_after_the_appointments_start_marks_it(office: Office, clerk: Any, time_machine: Any) -> None:
    booked = AppointmentFactory.create(office=office, start=NOW + dt.timedelta(minutes=5), day=NOW.date())
    appointment_check_in(office=office, code=booked.code, actor=clerk)
    ticket = call_next(office=office, counter=1, actor=clerk)
    time_machine.move_to(NOW + dt.timedelta(minutes=20), tick=False)
    ticket_mark(ticket=ticket, action="no_show", actor=clerk)
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.NO_SHOW


def test_the_kiosk_needs_its_csrf_token_and_gives_one_live_ticket_per_number(office: Office) -> None:
    key = kiosk_key_new(office=office, actor=staff(office, StaffRole.MANAGER))
    url = f"/offices/{office.pk}/kiosk/{key}/"
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, {"service": "charges_payment"}).status_code == 403
    assert not Ticket.objects.exists()
    client = Client()
    assert client.post(url, {"service": "charges_payment", "mobile": CITIZEN}).status_code == 200
    again = client.post(url, {"service": "property_inquiry", "mobile": CITIZEN})
    text = again.content.decode()
    assert again.status_code == 409 and msg.MOBILE_HAS_TICKET in text
    assert "09351112233" not in text and "۰۹۳۵۱۱۱۲۲۳۳" not in text  # not shown to the next person
    assert Ticket.objects.count() == 1 and len(sms("hall_ticket_issued")) == 1


def test_after_midnight_in_tehran_the_day_is_tehrans(office: Office, clerk: Any, time_machine: Any) -> None:
    # 00:30 Tehran on Wednesday is still Tuesday 21:00 UTC: the ticket, its number and the queue
    # belong to Wednesday
    from daftar.offices.models import WeeklyHours

    wednesday = NOW.date() + dt.timedelta(days=1)
    WeeklyHours.objects.filter(office=office, weekday=4).update(start=dt.time(0, 0))
    issue(office, clerk)  # Tuesday's ticket 1
    time_machine.move_to(dt.datetime.combine(wednesday, dt.time(0, 30), tzinfo=NOW.tzinfo), tick=False)
    fresh = issue(office, clerk).ticket
    assert fresh.day == wednesday and fresh.number == 1
    assert selectors.queue_state(office).waiting == 1
