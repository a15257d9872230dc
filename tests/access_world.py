"""The "world" of the access matrix (``test_access_matrix.py``): one real object for every
path parameter of the API, the demo staff of Tehran (one user per role), the same roles in
another municipality, an unrelated applicant and anonymous.

Everything is built with the services or the ORM (no on-commit work runs here: the world lives
inside one transaction that is rolled back at the end of the module).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import client_for, open_call, png_bytes, submitted_case
from daftar.applications.workflow import Status
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.assessments.models import ExamSeat, ExamSession
from daftar.assessments.tests.factories import ExamSeatFactory, ExamSessionFactory
from daftar.complaints.services import complaint_file
from daftar.documents.models import Document
from daftar.inquiries.models import Inquiry, InquiryStatus, Kind
from daftar.inquiries.tests.factories import InquiryFactory
from daftar.inspections.models import Inspection, InspectionPhoto, SupervisionVisit
from daftar.inspections.services import inspection_schedule, photo_add, visit_schedule
from daftar.ledger.tests.factories import CostEntryFactory
from daftar.licences.models import Licence
from daftar.licences.tests.factories import LicenceFactory
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.tests.factories import OfficeClosureFactory, OfficeFactory, OfficeStaffFactory
from daftar.portal.models import PortalMessage
from daftar.supervision.models import Notice, OfficeReport
from daftar.supervision.services import notice_issue, period_of, report_submit, violation_record

# Demo staff of Tehran, one per role (daftar/demo/data.py).
DEMO_STAFF = {
    Role.REVIEWER.value: "09120000002",
    Role.EXAMINER.value: "09120000003",
    Role.INSPECTOR.value: "09120000004",
    Role.LICENSING_AUTHORITY.value: "09120000005",
    Role.SUPERVISOR.value: "09120000006",
    Role.MUNICIPALITY_ADMIN.value: "09120000007",
    Role.OFFICE_MANAGER.value: "09120000008",
    Role.OFFICE_CLERK.value: "09120000009",
}
# Every role a staff member can hold (all of Role but the implicit applicant).
STAFF_ROLE_NAMES = [r.value for r in Role if r != Role.APPLICANT]
FOREIGN = "foreign_"
ACTORS = ["anon", "owner", "other_applicant", *STAFF_ROLE_NAMES, *(FOREIGN + r for r in STAFF_ROLE_NAMES)]

MISSING_ID = 999_999_999
MISSING_NUMBER = "TEH-1404-999999"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"
REPORT = "در این نیم‌سال دفتر همهٔ خدمات را در ساعات مصوب ارائه کرد."


@dataclass
class World:
    """Ids of the objects behind every path parameter, who owns each, and the actors."""

    ids: dict[str, Any] = field(default_factory=dict)  # object name → id / number / code
    owners: dict[str, int] = field(default_factory=dict)  # object name → user id of its owner
    users: dict[str, int] = field(default_factory=dict)  # actor name → user id (not anon/owner)
    extra: dict[str, Any] = field(default_factory=dict)  # values bodies and queries need


def _tracking(n: int) -> str:
    return f"ACC{n:09d}"


def _case(call: Any, status: str, n: int, applicant: User | None = None, **extra: Any) -> Application:
    return ApplicationFactory.create(
        call=call,
        applicant=applicant or UserFactory.create(),
        district=extra.pop("district", None) or call.districts.first().district,
        status=status,
        submitted_at=timezone.now(),
        tracking_code=_tracking(n),
        **extra,
    )


def _licence(call: Any, holder: User) -> Licence:
    """An issued, signed, active licence of its own case (``LicenceFactory``)."""
    district = call.districts.order_by("district__number").first().district
    number = "TEH-1404-777001"
    application = _case(call, Status.LICENCE_ISSUED, 90, applicant=holder, district=district, licence_number=number)
    return LicenceFactory.create(number=number, application=application, holder=holder, district=district)


def build_world() -> World:
    from daftar.demo.services import demo_load

    demo_load()
    w = World()
    staff = {role: User.objects.get(mobile=mobile) for role, mobile in DEMO_STAFF.items()}
    for role, user in staff.items():
        w.users[role] = user.pk
    elsewhere = MunicipalityFactory(slug="access-matrix-elsewhere")
    for role in STAFF_ROLE_NAMES:
        w.users[FOREIGN + role] = RoleAssignmentFactory(municipality=elsewhere, role=role).user.pk
    call = open_call()
    w.ids["call"] = call.pk
    w.ids["rule_set"] = call.rule_set_id  # published: the administrator's pages read, never change it
    w.ids["licence_type"] = call.licence_type.code
    w.ids["municipality"] = call.municipality.slug  # the public figures page (issue 21 §5)
    w.extra["district"] = call.districts.first().district_id
    w.ids["sms_text"] = "application_submitted"  # a declared SMS text (issue 21 §4)
    w.extra["municipality_pk"] = call.municipality_id

    # the main case: submitted through the API, with its documents and an unanswered inquiry
    owner = User.objects.get(mobile="09120000001")
    case = submitted_case(client_for(owner))
    w.ids["case"] = case["id"]
    w.owners["case"] = w.owners["call"] = owner.pk
    document = Document.objects.filter(application_id=case["id"], is_current=True).order_by("pk").first()
    assert document is not None
    w.ids["document"] = document.pk
    w.owners["document"] = owner.pk
    Inquiry.objects.filter(application_id=case["id"]).delete()
    InquiryFactory(
        application=Application.objects.get(pk=case["id"]), kind=Kind.CRIMINAL_RECORD, status=InquiryStatus.ERROR
    )
    w.ids["kind"] = Kind.CRIMINAL_RECORD.value

    # another applicant, with a case of their own in the same call
    other = UserFactory.create()
    w.users["other_applicant"] = other.pk
    w.ids["other_case"] = _case(call, Status.SUBMITTED, 1, applicant=other).pk

    # the exam stage: a session with one seated case, and a case waiting for a seat
    seated = _case(call, Status.EXAM, 2)
    w.extra["seat_candidate"] = _case(call, Status.EXAM, 3).pk
    w.extra["seated_tracking_code"] = seated.tracking_code
    session = ExamSessionFactory(call=call, title="آزمون کتبی ماتریس دسترسی")
    seat = ExamSeatFactory(session=session, application=seated)
    w.ids["exam_session"] = session.pk
    w.ids["seat"] = seat.pk
    w.owners["exam_session"] = seated.applicant_id

    # the interview stage
    interview = _case(call, Status.INTERVIEW, 4)
    w.ids["interview_case"] = interview.pk
    w.owners["interview_case"] = interview.applicant_id

    # the site inspection: scheduled, with one photo
    at_inspection = _case(call, Status.SITE_INSPECTION, 5)
    inspector = staff[Role.INSPECTOR.value]
    inspection = inspection_schedule(at_inspection, inspector, timezone.now() + dt.timedelta(days=1))
    photo = photo_add(inspection, SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"), actor=inspector)
    w.ids["inspection_case"] = at_inspection.pk
    w.ids["inspection"] = inspection.pk
    w.ids["photo"] = photo.pk
    for name in ("inspection_case", "inspection", "photo"):
        w.owners[name] = at_inspection.applicant_id

    # an issued licence, with an open violation and notice and a scheduled supervision visit
    holder = UserFactory.create()
    licence = _licence(call, holder)
    supervisor = staff[Role.SUPERVISOR.value]
    evidence = SimpleUploadedFile("shahed.png", png_bytes(), content_type="image/png")
    violation = violation_record(
        licence, type_code="outside_hours", description=REASON, actor=supervisor, files=[evidence]
    )
    notice = notice_issue(licence, actor=supervisor)
    visit = visit_schedule(licence, inspector, timezone.now() + dt.timedelta(days=2))
    report = report_submit(licence, period=period_of(timezone.localdate()), content=REPORT, actor=holder)
    w.ids["licence"] = licence.number
    w.ids["notice"] = notice.pk
    w.ids["visit"] = visit.pk
    w.ids["violation"] = violation.pk
    w.ids["violation_file"] = violation.files.get().pk
    w.ids["report"] = report.pk
    # the licence's registration on the national portal, still waiting (issue 21)
    w.ids["portal_message"] = PortalMessage.objects.create(
        kind="register_licence", municipality=licence.municipality, licence=licence, payload={"number": licence.number}
    ).pk
    for name in ("licence", "notice", "visit", "violation", "violation_file", "report", "portal_message"):
        w.owners[name] = holder.pk

    _office(w, licence, staff[Role.OFFICE_CLERK.value])
    _revision(w, staff[Role.MUNICIPALITY_ADMIN.value])
    _calendar(w, staff[Role.MUNICIPALITY_ADMIN.value])
    _scorecard(w)
    return w


def _scorecard(w: World) -> None:
    """Tehran's offices, the world's among them, computed for the last ended period (issue 22
    §2; the world's office recorded no service then: a scorecard without a rank). No
    consequence is taken, so no SMS is queued."""
    from daftar.municipalities.models import Municipality
    from daftar.scorecard.services import scorecards_compute

    scorecards_compute(municipality=Municipality.objects.get(slug="tehran"), actor=None, consequences=False)


def _feedback(w: World, office: Any, service: Any) -> None:
    """Two citizens asked after a service at the world's office (issue 22 §1): one link still
    unused (the public rating page), one rated with a comment held for the supervisor."""
    from daftar.feedback.services import feedback_rate, feedback_request_create, link_token

    now = timezone.now()
    asked = [
        feedback_request_create(
            office=office, service=service, source="service", source_id=n, mobile=mobile, recipient=None, moment=now
        )
        for n, mobile in ((1, "09359990001"), (2, "09359990002"))
    ]
    unused, held = asked
    assert unused is not None and held is not None
    feedback_rate(token=link_token(held), rating=1, comment="کارمند دفتر الاغ بود")
    w.ids["feedback_link"] = link_token(unused)
    w.extra["feedback_link_pk"] = unused.pk
    w.ids["feedback"] = held.pk
    w.owners["feedback"] = office.licence.holder_id


def _hall(w: World, office: Any, service: Any) -> None:
    """A walk-in waiting in the office's hall queue today (issue 22 §3), written as the queue
    writes it (the office may be closed while the matrix runs, so not through ``ticket_issue``),
    and the link of the hall's kiosk."""
    from daftar.hall.models import Ticket
    from daftar.hall.services import kiosk_key_new

    ticket = Ticket.objects.create(
        office=office, service=service, day=timezone.localdate(), number=1, token="matrix-ticket-0001"
    )
    w.ids.update(ticket_number=ticket.number, ticket_token=ticket.token, ticket=ticket.pk)
    w.ids["kiosk_key"] = kiosk_key_new(office=office, actor=None)
    w.owners["ticket"] = office.licence.holder_id


def _calendar(w: World, admin: User) -> None:
    """Tehran's calendar rows and a staff role its administrator may withdraw (the pages'
    matrix withdraws them; all lie weeks ahead, so each may still be withdrawn)."""
    from daftar.municipalities.models import DayOff, HolidayCorrection
    from daftar.offices.models import ExtendedDay

    tehran = admin.roles.get(role=Role.MUNICIPALITY_ADMIN).municipality
    today = timezone.localdate()
    day_off = DayOff.objects.create(municipality=tehran, date=today + dt.timedelta(days=30), title="تعطیلی ماتریس")
    extended = ExtendedDay.objects.create(
        municipality=tehran, date=today + dt.timedelta(days=45), start=dt.time(8), end=dt.time(20), title="تمدید ماتریس"
    )
    correction = HolidayCorrection.objects.create(
        municipality=tehran, holiday_date=today + dt.timedelta(days=60), title="مناسبت ماتریس", kind="confirmed"
    )
    role = RoleAssignmentFactory(municipality=tehran, role=Role.REVIEWER.value)
    w.ids.update(day_off=day_off.pk, extended_day=extended.pk, holiday_correction=correction.pk, role=role.pk)


def _revision(w: World, admin: User) -> None:
    """A tariff revision of Tehran, scheduled 60 days ahead by its municipality administrator
    (the pages' matrix cancels it; no tariff in force today changes)."""
    from daftar.catalogue.revisions import revision_schedule
    from daftar.kernel.jalali import jalali_iso

    revision = revision_schedule(
        municipality=admin.roles.get(role=Role.MUNICIPALITY_ADMIN).municipality,
        percent="10",
        rounding_step=10_000,
        effective_from=jalali_iso(timezone.localdate() + dt.timedelta(days=60)),
        actor=admin,
    )
    w.ids["revision"] = revision.pk


def _office(w: World, licence: Licence, clerk: User) -> None:
    """The licence's office: the holder manages it, the demo clerk works there (and the demo
    manager runs another, demo office: a manager of office A is a stranger at office B)."""
    from daftar.catalogue.models import Service
    from daftar.catalogue.tariffs import tariff_in_force
    from daftar.kernel.jalali import jalali_year_month
    from daftar.offices.models import StaffRole

    office = OfficeFactory(
        municipality=licence.municipality,
        district=licence.district,
        licence=licence,
        name="دفتر خدمات ماتریس دسترسی",
        weekdays=range(5),  # Saturday … Wednesday, 8:00–14:00
        services=["property_inquiry"],
    )
    OfficeStaffFactory(office=office, user=licence.holder, role=StaffRole.MANAGER)
    clerk_row = OfficeStaffFactory(office=office, user=clerk, role=StaffRole.CLERK)
    service = Service.objects.get(code="property_inquiry")
    today = timezone.localdate()
    year, month = jalali_year_month(today)
    cost = CostEntryFactory(office=office, jyear=year, jmonth=month, category="rent", amount=50_000_000)
    closure = OfficeClosureFactory(office=office, date=today + dt.timedelta(days=20), reason="تعمیرات")
    # an appointment of the main case's applicant, three days ahead at 10:00
    day = today + dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=TEHRAN)
    appointment = AppointmentFactory(
        office=office, service=service, citizen=User.objects.get(pk=w.owners["case"]), start=start, code="ACCM-2345"
    )
    tariff = tariff_in_force(office.municipality_id, service.pk, today)
    assert tariff is not None, "the demo's Tehran tariffs are missing"
    w.ids.update(office=office.pk, cost=cost.pk, closure=closure.pk, staff=clerk_row.pk, appointment=appointment.code)
    # a complaint of the main case's applicant about this office (issue 21 §3)
    complaint = complaint_file(
        User.objects.get(pk=w.owners["case"]),
        office=office.pk,
        ground="conduct",
        text="کارمند دفتر با من تند رفتار کرد.",
    )
    w.ids["complaint"] = complaint.tracking_code
    w.owners["complaint"] = w.owners["case"]
    _feedback(w, office, service)
    _hall(w, office, service)
    for name in ("office", "cost", "closure", "staff"):
        w.owners[name] = licence.holder_id
    w.owners["appointment"] = w.owners["case"]
    w.extra.update(
        tariff_amount=tariff.amount,
        today=today.isoformat(),
        slot_day=day.isoformat(),
        future_day=(today + dt.timedelta(days=40)).isoformat(),
        jalali_month=f"{year}/{month:02d}",
    )


# --- what a refused write must leave untouched ----------------------------------------------

DAFTAR_APPS = {
    "accounts",
    "applications",
    "assessments",
    "audit",
    "calls",
    "documents",
    "inquiries",
    "inspections",
    "licences",
    "municipalities",
    "notifications",
    "portal",
    "rules",
    "supervision",
    "catalogue",
    "offices",
    "appointments",
    "ledger",
    "complaints",
    "feedback",
    "scorecard",
    "hall",
}
# the rows of the world's objects, compared field by field
WATCHED: list[tuple[type[Model] | str, str]] = [
    (Application, "case"),
    (Application, "other_case"),
    (Application, "interview_case"),
    (Application, "inspection_case"),
    (Document, "document"),
    (ExamSession, "exam_session"),
    (Inspection, "inspection"),
    (InspectionPhoto, "photo"),
    (Licence, "licence"),
    (Notice, "notice"),
    (PortalMessage, "portal_message"),
    (SupervisionVisit, "visit"),
    (OfficeReport, "report"),
    ("offices.Office", "office"),
    ("offices.OfficeStaff", "staff"),
    ("offices.OfficeClosure", "closure"),
    ("ledger.CostEntry", "cost"),
    ("appointments.Appointment", "appointment"),
    ("assessments.ExamSeat", "seat"),
    ("catalogue.TariffRevision", "revision"),
    ("feedback.FeedbackRequest", "feedback"),
    ("hall.Ticket", "ticket"),
]


def _row_counts() -> dict[str, int]:
    """Every project table's row count, in one query (the matrices take thousands of these)."""
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in DAFTAR_APPS]
    quote = connection.ops.quote_name
    # table names from the models, quoted: nothing from outside goes into this SQL
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        counts = cursor.fetchone()
    return {m._meta.label: int(n) for m, n in zip(models, counts, strict=True)}


# the SQL of each watched look-up, compiled once (the ORM's compiling is most of its cost)
_COMPILED: dict[tuple[str, str, Any], tuple[str, Any]] = {}


def _compiled(model: type[Model], field: str, value: Any) -> tuple[str, Any]:
    """The SQL of ``model.objects.filter(field=value).values()`` in the primary key's order."""
    key = (model._meta.label, field, value)
    if key not in _COMPILED:
        query = model._default_manager.filter(**{field: value}).order_by("pk").values().query
        _COMPILED[key] = query.sql_with_params()
    return _COMPILED[key]


def _rows(model: type[Model], field: str, value: Any) -> list[dict[str, Any]]:
    """``model.objects.filter(field=value).values()`` in the primary key's order."""
    sql, params = _compiled(model, field, value)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _watched(w: World) -> dict[str, tuple[type[Model], str, Any]]:
    """What each watched entry reads: the model, the field and the value it is looked up by."""
    out: dict[str, tuple[type[Model], str, Any]] = {}
    for entry, name in WATCHED:
        model = apps.get_model(entry) if isinstance(entry, str) else entry
        key = {"licence": "number", "appointment": "code"}.get(name, "pk")
        out[f"{model._meta.label}:{name}"] = (model, key, w.ids[name])
    out["inquiries"] = (Inquiry, "application_id", w.ids["case"])
    out["seats"] = (ExamSeat, "session_id", w.ids["exam_session"])
    out["feedback link"] = (apps.get_model("feedback.FeedbackRequest"), "pk", w.extra["feedback_link_pk"])
    return out


def _watched_rows(w: World) -> dict[str, Any]:
    """Every watched entry's rows. On PostgreSQL in one statement (each look-up's rows as JSON:
    the matrices take thousands of fingerprints, and ~30 round trips were most of each); the
    rows compare the same way, field by field, before and after."""
    watched = _watched(w)
    if connection.vendor != "postgresql":
        return {name: _rows(*look_up) for name, look_up in watched.items()}
    parts, params = [], []
    quote = connection.ops.quote_name
    for model, field_name, value in watched.values():
        sql, args = _compiled(model, field_name, value)
        order = quote(model._meta.pk.column)  # json_agg keeps a subquery's order only in practice
        parts.append(f"(SELECT COALESCE(json_agg(t ORDER BY t.{order}), '[]'::json) FROM ({sql}) t)")  # noqa: S608 - the ORM's own SQL
        params.extend(args)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        values = cursor.fetchone()
    return dict(zip(watched, values, strict=True))


def fingerprint(w: World) -> dict[str, Any]:
    """Row counts of every table of the project (audit and SMS outbox included), the full rows
    of the world's objects and the files under MEDIA_ROOT."""
    out: dict[str, Any] = _row_counts()
    out.update(_watched_rows(w))
    out["stored files"] = sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    return out


# --- shared by the modules that use the world (the API and page matrices, the schema checks) ---


@contextmanager
def world_rolled_back(tmp_path_factory: Any, name: str, **settings_: Any) -> Iterator[World]:
    """The world, built inside one transaction that is rolled back when the module is done,
    with the settings every such module needs (``settings_`` adds more); call it from a
    module-scoped fixture inside ``django_db_blocker.unblock()``."""
    base = tmp_path_factory.getbasetemp()
    with override_settings(
        SMS_BACKEND="locmem",
        LICENCE_SIGNING_KEY_FILE=str(base / "keys" / "licence-ed25519.pem"),
        MEDIA_ROOT=str(tmp_path_factory.mktemp(name)),
        **settings_,
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            # PostgreSQL defers the foreign-key checks of the world's rows to the commit that
            # never comes; each test's teardown (Django's TestCase) asks for them at once inside
            # its own savepoint, which then rolls them back, so every test paid for the whole
            # world's checks again (~40 ms a test). Checked once here, they are done.
            connection.check_constraints()
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def route(pattern: Any) -> str:
    """A URL pattern's text with its parameters as ``{name}``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every (``/path/{param}``, pattern) the URL configuration serves."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + route(p.pattern))
            elif isinstance(p, URLPattern):
                yield "/" + prefix + route(p.pattern), p

    yield from walk(get_resolver().url_patterns, "")


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The names whose value differs between two ``fingerprint``s."""
    return sorted(k for k in before | after if before.get(k) != after.get(k))
