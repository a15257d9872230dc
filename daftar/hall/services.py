"""The hall queue's writes (issue 22 §3): issuing tickets, checking arrived appointments in,
calling the next ticket to a counter, marking it, and ending the day.

Every write that numbers or orders the queue runs under a lock on the office row, so two clerks
(or a clerk and the kiosk) never give out the same number or call the same ticket; a unique
constraint backs each rule (one number per office and day, one called ticket per counter, one
live ticket per appointment). Tickets are given only while the office is open (its hours of
the day, closures and sanctions included: ``daftar.offices.hours``).

Each staff action is audited (the ticket's number and service, never the citizen's mobile).
The SMS go through the outbox (``notify``): the ticket's link when it is issued with a number,
and «your turn is near» once, when ``notify_ahead`` people or fewer are ahead of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_mark, clean_code
from daftar.audit.services import audit_record
from daftar.catalogue.models import Service
from daftar.kernel import events
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.kernel.validators import normalize_mobile
from daftar.licences.services import site_url
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.services import notify
from daftar.offices.hours import is_open_at, office_sanction
from daftar.offices.models import Office, OfficeService

from . import messages as msg
from . import policy, selectors, sms
from .config import config_for
from .events import TicketServed
from .models import Channel, HallSettings, MixRule, Priority, Ticket, TicketStatus
from .workflow import LIVE, TICKET

TOKEN_BYTES = 12  # 16 URL-safe characters: the key of a ticket's public page
KIOSK_KEY_BYTES = 18


# --- settings ------------------------------------------------------------------------------


def _small_int(raw: object, low: int, high: int, message: str, field: str) -> int:
    text = normalize_text(str(raw if raw is not None else "")).strip()
    if not re.fullmatch(r"[0-9]{1,3}", text) or not low <= int(text) <= high:
        raise ApplicationError(message, code="invalid", fields={field: [message]})
    return int(text)


def hall_settings_update(
    *, office: Office, rule: object, walkins_per_appointment: object, notify_ahead: object, actor: Any
) -> HallSettings:
    """The manager sets how the queue mixes appointments in and when the SMS goes (audited)."""
    rule_text = normalize_text(str(rule or "")).strip()
    if rule_text not in MixRule.values:
        raise ApplicationError(msg.RULE_INVALID, code="invalid", fields={"rule": [msg.RULE_INVALID]})
    ratio = _small_int(walkins_per_appointment, 1, 10, msg.RATIO_INVALID, "walkins_per_appointment")
    ahead = _small_int(notify_ahead, 1, 20, msg.AHEAD_INVALID, "notify_ahead")
    with transaction.atomic():
        row, _ = HallSettings.objects.select_for_update().get_or_create(
            office=office,
            defaults={"rule": rule_text, "walkins_per_appointment": ratio, "notify_ahead": ahead},
        )
        row.rule, row.walkins_per_appointment, row.notify_ahead, row.updated_by = rule_text, ratio, ahead, actor
        row.save()
        office.__dict__.pop("_hall_config", None)
        audit_record(
            actor=actor,
            action="hall.settings",
            obj=office,
            municipality=office.municipality,
            data={"rule": rule_text, "walkins_per_appointment": ratio, "notify_ahead": ahead},
        )
    return row


# --- the kiosk's link -------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def kiosk_key_new(*, office: Office, actor: Any) -> str:
    """A new link for the hall's kiosk (the old one stops working at once); only its hash is
    kept, so the link is shown once to the manager who made it."""
    key = secrets.token_urlsafe(KIOSK_KEY_BYTES)
    with transaction.atomic():
        cfg = config_for(office)
        row, _ = HallSettings.objects.select_for_update().get_or_create(
            office=office,
            defaults={
                "rule": cfg.rule,
                "walkins_per_appointment": cfg.walkins_per_appointment,
                "notify_ahead": cfg.notify_ahead,
            },
        )
        row.kiosk_key_hash, row.kiosk_key_at, row.updated_by = _key_hash(key), timezone.now(), actor
        row.save()
        audit_record(actor=actor, action="hall.kiosk_key", obj=office, municipality=office.municipality)
    return key


def kiosk_office(pk: Any, key: object) -> Office:
    """The active office whose current kiosk link is ``key``; otherwise a 404 (whatever is wrong)."""
    text = str(key or "")
    try:
        number = int(normalize_text(str(pk)))
    except (TypeError, ValueError):
        raise ApplicationError(msg.KIOSK_UNKNOWN, code="not_found", status=404) from None
    row = (
        HallSettings.objects.select_related("office__municipality", "office__licence")
        .filter(office_id=number, office__active=True)
        .exclude(kiosk_key_hash="")
        .first()
    )
    if row is None or not text or not hmac.compare_digest(row.kiosk_key_hash, _key_hash(text)):
        raise ApplicationError(msg.KIOSK_UNKNOWN, code="not_found", status=404)
    return row.office


def _kiosk_key(office: Office) -> str:
    return f"hall:kiosk:{office.pk}:{int(timezone.now().timestamp() // 60)}"


def kiosk_allowed(office: Office) -> None:
    """At most ``HALL_KIOSK_PER_MINUTE`` tickets a minute from one office's kiosk (a link that
    leaked cannot flood the queue; a new link stops it); the answer says when to try again.
    Only tickets given count (``kiosk_counted``): a citizen's mistyped number does not."""
    if int(cache.get(_kiosk_key(office), 0)) >= settings.HALL_KIOSK_PER_MINUTE:
        wait = 60 - int(timezone.now().timestamp()) % 60
        raise ThrottledError(msg.TOO_FAST, retry_after=wait)


def kiosk_counted(office: Office) -> None:
    key = _kiosk_key(office)
    cache.add(key, 0, timeout=120)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)


# --- issuing ----------------------------------------------------------------------------------


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(TEHRAN).date()


def _open_or_refuse(office: Office, now: dt.datetime) -> None:
    if not office.active:
        raise policy.not_found()
    if office_sanction(office, _today(now)) is not None:
        raise ApplicationError(msg.STOPPED, code="office_stopped", status=409)
    if not is_open_at(office, now):
        raise ApplicationError(msg.CLOSED_NOW, code="office_closed", status=409)


def _service(office: Office, raw: object) -> Service:
    code = normalize_text(str(raw or "")).strip()
    if not code:
        raise ApplicationError(msg.SERVICE_REQUIRED, code="invalid", fields={"service": [msg.SERVICE_REQUIRED]})
    found = Service.objects.filter(code=code, active=True).first()
    if found is None or not OfficeService.objects.filter(office=office, service=found).exists():
        raise ApplicationError(msg.SERVICE_UNKNOWN, code="invalid", fields={"service": [msg.SERVICE_UNKNOWN]})
    return found


def _mobile(raw: object) -> str:
    text = normalize_text(str(raw or "")).strip()
    if not text:
        return ""
    try:
        return normalize_mobile(text)
    except ValidationError:
        raise ApplicationError(msg.MOBILE_INVALID, code="invalid", fields={"mobile": [msg.MOBILE_INVALID]}) from None


def _priority(raw: object) -> str:
    text = normalize_text(str(raw or "")).strip()
    if text not in Priority.values:
        raise ApplicationError(msg.PRIORITY_INVALID, code="invalid", fields={"priority": [msg.PRIORITY_INVALID]})
    return text


def _locked_office(office: Office) -> Office:
    return Office.objects.select_for_update(of=("self",)).select_related("municipality", "licence").get(pk=office.pk)


def ticket_link(ticket: Ticket) -> str:
    return site_url() + reverse("hall:ticket", args=[ticket.token])


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    position: int
    wait_minutes: int


def _new_ticket(
    office: Office,
    *,
    service: Service,
    channel: str,
    priority: str,
    mobile: str,
    actor: Any,
    now: dt.datetime,
    appointment: Appointment | None = None,
) -> Ticket:
    day = _today(now)
    last = Ticket.objects.filter(office=office, day=day).aggregate(m=Max("number"))["m"] or 0
    if last >= settings.HALL_DAY_MAX:
        raise ApplicationError(msg.DAY_FULL, code="day_full", status=409)
    ticket = Ticket(
        office=office,
        service=service,
        day=day,
        number=last + 1,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        channel=channel,
        priority=priority,
        mobile=mobile,
        appointment=appointment,
        issued_at=now,
        issued_by=actor,
    )
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        # the only live-ticket rule left after the office's lock: the appointment is in the queue
        raise ApplicationError(msg.APPOINTMENT_UNKNOWN, code="conflict", status=409) from None
    return ticket


def _issued(office: Office, ticket: Ticket, actor: Any, now: dt.datetime) -> Issued:
    state = selectors.queue_state(office, now=now)
    place = state.place_of(ticket)
    position, wait = (place.position, place.wait_minutes) if place else (1, 0)
    audit_record(
        actor=actor,
        action="hall.issued",
        obj=ticket,
        municipality=office.municipality,
        data={"number": ticket.number, "service": ticket.service.code, "channel": ticket.channel},
        actor_label="" if actor is not None else "دستگاه نوبت‌دهی",
    )
    if ticket.mobile:
        notify(
            sms.ISSUED.key,
            to=ticket.mobile,
            municipality=office.municipality,
            office=office.display_name,
            number=persian_digits(ticket.number),
            ahead=persian_digits(position - 1),
            wait=persian_digits(wait),
            link=ticket_link(ticket),
            sensitive=True,  # the link is the ticket's key: redacted once sent
        )
        if position - 1 <= config_for(office).notify_ahead:
            # already near: the «near» SMS would only repeat this one
            Ticket.objects.filter(pk=ticket.pk).update(near_sent_at=now)
    return Issued(ticket, position, wait)


def _has_live_ticket(office: Office, mobile: str, now: dt.datetime) -> bool:
    return Ticket.objects.filter(office=office, day=_today(now), mobile=mobile, status__in=list(LIVE)).exists()


def ticket_issue(
    *,
    office: Office,
    service: object,
    mobile: object = "",
    priority: object = "",
    channel: str = Channel.CLERK,
    actor: Any,
    now: dt.datetime | None = None,
) -> Issued:
    """A walk-in ticket for ``service`` at ``office``, by its staff (``actor``) or its kiosk
    (``actor=None``, ``channel=kiosk``), while the office is open. Bad input is a Persian
    ``ApplicationError`` and nothing is written."""
    now = now or timezone.now()
    chosen = _service(office, service)
    number = _mobile(mobile)
    rank = _priority(priority)
    with transaction.atomic():
        locked = _locked_office(office)
        _open_or_refuse(locked, now)
        if channel == Channel.KIOSK and number and _has_live_ticket(locked, number, now):
            # a kiosk's link that leaked must not text any number again and again
            raise ApplicationError(
                msg.MOBILE_HAS_TICKET, code="conflict", status=409, fields={"mobile": [msg.MOBILE_HAS_TICKET]}
            )
        ticket = _new_ticket(
            locked, service=chosen, channel=channel, priority=rank, mobile=number, actor=actor, now=now
        )
        return _issued(locked, ticket, actor, now)


def appointment_check_in(
    *, office: Office, code: object, priority: object = "", actor: Any, now: dt.datetime | None = None
) -> Issued:
    """The citizen of a booked appointment of today has arrived: their place in the queue, mixed
    with the walk-ins by the office's rule. The SMS goes to the number they booked with."""
    now = now or timezone.now()
    rank = _priority(priority)
    clean = clean_code(code)
    with transaction.atomic():
        locked = _locked_office(office)
        _open_or_refuse(locked, now)
        found = (
            Appointment.objects.select_related("service", "citizen")
            .filter(
                code=clean or "",
                office=locked,
                day=_today(now),
                status=AppointmentStatus.BOOKED,
            )
            .first()
        )
        if found is None or (actor is not None and found.citizen_id == getattr(actor, "pk", None)):
            raise ApplicationError(msg.APPOINTMENT_UNKNOWN, code="not_found", status=404)
        ticket = _new_ticket(
            locked,
            service=found.service,
            channel=Channel.APPOINTMENT,
            priority=rank,
            mobile=found.citizen.mobile or "",
            actor=actor,
            now=now,
            appointment=found,
        )
        return _issued(locked, ticket, actor, now)


# --- the counters -----------------------------------------------------------------------------


def _counter(office: Office, raw: object) -> int:
    message = msg.COUNTER_INVALID.format(counters=persian_digits(office.counters))
    return _small_int(raw, 1, office.counters, message, "counter")


def _take(ticket: Ticket, action: str, actor: Any, data: dict[str, Any]) -> None:
    TICKET.take(ticket, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=data)


@TICKET.effect("called")
def effect_called(ticket: Ticket, actor: Any, data: dict[str, Any]) -> None:
    ticket.counter, ticket.called_at, ticket.called_by = data["counter"], data["now"], actor
    ticket.save(update_fields=["status", "counter", "called_at", "called_by"])


@TICKET.effect("ended")
def effect_ended(ticket: Ticket, actor: Any, data: dict[str, Any]) -> None:
    ticket.finished_at, ticket.mobile = data["now"], ""  # the number served its one purpose
    ticket.save(update_fields=["status", "finished_at", "mobile"])


def _notify_near(office: Office, now: dt.datetime) -> int:
    """«Your turn is near» to each ticket with a number that has ``notify_ahead`` or fewer people
    ahead of it and was not told yet (once per ticket)."""
    ahead_limit = config_for(office).notify_ahead
    state = selectors.queue_state(office, now=now)
    sent = 0
    for place in state.order[: ahead_limit + 1]:
        ticket = place.ticket
        if not ticket.mobile or ticket.near_sent_at is not None or place.position - 1 > ahead_limit:
            continue
        if not Ticket.objects.filter(pk=ticket.pk, near_sent_at__isnull=True).update(near_sent_at=now):
            continue  # told already
        notify(
            sms.NEAR.key,
            to=ticket.mobile,
            municipality=office.municipality,
            office=office.display_name,
            number=persian_digits(ticket.number),
            ahead=persian_digits(place.position - 1),
            link=ticket_link(ticket),
            sensitive=True,  # the link is the ticket's key: redacted once sent
        )
        sent += 1
    return sent


def _audit(ticket: Ticket, action: str, actor: Any, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"hall.{action}",
        obj=ticket,
        municipality=ticket.office.municipality,
        data={"number": ticket.number, "counter": ticket.counter, **data},
    )


def call_next(*, office: Office, counter: object, actor: Any, now: dt.datetime | None = None) -> Ticket:
    """The next ticket by the office's rule comes to ``counter``; the counter must be free. The
    people now near their turn are told by SMS."""
    now = now or timezone.now()
    number = _counter(office, counter)
    with transaction.atomic():
        locked = _locked_office(office)
        busy = Ticket.objects.filter(office=locked, day=_today(now), counter=number, status=TicketStatus.CALLED).first()
        if busy is not None:
            message = msg.COUNTER_BUSY.format(counter=persian_digits(number), number=persian_digits(busy.number))
            raise ApplicationError(message, code="counter_busy", status=409)
        state = selectors.queue_state(locked, now=now)
        chosen = next((p.ticket for p in state.order if policy.may_move(actor, TICKET.moves["call"], p.ticket)), None)
        if chosen is None:
            if state.order:
                raise policy.refuse_move(actor, TICKET.moves["call"], state.order[0].ticket)
            raise ApplicationError(msg.NOBODY_WAITING, code="nobody_waiting", status=409)
        ticket = (
            Ticket.objects.select_for_update(of=("self",)).select_related("service", "appointment").get(pk=chosen.pk)
        )
        ticket.office = locked
        _take(ticket, "call", actor, {"counter": number, "now": now})
        _audit(ticket, "called", actor)
        _notify_near(locked, now)
    return ticket


def today_ticket(office: Office, raw_number: object, now: dt.datetime | None = None) -> Ticket:
    """Today's ticket ``raw_number`` of ``office`` (404 otherwise)."""
    text = normalize_text(str(raw_number or "")).strip()
    if not re.fullmatch(r"[0-9]{1,6}", text):
        raise policy.not_found()
    found = (
        Ticket.objects.select_related("service", "appointment", "office__municipality")
        .filter(office=office, day=_today(now or timezone.now()), number=int(text))
        .first()
    )
    if found is None:
        raise policy.not_found()
    return found


MARKS = ("done", "no_show", "cancel")


def _marks_appointment(appointment: Appointment, action: str, now: dt.datetime) -> bool:
    """A checked-in appointment is marked with its ticket: done always, no-show once its start
    has passed (before it, the citizen may still be checked in again)."""
    if appointment.status != AppointmentStatus.BOOKED:
        return False
    return action == "done" or (action == "no_show" and appointment.start <= now)


def ticket_mark(*, ticket: Ticket, action: object, actor: Any, now: dt.datetime | None = None) -> Ticket:
    """The counter marks its ticket served (``done``) or absent (``no_show``), or the staff drop a
    waiting ticket (``cancel``). A checked-in appointment's ticket marks the appointment too:
    ``done`` always, ``no_show`` once the appointment's start has passed (before it, the citizen
    may still be checked in again)."""
    now = now or timezone.now()
    chosen = str(action or "")
    if chosen not in MARKS:
        message = TICKET.unknown_message.format(actions="، ".join(MARKS))
        raise ApplicationError(message, code="unknown_action", fields={"action": [message]})
    with transaction.atomic():
        # the office first, as ``call_next`` and the ledger lock: the queue's order and its
        # «turn near» SMS are read and written by one of them at a time
        office = _locked_office(ticket.office)
        locked = (
            Ticket.objects.select_for_update(of=("self",)).select_related("service", "appointment").get(pk=ticket.pk)
        )
        locked.office = office
        mobile = locked.mobile
        _take(locked, chosen, actor, {"now": now})
        _audit(locked, chosen, actor)
        appointment = (
            Appointment.objects.select_for_update(of=("self",)).filter(pk=locked.appointment_id).first()
            if locked.appointment_id
            else None
        )
        if appointment is not None and _marks_appointment(appointment, chosen, now):
            appointment_mark(appointment=appointment, status=chosen, actor=actor)
        if chosen == "done" and appointment is None:
            events.emit(TicketServed(ticket=locked, citizen_mobile=mobile, actor=actor))
        if chosen == "cancel":
            _notify_near(locked.office, now)
    return locked


# --- the end of the day -----------------------------------------------------------------------


def close_days(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Tickets of days that are over and still live expire, their numbers erased (the beat runs
    this every half hour; ``limit`` bounds one run)."""
    now = now or timezone.now()
    ids = list(Ticket.objects.filter(status__in=list(LIVE), day__lt=_today(now)).values_list("pk", flat=True)[:limit])
    done = 0
    for pk in ids:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("office")
                .filter(pk=pk, status__in=list(LIVE))
                .first()
            )
            if ticket is None:
                continue
            _take(ticket, "expire", None, {"now": now})
            done += 1
    return done
