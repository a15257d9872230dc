"""What the demo licensing authority (09120000005) finds on their desk (issue 18 §1): two cases
awaiting final approval (one past its legal deadline) and one awaiting the licence's issue, a
licence in its renewal window, future bookings at the first demo office (so a suspension's
confirmation counts real bookings), and an open notice whose response time has run out on the
third demo office's licence. Made directly in their states, as the demo offices are; loading
twice creates nothing twice. The people are demo applicants without a login of their own
(``DESK_PEOPLE``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.services import user_get_or_create
from daftar.applications.models import Application
from daftar.applications.services.drafts import tracking_code_new
from daftar.applications.workflow import Status
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_code_new
from daftar.calls.models import Call
from daftar.catalogue.models import Service
from daftar.licences.models import Licence, LicenceEvent, LicenceStatus
from daftar.licences.services import OFFICE_NAME, licence_sign, number_prefix
from daftar.municipalities.models import District, Municipality
from daftar.offices.hours import day_hours
from daftar.offices.models import Office
from daftar.supervision.models import Notice, NoticeStatus
from daftar.supervision.services import notice_issue, violation_record

from .data import DEMO_OFFICES
from .offices import HOLDER_FACTS

# (mobile, first name, last name, what waits): demo applicants of the desk's rows
DESK_PEOPLE = [
    ("09120000031", "پرویز", "سعادتی", "final_review", 3),
    ("09120000032", "مهسا", "توکلی", "final_review", -2),
    ("09120000033", "رضا", "امینی", "approved", 6),
    ("09120000034", "شیرین", "بهرامی", "renewal", 25),
]
SUPERVISOR = "09120000006"
EVIDENCE = "بازدید نظارتی ساعت ۲۰:۱۵ سه‌شنبه: دفتر باز بود و به دو شهروند خدمت داد؛ ساعت کار مصوب تا ۱۸ است."
BOOKINGS = 6  # at the first demo office, over its next open days


def _person(mobile: str, first: str, last: str) -> User:
    person, created = user_get_or_create(mobile=mobile)
    if created:
        User.objects.filter(pk=person.pk).update(first_name=first, last_name=last)
        person.refresh_from_db()
    return person


def _case(call: Call, person: User, status: str, due_days: int, district: District) -> None:
    if Application.objects.filter(call=call, applicant=person).exists():
        return
    now = timezone.now()
    Application.objects.create(
        call=call,
        applicant=person,
        municipality=call.municipality,
        district=district,
        status=status,
        facts=dict(HOLDER_FACTS),
        eligible=True,
        submitted_at=now - dt.timedelta(days=40),
        tracking_code=tracking_code_new(),
        due_at=now + dt.timedelta(days=due_days),
    )


def _renewal_licence(call: Call, person: User, district: District, valid_days: int) -> None:
    if Licence.objects.filter(holder=person).exists():
        return
    today = timezone.localdate()
    prefix = number_prefix(call.municipality, today)
    last = Licence.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    number = f"{prefix}{(int(last[0][len(prefix) :]) + 1 if last else 1):06d}"
    application = Application.objects.create(
        call=call,
        applicant=person,
        municipality=call.municipality,
        district=district,
        status=Status.LICENCE_ISSUED,
        facts=dict(HOLDER_FACTS),
        eligible=True,
        submitted_at=timezone.now() - dt.timedelta(days=3 * 365 + 60),
        licence_number=number,
    )
    licence = Licence.objects.create(
        number=number,
        application=application,
        licence_type=call.licence_type,
        municipality=call.municipality,
        district=district,
        holder=person,
        holder_name=person.get_full_name(),
        office_name=OFFICE_NAME.format(district=district.name),
        valid_from=today - dt.timedelta(days=3 * 365 - valid_days),
        valid_until=today + dt.timedelta(days=valid_days),
        status=LicenceStatus.ACTIVE,
    )
    licence_sign(licence)
    LicenceEvent.objects.create(licence=licence, action="issue", to_status=LicenceStatus.ACTIVE, data={"demo": True})


def _bookings(office: Office, citizens: list[User]) -> None:
    """Future bookings at ``office``: one per citizen per open day, at the start of its first
    window, until ``BOOKINGS`` are live."""
    live = Appointment.objects.filter(office=office, status=AppointmentStatus.BOOKED, start__gt=timezone.now())
    wanted = BOOKINGS - live.count()
    service = Service.objects.filter(active=True, bookable=True, offered_at__office=office).first()
    if wanted <= 0 or service is None:
        return
    day = timezone.localdate() + dt.timedelta(days=1)
    for _ in range(14):
        intervals = day_hours(office, day).intervals
        if intervals:
            start = intervals[0][0]
            for counter, citizen in enumerate(citizens, start=1):
                if wanted <= 0 or counter > office.counters:
                    break
                if Appointment.objects.filter(office=office, citizen=citizen, day=day).exists():
                    continue
                Appointment.objects.create(
                    office=office,
                    service=service,
                    citizen=citizen,
                    start=start,
                    end=start + dt.timedelta(minutes=service.duration_minutes),
                    day=day,
                    counter=counter,
                    code=appointment_code_new(),
                )
                wanted -= 1
        day += dt.timedelta(days=1)


def _notice(licence: Licence) -> None:
    if Notice.objects.filter(licence=licence).exists() or licence.status != LicenceStatus.ACTIVE:
        return
    supervisor = User.objects.get(mobile=SUPERVISOR)
    violation_record(licence, type_code="outside_hours", description=EVIDENCE, actor=supervisor)
    notice = notice_issue(licence, actor=supervisor)
    # the demo: the office's time to respond has run out, so the authority may decide now
    Notice.objects.filter(pk=notice.pk, status=NoticeStatus.OPEN).update(
        response_due=timezone.now() - dt.timedelta(hours=1)
    )


def demo_authority_load(tehran: Municipality, call: Call | None) -> None:
    if call is None:
        return
    people = {mobile: _person(mobile, first, last) for mobile, first, last, _what, _days in DESK_PEOPLE}
    districts = list(District.objects.filter(municipality=tehran).order_by("number"))
    for index, (mobile, _first, _last, what, days) in enumerate(DESK_PEOPLE):
        district = districts[10 + index]
        if what == "renewal":
            _renewal_licence(call, people[mobile], district, days)
        else:
            _case(call, people[mobile], what, days, district)
    first = Office.objects.filter(municipality=tehran, name=DEMO_OFFICES[0][1]).select_related("licence").first()
    if first is not None:
        _bookings(first, list(people.values()))
    third = Office.objects.filter(municipality=tehran, name=DEMO_OFFICES[2][1]).select_related("licence").first()
    if third is not None and third.licence is not None:
        _notice(third.licence)
