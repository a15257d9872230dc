"""Nobody acts as staff on their own case, appointment or notice (issue 16): generated from the
staff actions of the exams and interviews, inquiries, documents, offices, appointments and calls.

``ACTIONS`` is the one list. It must name every write endpoint (API and page) served by those
apps, and every staff move of their declared lifecycles: a new one without a row fails
``test_every_staff_action_has_a_row``, naming it. A row is either a ``Try`` — the action tried
by a person who holds the staff role it needs in the municipality *and* is the applicant,
citizen or holder of the object — or the reason it is not a staff action on someone's case
(the citizen's own booking, the office manager running their own office, a read).

Each ``Try`` must be refused with the not-found answer: the same status and body as the same
request for an object that does not exist (in a score import, the same row error as an unknown
tracking code), and nothing may change — the fingerprint of the project's rows is the same
before and after.

The world is built once for the module inside a transaction rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.assessments.tests.factories import ExamSeatFactory, ExamSessionFactory
from daftar.calls.tests.factories import CallFactory
from daftar.inquiries.tests.factories import InquiryFactory
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import SYSTEM, Lifecycle
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

# The apps whose staff actions are listed here, and the case app's endpoints that act on their
# objects (a case's documents and inquiries are reviewed and retried through the case's URLs).
APPS = (
    "daftar.assessments",
    "daftar.inquiries",
    "daftar.documents",
    "daftar.offices",
    "daftar.appointments",
    "daftar.calls",
    "daftar.scorecard",  # the office scorecard and the supervisors' ranking (issue 22 §2)
    "daftar.hall",  # the walk-in queue (issue 22 §3)
    # the municipality administrator's calls, rule sets and pass rules (issue 18 §3)
    "daftar.desk.municipal.calls",
    "daftar.desk.municipal.rulesets",
    "daftar.desk.municipal.assessment",
)
CASE_PATHS_OF_THESE_APPS = re.compile(r"/documents(/|$)|/inquiries/|^/calls/")  # the call pages are the case's views
OWNERS = {"citizen", "applicant", SYSTEM}  # lifecycle roles that are not staff
MISSING = 999_999_999
MISSING_CODE = "ZZZZ-9999"


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    me: int  # the applicant of the cases, the citizen of the appointment, and staff of all of them
    ids: dict[str, Any] = field(default_factory=dict)


def _call_like(call: Any, title: str) -> Any:
    """Another open call of the same licence type: one case per call per applicant (S7)."""
    return CallFactory(
        rule_set=call.rule_set,
        title=title,
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        quotas={row.district: row.quota for row in call.districts.all()},
    )


def _case(call: Any, me: User, status: str, code: str) -> Any:
    return ApplicationFactory(call=call, applicant=me, status=status, submitted_at=timezone.now(), tracking_code=code)


def build() -> World:
    from daftar.applications.tests.helpers import applicant, client_for, move, open_call, submitted_case
    from daftar.applications.workflow import Status
    from daftar.demo.services import demo_load
    from daftar.documents.models import Document
    from daftar.inquiries.models import Inquiry, InquiryStatus, Kind
    from daftar.municipalities.workdays import TEHRAN
    from daftar.offices.models import StaffRole

    demo_load(offices=False)
    call = open_call()
    tehran = call.municipality
    me = applicant(990)
    for role in ("reviewer", "examiner", "licensing_authority"):
        RoleAssignmentFactory(user=me, municipality=tehran, role=role)
    w = World(me=me.pk)

    # my case in document review, with its documents and an inquiry that got no answer
    case = submitted_case(client_for(me))["id"]
    assert move(client_for(User.objects.get(mobile="09120000002")), case, "start_review").status_code == 200
    Inquiry.objects.filter(application_id=case).delete()
    InquiryFactory(application=Application.objects.get(pk=case), kind=Kind.CRIMINAL_RECORD, status=InquiryStatus.ERROR)
    w.ids.update(case=case, kind=Kind.CRIMINAL_RECORD.value)
    w.ids["document"] = Document.objects.filter(application_id=case, is_current=True).order_by("pk").first().pk

    # my case in the exam stage, seated in a session; another session with no seat yet
    exam_case = _case(_call_like(call, "فراخوان آزمون"), me, Status.EXAM, "SELF-EXAM-01")
    sessions = [ExamSessionFactory(call=exam_case.call, title=title) for title in ("جلسهٔ با صندلی من", "جلسهٔ خالی")]
    seat = ExamSeatFactory(session=sessions[0], application=exam_case)
    w.ids.update(
        exam_case=exam_case.pk,
        tracking_code=exam_case.tracking_code,
        session=sessions[0].pk,
        empty_session=sessions[1].pk,
        seat=seat.pk,
    )
    # my case in the interview stage
    interview = _case(_call_like(call, "فراخوان مصاحبه"), me, Status.INTERVIEW, "SELF-INTV-01")
    w.ids["interview_case"] = interview.pk

    # my appointment at the office where I am a clerk
    office = OfficeFactory(
        municipality=tehran, district=call.districts.first().district, name="دفتر خدمات آزمون خودکاری"
    )
    OfficeStaffFactory(office=office, user=me, role=StaffRole.CLERK)
    start = dt.datetime.combine(timezone.localdate(), dt.time(9), tzinfo=TEHRAN) - dt.timedelta(days=1)
    appointment = AppointmentFactory(office=office, citizen=me, start=start, code="SLFA-2345")
    w.ids.update(office=office.pk, appointment=appointment.code)
    _hall(w, office, appointment, me)
    return w


def _hall(w: World, office: Any, appointment: Any, me: User) -> None:
    """My booked appointments checked in at the office's hall queue today (issue 22 §3): one
    waiting, one already at counter 1; no one else is in the queue."""
    from daftar.hall.models import Channel, Ticket
    from daftar.hall.workflow import TICKET, TicketStatus

    earlier = appointment.start - dt.timedelta(days=1)  # one booking a day per office
    other = AppointmentFactory(office=office, citizen=me, start=earlier, counter=2, code="SLFB-2345")
    today = timezone.localdate()
    waiting = Ticket.objects.create(
        office=office,
        service=appointment.service,
        day=today,
        number=1,
        token="self-ticket-one-01",
        channel=Channel.APPOINTMENT,
        appointment=appointment,
    )
    called = Ticket(
        office=office,
        service=other.service,
        day=today,
        number=2,
        token="self-ticket-two-02",
        channel=Channel.APPOINTMENT,
        appointment=other,
        counter=1,
        called_at=timezone.now(),
    )
    TICKET.force(called, TicketStatus.CALLED)
    called.save()
    w.ids.update(ticket_waiting=waiting.pk, ticket_called=called.pk, ticket_number=waiting.number)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    with (
        django_db_blocker.unblock(),
        override_settings(SMS_BACKEND="locmem", MEDIA_ROOT=str(tmp_path_factory.mktemp("self-action-media"))),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build()
            connection.check_constraints()  # once, not in every test's teardown (access_world)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fingerprint() -> dict[str, Any]:
    """Every project table's row count, and every row of the tables these actions write."""
    out: dict[str, Any] = {}
    watched = {
        "applications.Application",
        "applications.CaseEvent",
        "documents.Document",
        "inquiries.Inquiry",
        "assessments.ExamSession",
        "assessments.ExamSeat",
        "assessments.InterviewPanel",
        "assessments.InterviewScore",
        "assessments.TrainingCredit",
        "appointments.Appointment",
        "hall.Ticket",
    }
    for model in apps.get_models():
        if not model.__module__.startswith("daftar."):
            continue
        label = model._meta.label
        qs = model._default_manager.order_by("pk")
        out[label] = list(qs.values()) if label in watched else qs.count()
    return out


# --- the tries ----------------------------------------------------------------------------------

Url = Callable[[World, bool], str]  # (world, missing) -> the URL, of a nonexistent object if missing
Body = Callable[[World, bool], dict[str, Any]]


def _no_body(w: World, missing: bool) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Try:
    """One staff action tried on one's own object: ``url`` and ``body`` with ``missing`` give
    the same request about an object that does not exist."""

    url: Url
    body: Body = _no_body
    page: bool = False
    check: Callable[[World, Any, Any], None] | None = None  # instead of "same status and body"

    def send(self, w: World, method: str, *, missing: bool) -> Any:
        me = User.objects.get(pk=w.me)  # fresh: no role cache carried over
        client = Client()
        client.force_login(me)
        body = self.body(w, missing)
        url = self.url(w, missing)
        if self.page:
            return client.post(url, body) if method == "POST" else client.get(url)
        from daftar.applications.tests.helpers import client_for

        return getattr(client_for(me), method.lower())(url, body, format="json")


@dataclass(frozen=True)
class Move:
    """A staff move of a declared lifecycle, taken through its service by the object's owner."""

    take: Callable[[World], None]


def _id(name: str) -> Url:
    return lambda w, missing: str(MISSING if missing else w.ids[name])


def _at(pattern: str, *, same: bool = False, **names: str) -> Url:
    """``pattern`` with each ``{param}`` the world's ``names[param]`` (or a nonexistent one;
    ``same``: the same object either way, the body names what does not exist)."""

    def url(w: World, missing: bool) -> str:
        missing = missing and not same

        def value(match: re.Match[str]) -> str:
            name = names[match.group(1)]
            if missing and name == "kind":
                return str(w.ids[name])
            if missing:
                return MISSING_CODE if name == "appointment" else str(MISSING)
            return str(w.ids[name])

        return re.sub(r"\{(\w+)\}", value, pattern)

    return url


def _unknown_row(w: World, own: Any, missing: Any, *, row: int) -> None:
    """A score import that names my own case: refused with the row error of an unknown
    tracking code, as the same import naming a code that does not exist."""
    from django.utils.html import escape

    from daftar.assessments import messages as msg
    from daftar.kernel.normalize import persian_digits

    assert own.status_code == missing.status_code == 400, own.content[:300]
    for response, code in ((own, w.ids["tracking_code"]), (missing, "ZZZZ-ZZZZ-ZZ")):
        error = msg.ROW_UNKNOWN.format(row=persian_digits(row), code=code)
        if "json" in response.get("Content-Type", ""):
            assert response.json()["fields"]["rows"] == [error]
        else:
            assert escape(error) in response.content.decode(), response.content[:500]


def _scores(w: World, missing: bool) -> dict[str, Any]:
    code = "ZZZZ-ZZZZ-ZZ" if missing else w.ids["tracking_code"]
    return {"scores": [{"tracking_code": code, "general": 100, "specialised": 100}]}


def _scores_file(w: World, missing: bool) -> dict[str, Any]:
    code = "ZZZZ-ZZZZ-ZZ" if missing else w.ids["tracking_code"]
    text = f"tracking_code,general,specialised\n{code},100,100\n"
    return {"file": SimpleUploadedFile("scores.csv", text.encode(), content_type="text/csv")}


def _same_invalid_choice(w: World, own: Any, missing: Any) -> None:
    """A page form's choice of my own case: the same refusal as a case that does not exist."""
    assert own.status_code == missing.status_code == 400


def _mark(status: str) -> Callable[[World], None]:
    def take(w: World) -> None:
        from daftar.appointments.models import Appointment
        from daftar.appointments.services import appointment_mark

        appointment = Appointment.objects.select_related("office").get(code=w.ids["appointment"])
        appointment_mark(appointment=appointment, status=status, actor=User.objects.get(pk=w.me))

    return take


def _ticket(action: str, name: str) -> Callable[[World], None]:
    """Mark my own checked-in appointment's ticket as the office's clerk (issue 22 §3)."""

    def take(w: World) -> None:
        from daftar.hall.models import Ticket
        from daftar.hall.services import ticket_mark

        ticket = Ticket.objects.select_related("office", "appointment").get(pk=w.ids[name])
        ticket_mark(ticket=ticket, action=action, actor=User.objects.get(pk=w.me))

    return take


def _call_my_ticket(w: World) -> None:
    from daftar.hall.services import call_next
    from daftar.offices.models import Office

    call_next(office=Office.objects.get(pk=w.ids["office"]), counter=2, actor=User.objects.get(pk=w.me))


def _ticket_url(pattern: str) -> Url:
    """The office's ticket ``number``: mine, or one the office never gave today."""
    return lambda w, missing: pattern.format(pk=w.ids["office"], number=MISSING if missing else w.ids["ticket_number"])


def _retry(w: World) -> None:
    from daftar.inquiries.models import Inquiry
    from daftar.inquiries.services import inquiry_retry

    inquiry = Inquiry.objects.select_related("application").get(application_id=w.ids["case"], kind=w.ids["kind"])
    inquiry_retry(inquiry=inquiry, actor=User.objects.get(pk=w.me))


CREDIT = {
    "course_title": "دورهٔ خدمات شهری",
    "hours": 20,
    "approving_body": "سازمان فاوا",
    "certificate_date": "1403-05-01",
}

# ================================================================================================
# THE LIST: every staff action of these apps → how it is tried on one's own object, or why it
# is not a staff action on someone's case.
# ================================================================================================
OWN_OFFICE = "the office's manager runs their own office (offices.policy); no one's case is in it"
CITIZEN = "the citizen's own booking or cancellation (appointments.policy)"
APPLICANT = "the applicant's own application in a call"
READ = "a read: it changes nothing"
WALK_IN = (
    "a walk-in ticket is given to whoever stands at the counter or the kiosk: it names no one's case (hall.policy)"
)


def _refused_as_not_found(own: Any) -> None:
    """The next ticket is my own: not mine to call, answered as a ticket that is not there."""
    assert own.status_code == 404, own.content[:300]
    assert own.json()["code"] == "not_found"


NEW_SESSION = "creates an exam session of a call: no case is in it yet"
MUNICIPALITY_OWNS = (
    "a call, a rule-set version or the pass rules belong to the municipality, not to a person: "
    "no one's own case, licence or office is acted on (calls.policy, rules.policy, assessments.policy)"
)


def _interview_slot() -> dict[str, str]:
    """A valid interview time (three days ahead, Tehran) and place."""
    day = timezone.localdate() + dt.timedelta(days=3)
    return {"starts_at": f"{day:%Y-%m-%d} 10:00", "place": "تالار شهرداری منطقهٔ ۴"}


ACTIONS: dict[tuple[str, str], Try | Move | str] = {
    # --- exams and interviews ----------------------------------------------------------------
    ("POST", "/api/v1/exam-sessions"): NEW_SESSION,
    ("POST", "/api/v1/exam-sessions/{pk}/seats"): Try(
        _at("/api/v1/exam-sessions/{pk}/seats", same=True, pk="empty_session"),
        lambda w, missing: {"application": MISSING if missing else w.ids["exam_case"]},
    ),
    ("POST", "/api/v1/exam-sessions/{pk}/scores"): Try(
        _at("/api/v1/exam-sessions/{pk}/scores", same=True, pk="session"),
        _scores,
        check=lambda w, own, missing: _unknown_row(w, own, missing, row=1),
    ),
    ("POST", "/api/v1/exam-sessions/{pk}/decide"): Try(_at("/api/v1/exam-sessions/{pk}/decide", pk="session")),
    ("POST", "/api/v1/applications/{pk}/interview/scores"): Try(
        _at("/api/v1/applications/{pk}/interview/scores", pk="interview_case"), lambda w, m: {"score": 100}
    ),
    ("POST", "/api/v1/applications/{pk}/interview/schedule"): Try(
        _at("/api/v1/applications/{pk}/interview/schedule", pk="interview_case"), lambda w, m: _interview_slot()
    ),
    ("POST", "/api/v1/applications/{pk}/interview/decide"): Try(
        _at("/api/v1/applications/{pk}/interview/decide", pk="interview_case")
    ),
    ("POST", "/api/v1/applications/{pk}/training-credits"): Try(
        _at("/api/v1/applications/{pk}/training-credits", pk="case"), lambda w, m: CREDIT
    ),
    ("PAGE", "/exams/"): NEW_SESSION,
    ("PAGE", "/exams/{pk}/"): READ,
    ("PAGE", "/exams/{pk}/seats/"): Try(
        _at("/exams/{pk}/seats/", same=True, pk="empty_session"),
        lambda w, missing: {"application": MISSING if missing else w.ids["exam_case"]},
        page=True,
        check=_same_invalid_choice,
    ),
    ("PAGE", "/exams/{pk}/seats/{seat_id}/score/"): Try(
        _at("/exams/{pk}/seats/{seat_id}/score/", pk="session", seat_id="seat"),
        lambda w, m: {"general": "100", "specialised": "100"},
        page=True,
    ),
    ("PAGE", "/exams/{pk}/import/"): Try(
        _at("/exams/{pk}/import/", same=True, pk="session"),
        _scores_file,
        page=True,
        check=lambda w, own, missing: _unknown_row(w, own, missing, row=2),  # row 1 is the header
    ),
    ("PAGE", "/exams/{pk}/decide/"): Try(_at("/exams/{pk}/decide/", pk="session"), page=True),
    ("PAGE", "/exams/interviews/{application_id}/"): Try(
        _at("/exams/interviews/{application_id}/", application_id="interview_case"),
        lambda w, m: {"score": "100"},
        page=True,
    ),
    ("PAGE", "/exams/interviews/{application_id}/schedule/"): Try(
        _at("/exams/interviews/{application_id}/schedule/", application_id="interview_case"),
        lambda w, m: _interview_slot(),
        page=True,
    ),
    ("PAGE", "/exams/interviews/{application_id}/decide/"): Try(
        _at("/exams/interviews/{application_id}/decide/", application_id="interview_case"), page=True
    ),
    # --- a case's documents and inquiries (served under the case's URLs) ----------------------
    ("POST", "/api/v1/documents/{pk}/review"): Try(
        _at("/api/v1/documents/{pk}/review", pk="document"), lambda w, m: {"decision": "accept"}
    ),
    ("PAGE", "/applications/{pk}/documents/{document_id}/review/"): Try(
        _at("/applications/{pk}/documents/{document_id}/review/", pk="case", document_id="document"),
        lambda w, m: {"decision": "accept"},
        page=True,
    ),
    # the reviewer's viewer shows a document and its file; the review itself posts to .../review/
    ("PAGE", "/applications/{pk}/documents/{document_id}/"): READ,
    ("PAGE", "/applications/{pk}/documents/{document_id}/file/"): READ,
    ("POST", "/api/v1/applications/{pk}/documents"): "the applicant uploads their own case's documents",
    ("PAGE", "/applications/{pk}/documents/"): "the applicant uploads their own case's documents",
    ("POST", "/api/v1/applications/{pk}/inquiries/{kind}/retry"): Try(
        _at("/api/v1/applications/{pk}/inquiries/{kind}/retry", pk="case", kind="kind")
    ),
    ("PAGE", "/applications/{pk}/inquiries/{kind}/retry/"): Try(
        _at("/applications/{pk}/inquiries/{kind}/retry/", pk="case", kind="kind"), page=True
    ),
    ("MOVE", "inquiry.retry"): Move(_retry),
    # --- offices -------------------------------------------------------------------------------
    ("PUT", "/api/v1/offices/{pk}/hours"): OWN_OFFICE,
    ("POST", "/api/v1/offices/{pk}/staff"): OWN_OFFICE,
    ("PATCH", "/api/v1/offices/{pk}/staff/{staff_id}"): OWN_OFFICE,
    ("DELETE", "/api/v1/offices/{pk}/staff/{staff_id}"): OWN_OFFICE,
    ("POST", "/api/v1/offices/{pk}/closures"): OWN_OFFICE,
    ("DELETE", "/api/v1/offices/{pk}/closures/{closure_id}"): OWN_OFFICE,
    ("PAGE", "/offices/{pk}/manage/"): OWN_OFFICE,
    ("PAGE", "/offices/"): READ,
    ("PAGE", "/offices/mine/"): READ,
    ("PAGE", "/offices/{pk}/"): READ,
    ("PAGE", "/offices/{pk}/staff/"): READ,  # the staff register (issue 22 §5)
    # --- the office scorecard (issue 22 §2) ----------------------------------------------------
    ("PAGE", "/offices/{pk}/scorecard/"): READ,
    ("PAGE", "/desk/scorecards/"): READ,
    ("PAGE", "/desk/scorecards/compute/"): (
        "computes every office of the municipality by the same rule; the lowest band's consequence "
        "for the actor's own office is left to the system's daily run (scorecard.services."
        "consequences_apply, test_a_supervisor_never_triggers_the_consequence_for_their_own_office)"
    ),
    # --- the hall queue (issue 22 §3): my own appointment checked in is not mine to call or mark
    ("POST", "/api/v1/offices/{pk}/tickets"): WALK_IN,
    ("POST", "/api/v1/offices/{pk}/queue/call"): Try(
        _at("/api/v1/offices/{pk}/queue/call", same=True, pk="office"),
        lambda w, m: {"counter": 2},
        check=lambda w, own, missing: _refused_as_not_found(own),
    ),
    ("POST", "/api/v1/offices/{pk}/tickets/{number}/transitions"): Try(
        _ticket_url("/api/v1/offices/{pk}/tickets/{number}/transitions"), lambda w, m: {"action": "cancel"}
    ),
    ("PAGE", "/offices/{pk}/hall/"): Try(
        _at("/offices/{pk}/hall/", same=True, pk="office"),
        lambda w, m: {"do": "cancel", "number": str(MISSING if m else w.ids["ticket_number"])},
        page=True,
    ),
    ("PAGE", "/offices/{pk}/hall/report/"): READ,
    ("PAGE", "/offices/{pk}/hall/display/"): READ,
    ("PAGE", "/offices/{pk}/kiosk/{key}/"): WALK_IN,
    ("PAGE", "/q/{token}/"): READ,
    ("MOVE", "ticket.call"): Move(_call_my_ticket),
    ("MOVE", "ticket.done"): Move(_ticket("done", "ticket_called")),
    ("MOVE", "ticket.no_show"): Move(_ticket("no_show", "ticket_called")),
    ("MOVE", "ticket.cancel"): Move(_ticket("cancel", "ticket_waiting")),
    # --- appointments ----------------------------------------------------------------------------
    ("POST", "/api/v1/appointments"): CITIZEN,
    ("DELETE", "/api/v1/appointments/{code}"): CITIZEN,
    ("POST", "/api/v1/appointments/{code}/status"): Try(
        _at("/api/v1/appointments/{code}/status", code="appointment"), lambda w, m: {"status": "done"}
    ),
    ("PAGE", "/appointments/{code}/status/"): Try(
        _at("/appointments/{code}/status/", code="appointment"), lambda w, m: {"status": "done"}, page=True
    ),
    ("MOVE", "appointment.done"): Move(_mark("done")),
    ("MOVE", "appointment.no_show"): Move(_mark("no_show")),
    ("PAGE", "/offices/{pk}/book/"): READ,
    ("PAGE", "/offices/{pk}/book/confirm/"): CITIZEN,
    ("PAGE", "/offices/{pk}/appointments/"): READ,
    ("PAGE", "/appointments/"): READ,
    ("PAGE", "/appointments/{code}/"): READ,
    ("PAGE", "/appointments/{code}/cancel/"): CITIZEN,
    # --- calls -------------------------------------------------------------------------------------
    ("PAGE", "/calls/"): READ,
    ("PAGE", "/calls/{pk}/"): APPLICANT,
    ("PAGE", "/calls/{pk}/ranking/"): READ,
    # --- the municipality administrator's pages (desk) ----------------------------------------
    ("PAGE", "/desk/municipality/calls/"): READ,
    ("PAGE", "/desk/municipality/calls/new/"): MUNICIPALITY_OWNS,
    ("PAGE", "/desk/municipality/calls/{pk}/edit/"): MUNICIPALITY_OWNS,
    ("PAGE", "/desk/municipality/calls/{pk}/close/"): MUNICIPALITY_OWNS,
    ("PAGE", "/desk/municipality/calls/{pk}/cancel/"): MUNICIPALITY_OWNS,
    ("PAGE", "/desk/municipality/rules/"): READ,
    ("PAGE", "/desk/municipality/rules/new/"): MUNICIPALITY_OWNS,
    ("PAGE", "/desk/municipality/rules/{pk}/"): MUNICIPALITY_OWNS,
    ("PAGE", "/desk/municipality/rules/{pk}/preview/"): READ,
    ("PAGE", "/desk/municipality/rules/{pk}/publish/"): MUNICIPALITY_OWNS,
    ("PAGE", "/desk/municipality/assessment/"): MUNICIPALITY_OWNS,
}


# --- what must have a row ---------------------------------------------------------------------


def _route(pattern: Any) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))


def _patterns() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + _route(p.pattern))
            elif isinstance(p, URLPattern):
                yield "/" + prefix + _route(p.pattern), p

    yield from walk(get_resolver().url_patterns, "")


def _ours(module: str, path: str) -> bool:
    if module.startswith(APPS):
        return True
    return module.startswith("daftar.applications.") and bool(CASE_PATHS_OF_THESE_APPS.search(path))


def staff_actions() -> set[tuple[str, str]]:
    """Every write endpoint of the API and every page served by these apps (a page's methods
    are not declared, so each page needs a row), and every staff move of their lifecycles."""
    found: set[tuple[str, str]] = set()
    for path, p in _patterns():
        view = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
        module = (view or p.callback).__module__
        if not _ours(module, path):
            continue
        if view is None:
            found.add(("PAGE", path))
            continue
        for method in ("post", "put", "patch", "delete"):
            if hasattr(view, method):
                found.add((method.upper(), path))
    for model in apps.get_models():
        lifecycle: Lifecycle | None = getattr(model, "LIFECYCLE", None)
        if lifecycle is None or not model.__module__.startswith(APPS):
            continue
        for m in lifecycle.moves.values():
            if not m.roles & OWNERS:
                found.add(("MOVE", f"{lifecycle.name}.{m.action}"))
    return found


def test_every_staff_action_has_a_row() -> None:
    served, declared = staff_actions(), set(ACTIONS)
    missing, stale = sorted(served - declared), sorted(declared - served)
    assert not missing, "staff actions without a row in ACTIONS: " + ", ".join(f"{m} {p}" for m, p in missing)
    assert not stale, "ACTIONS rows for actions that no longer exist: " + ", ".join(f"{m} {p}" for m, p in stale)
    assert sum(isinstance(v, Try | Move) for v in ACTIONS.values()) >= 15


TRIES = sorted(k for k, v in ACTIONS.items() if isinstance(v, Try | Move))


@pytest.mark.parametrize(("method", "action"), TRIES, ids=[f"{m} {a}" for m, a in TRIES])
def test_a_staff_action_on_ones_own_object_is_not_found_and_changes_nothing(
    world: World, method: str, action: str
) -> None:
    row = ACTIONS[(method, action)]
    before = fingerprint()
    if isinstance(row, Move):
        with pytest.raises(ApplicationError) as refused:
            row.take(world)
        assert refused.value.status_code == 404 and refused.value.code == "not_found", refused.value.message
    else:
        assert isinstance(row, Try)
        verb = "POST" if method == "PAGE" else method
        own = row.send(world, verb, missing=False)
        missing = row.send(world, verb, missing=True)
        where = f"{verb} {row.url(world, False)}: {own.status_code} {own.content[:300]!r}"
        if row.check is not None:
            row.check(world, own, missing)
        elif row.page:
            assert own.status_code == missing.status_code == 404, where
        else:
            assert own.status_code == 404, where
            assert own.json() == missing.json(), f"{where}; a nonexistent one answers {missing.content[:300]!r}"
    assert fingerprint() == before
