"""Nobody acts on their own licence, office, notice or case (issue 16), generated from the staff
actions the policies list: ``STAFF_ACTIONS`` of ``daftar.licences.policy``,
``daftar.supervision.policy`` and ``daftar.inspections.policy``.

Every staff action is tried, through each endpoint and page that takes it, by each kind of owner
of its object — the licence's holder and a clerk of its office, or the case's applicant — who
has been given the action's role in the same municipality: the answer is the not-found one,
identical (status and body) to the same request for a nonexistent id, and no row moves. The
same request by the municipality's own staff member who owns nothing is not refused so.

A staff action added to a policy without an ``ATTEMPTS`` row fails
``test_every_staff_action_is_tried``; an endpoint or page of these apps that writes and is
neither tried nor listed in ``NOT_STAFF`` fails ``test_every_writing_route_is_tried``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import client_for, png_bytes
from daftar.audit.models import AuditEntry
from daftar.inquiries.models import Inquiry
from daftar.inspections import policy as inspection_policy
from daftar.inspections.models import Inspection, InspectionPhoto, SupervisionVisit
from daftar.inspections.services import inspection_schedule, visit_schedule
from daftar.licences import policy as licence_policy
from daftar.licences.models import Licence, LicenceEvent, LicenceStatus
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import OfficeStaff, StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory
from daftar.supervision import policy as supervision_policy
from daftar.supervision.models import Decision, Notice, OfficeReport, Violation
from daftar.supervision.services import notice_issue, period_of, report_submit, violation_record
from tests.access_world import url_patterns

from .helpers import MEASURED

pytestmark = pytest.mark.django_db

# every staff action of the three domains: name → the roles that take it
REGISTRY: dict[str, frozenset[str]] = {
    **licence_policy.STAFF_ACTIONS,
    **supervision_policy.STAFF_ACTIONS,
    **inspection_policy.STAFF_ACTIONS,
}
# (and the desk's pages of the licensing authority and the supervisor, which take the licence's
# moves and the supervision staff actions too)
APPS = (
    "daftar.licences.",
    "daftar.supervision.",
    "daftar.inspections.",
    "daftar.desk.authority.",
    "daftar.desk.supervisor.",
)
# the municipality's staff who own nothing in the world (the demo data's), by role
STAFF = {"inspector": "09120000004", "licensing_authority": "09120000005", "supervisor": "09120000006"}
MISSING = {"number": "TEH-1404-999999", "pk": "999999999"}
PINNED_CSRF = "ownactionsownactionsownactionsow"  # 32 allowed characters: secret and mask alike
REASON = "بررسی رفتار دفتر پس از گزارش ناظر شهرداری"
REPORT = "در این نیم‌سال دفتر همهٔ خدمات را در ساعات مصوب ارائه کرد."
OFFICE_OWNERS = ("holder", "clerk")  # of a licence, its office, its violations and notices
CASE_OWNERS = ("applicant",)
OBSERVED = {
    "equipment": ["computers", "high_speed_internet", "signboard", "client_facilities"],
    "hours_posted": "true",
    "tariff_posted": "false",
    "premises_use": "commercial",
}
PAGE_MEASURED = {
    "premises_use": MEASURED["premises_use"],
    "measured_area_m2": MEASURED["measured_area_m2"],
    "equipment": MEASURED["equipment"],
    "lat": MEASURED["location"]["lat"],  # type: ignore[index]
    "lng": MEASURED["location"]["lng"],  # type: ignore[index]
}
# writing routes of these apps that are not staff actions (the holder's own acts)
NOT_STAFF = {
    ("POST", "/api/v1/licences/{number}/reports"): "the holder's six-monthly report",
    ("POST", "/api/v1/notices/{pk}/response"): "the holder's response (the notice's move respond)",
    ("POST", "/supervision/notices/{pk}/"): "the holder's response on the web (the notice's move respond)",
    ("POST", "/supervision/licences/{number}/report/"): "the holder's six-monthly report on the web",
}
# pages of these apps that only read (their views write nothing, whatever the method)
READ_ONLY_PAGES = {
    "/licences/verify/",
    "/licences/verify/{number}/",
    "/licences/verify/{number}",
    "/licences/registry/",
    "/licences/public-key.pem",
    "/inspections/",
    "/inspections/{pk}/photos/{photo_id}/",
    "/supervision/",
    "/desk/authority/",
    "/desk/authority/decisions/",
    "/desk/authority/licences/",
    "/desk/authority/licences/export/",
    "/desk/authority/licences/{number}/",
    "/desk/authority/notices/",
    "/desk/supervision/violations/",
    "/desk/supervision/violations/{pk}/",
    "/desk/supervision/violations/{pk}/files/{file_id}/",
    "/desk/supervision/notices/",
    "/desk/supervision/notices/{pk}/",
    "/desk/supervision/reports/",
    "/desk/supervision/visits/",
    "/desk/supervision/visits/new/",
    "/desk/supervision/offices/",
    "/desk/supervision/offices/{pk}/",
}


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def later(hours: int = 24) -> str:
    return (timezone.localtime() + dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


# --- the world: one of everything a staff action is taken on ----------------------------------


@dataclass
class World:
    ids: dict[str, Any] = field(default_factory=dict)  # object name → the value of its path parameter
    owners: dict[str, int] = field(default_factory=dict)  # "holder", "clerk", "applicant" → user id


def _office(licence: Licence, holder: User, clerk: User) -> None:
    office = OfficeFactory(
        municipality=licence.municipality, district=licence.district, licence=licence, name=f"دفتر {licence.number}"
    )
    OfficeStaffFactory(office=office, user=holder, role=StaffRole.MANAGER)
    OfficeStaffFactory(office=office, user=clerk, role=StaffRole.CLERK)


def _case(applicant: User) -> Application:
    return ApplicationFactory.create(applicant=applicant, at_inspection=True, tracking_code="OWN000000001")


@pytest.fixture
def world(make_licence: Any, settings: Any, tmp_path: Any) -> Iterator[World]:
    settings.MEDIA_ROOT = str(tmp_path)
    holder, clerk, applicant = UserFactory.create(), UserFactory.create(), UserFactory.create()
    inspector = User.objects.get(mobile=STAFF["inspector"])
    supervisor = User.objects.get(mobile=STAFF["supervisor"])
    # an active licence in its renewal window, with its office
    licence = make_licence(holder=holder, valid_until=days(20))
    _office(licence, holder, clerk)
    violation_record(licence, type_code="outside_hours", description=REASON, actor=supervisor)
    notice = notice_issue(licence, actor=supervisor)
    # the office's time to respond is up: the notice may be decided now
    Notice.objects.filter(pk=notice.pk).update(response_due=timezone.now() - dt.timedelta(minutes=1))
    visit = visit_schedule(licence, inspector, timezone.now() + dt.timedelta(days=2))
    report = report_submit(licence, period=period_of(timezone.localdate()), content=REPORT, actor=holder)
    # a case at its site inspection, the visit scheduled
    case = _case(applicant)
    inspection = inspection_schedule(case, inspector, timezone.now() + dt.timedelta(days=1))
    # two renders of the same page are byte-identical only with the CSRF token's random parts pinned
    with mock.patch("django.middleware.csrf._get_new_csrf_string", return_value=PINNED_CSRF):
        yield World(
            ids={
                "licence": licence.number,
                "notice": notice.pk,
                "visit": visit.pk,
                "report": report.pk,
                "case": case.pk,
                "inspection": inspection.pk,
            },
            owners={"holder": holder.pk, "clerk": clerk.pk, "applicant": applicant.pk},
        )


def fingerprint() -> dict[str, Any]:
    """The rows every attempt could touch, and the counts of what any action writes."""
    out: dict[str, Any] = {
        m._meta.label: list(m.objects.order_by("pk").values())
        for m in (Licence, Violation, Notice, Decision, Inspection, InspectionPhoto, SupervisionVisit, OfficeReport)
    }
    out["cases"] = list(Application.objects.order_by("pk").values("pk", "status", "assessment"))
    for model in (LicenceEvent, AuditEntry, OutboxMessage, Inquiry, OfficeStaff):
        out[model._meta.label] = model.objects.count()
    return out


# --- the attempts: how each staff action is taken ------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One way to take a staff action: ``route`` (method and pattern), the world object behind
    its path parameter, the body, and who owns that object."""

    route: tuple[str, str]
    obj: str
    owners: tuple[str, ...]
    body: Callable[[], dict[str, Any]] = dict
    multipart: bool = False
    # a body naming the object itself (a page whose address holds none): the world's, or a missing one
    body_for: Callable[[World, bool], dict[str, Any]] | None = None
    prepare: Callable[[World], None] | None = None  # puts the object in the state the action starts from

    @property
    def page(self) -> bool:
        return not self.route[1].startswith("/api/")

    def url(self, w: World, *, missing: bool = False) -> str:
        path = self.route[1]
        for param, value in MISSING.items():
            if "{" + param + "}" in path:
                path = path.replace("{" + param + "}", value if missing else str(w.ids[self.obj]))
        return path

    def send(self, user: User, w: World, *, missing: bool = False) -> Any:
        url = self.url(w, missing=missing)
        body = self.body_for(w, missing) if self.body_for else self.body()
        if self.page:
            client = Client()
            client.force_login(user)
            return client.post(url, body)
        api = client_for(user)
        if self.multipart:
            return api.post(url, body, format="multipart")
        return api.post(url, body, format="json")


def _suspended(w: World) -> None:
    # test set-up: the licence as a suspension leaves it (a declared target of the licence's table)
    Licence.objects.filter(number=w.ids["licence"]).update(status=LicenceStatus.SUSPENDED, suspended_until=days(30))


def _licence_action(action: str, prepare: Callable[[World], None] | None = None) -> list[Attempt]:
    body = {"action": action, "reason": REASON, "until": days(30).isoformat()}
    page = {**body, "step": "confirm"}  # the authority's desk: the confirmed move
    return [
        Attempt(("POST", "/api/v1/licences/{number}/actions"), "licence", OFFICE_OWNERS, lambda: body, prepare=prepare),
        Attempt(
            ("POST", "/desk/authority/licences/{number}/act/"), "licence", OFFICE_OWNERS, lambda: page, prepare=prepare
        ),
    ]


def _photo() -> dict[str, Any]:
    return {"file": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")}


def _inspector_pk() -> int:
    return int(User.objects.get(mobile=STAFF["inspector"]).pk)


DECIDE = Attempt(("POST", "/api/v1/notices/{pk}/decision"), "notice", OFFICE_OWNERS, lambda: {"reason": REASON})
DECIDE_PAGE = Attempt(
    ("POST", "/desk/authority/notices/{pk}/"), "notice", OFFICE_OWNERS, lambda: {"reason": REASON, "step": "confirm"}
)

ATTEMPTS: dict[str, list[Attempt]] = {
    "licence.suspend": _licence_action("suspend"),
    "licence.reinstate": _licence_action("reinstate", _suspended),
    "licence.revoke": _licence_action("revoke"),
    "licence.renew": _licence_action("renew"),
    "violation.record": [
        Attempt(
            ("POST", "/api/v1/licences/{number}/violations"),
            "licence",
            OFFICE_OWNERS,
            lambda: {"type": "tariff_not_posted", "description": REASON},
        ),
        Attempt(
            ("POST", "/desk/supervision/violations/new/"),
            "licence",
            OFFICE_OWNERS,
            body_for=lambda w, missing: {
                "licence": MISSING["number"] if missing else w.ids["licence"],
                "type": "tariff_not_posted",
                "description": REASON,
            },
        ),
    ],
    "notice.issue": [
        Attempt(("POST", "/api/v1/licences/{number}/notices"), "licence", OFFICE_OWNERS),
        Attempt(
            ("POST", "/desk/supervision/licences/{number}/notice/"), "licence", OFFICE_OWNERS, lambda: {"confirm": "on"}
        ),
    ],
    "notice.decide": [DECIDE, DECIDE_PAGE],
    "violation.decide": [DECIDE, DECIDE_PAGE],  # taken for each violation the notice's decision cites
    "inspection.schedule": [
        Attempt(
            ("POST", "/api/v1/applications/{pk}/inspections"), "case", CASE_OWNERS, lambda: {"scheduled_at": later()}
        ),
        Attempt(("POST", "/inspections/schedule/{pk}/"), "case", CASE_OWNERS, lambda: {"scheduled_at": later()}),
    ],
    "inspection.photo_add": [
        Attempt(("POST", "/api/v1/inspections/{pk}/photos"), "inspection", CASE_OWNERS, _photo, multipart=True),
        Attempt(("POST", "/inspections/{pk}/photos/"), "inspection", CASE_OWNERS, _photo),
    ],
    "inspection.record": [
        Attempt(("POST", "/api/v1/inspections/{pk}/result"), "inspection", CASE_OWNERS, lambda: MEASURED),
        Attempt(("POST", "/inspections/{pk}/"), "inspection", CASE_OWNERS, lambda: PAGE_MEASURED),
    ],
    "supervision_visit.schedule": [
        Attempt(
            ("POST", "/api/v1/licences/{number}/visits"), "licence", OFFICE_OWNERS, lambda: {"scheduled_at": later()}
        )
    ],
    # the supervisor's desk (issue 18): sending an inspector, reviewing a six-monthly report
    "supervision_visit.assign": [
        Attempt(
            ("POST", "/desk/supervision/visits/new/{number}/"),
            "licence",
            OFFICE_OWNERS,
            lambda: {"inspector": str(_inspector_pk()), "scheduled_at": later(), "confirm": "1"},
        )
    ],
    "office_report.accept": [
        Attempt(
            ("POST", "/desk/supervision/reports/{pk}/"),
            "report",
            OFFICE_OWNERS,
            lambda: {"outcome": "accept", "confirm": "1"},
        )
    ],
    "office_report.clarify": [
        Attempt(
            ("POST", "/desk/supervision/reports/{pk}/"),
            "report",
            OFFICE_OWNERS,
            lambda: {"outcome": "clarify", "note": REASON, "confirm": "1"},
        )
    ],
    "supervision_visit.record": [
        Attempt(("POST", "/api/v1/visits/{pk}/result"), "visit", OFFICE_OWNERS, lambda: OBSERVED),
        Attempt(("POST", "/inspections/visits/{pk}/"), "visit", OFFICE_OWNERS, lambda: OBSERVED),
    ],
}

CASES = [
    (action, role, owner, attempt)
    for action in sorted(ATTEMPTS)
    for role in sorted(REGISTRY.get(action, ()))
    for attempt in ATTEMPTS[action]
    for owner in attempt.owners
]


def test_every_staff_action_is_tried():
    assert set(ATTEMPTS) == set(REGISTRY), "a staff action without an attempt, or an attempt of none"
    assert all(REGISTRY[action] <= set(STAFF) for action in REGISTRY), "a role without a demo staff member"


def test_every_writing_route_is_tried():
    """Every endpoint of these apps that takes a POST (or any other write), and every page that
    is not read-only, is the route of an attempt or a holder's own act (``NOT_STAFF``)."""
    writing = set()
    for path, pattern in url_patterns():
        if not pattern.callback.__module__.startswith(APPS):
            continue
        view = getattr(pattern.callback, "cls", None)
        if view is not None:
            writing |= {(m.upper(), path) for m in ("post", "put", "patch", "delete") if hasattr(view, m)}
        elif path not in READ_ONLY_PAGES:
            writing.add(("POST", path))
    tried = {attempt.route for attempts in ATTEMPTS.values() for attempt in attempts}
    assert writing == tried | set(NOT_STAFF)


@pytest.mark.parametrize(
    ("action", "role", "owner", "attempt"),
    CASES,
    ids=[f"{a}-{r}-{o}-{'page' if t.page else 'api'}" for a, r, o, t in CASES],
)
def test_a_staff_action_on_ones_own_is_not_found_and_changes_nothing(world, action, role, owner, attempt):
    person = User.objects.get(pk=world.owners[owner])
    municipality = Licence.objects.get(number=world.ids["licence"]).municipality
    RoleAssignmentFactory(user=person, municipality=municipality, role=role)
    person = User.objects.get(pk=person.pk)  # its roles read afresh
    if attempt.prepare:
        attempt.prepare(world)

    missing = attempt.send(person, world, missing=True)
    assert missing.status_code == 404, missing.content
    before = fingerprint()
    response = attempt.send(person, world)
    assert (response.status_code, response.content) == (404, missing.content), response.content
    assert fingerprint() == before

    # the municipality's own staff member, who owns nothing here, is not refused so (the
    # action is taken, or refused for the state the world is in: an open notice, a scheduled visit)
    control = attempt.send(User.objects.get(mobile=STAFF[role]), world)
    assert control.status_code not in (403, 404), control.content
