"""The access matrix of every object page of the portal (issue 8, the HTML half of
``test_access_matrix.py``).

The pages are enumerated from the URL configuration: every pattern with a path parameter,
outside ``/api/``, ``/admin/`` and ``EXCLUDED_PREFIXES``, must have at least one row in
``PAGES`` (a new page without a row fails, naming it) and every row must name a pattern that
still exists. A row is one (method, pattern) and declares every actor's outcome:

* ``public`` — 200 for everyone, anonymous included;
* ``ok`` — the object was reached: 2xx, or a 3xx that is not the login redirect; for a POST also
  the Persian form or state errors that show the object was reached (400, 409, 413, 415, 422);
* ``login`` — anonymous is sent to ``/login/?next=…`` (302);
* ``403`` — a Persian page with status 403 (the actor sees the object but lacks the role);
* ``404`` — the not-found page, byte-identical (status and body) to the same page for a
  nonexistent id: "not yours" reads exactly as "does not exist". The other applicant and the
  staff of another municipality always get it, unless the object is public (``Row.public``).

A refused POST (login, 403, 404) changes nothing: no row count of the project's tables (audit
and SMS outbox included), no field of the world's objects and no stored file moves
(``access_world.fingerprint``). Every declared method is served (no 405); a method without a row
is refused (405) or, on a read-only page whose view ignores the method, answered as its GET with
nothing changed. Pages without a path parameter hold no object; the lists among them (the work
queue and its export, my cases, exam sessions, visits, my offices, my appointments) are checked
to show only what the object's own page shows (``LISTS``).

Writes use Django's test client, which does not enforce CSRF; the CSRF token's random parts are
pinned for the module so that two renders of the same page are byte-identical. The world
(``access_world.py``, shared with the API matrix) is built once for the module inside a
transaction rolled back at the end; each actor's page session is made once; every test runs in
its own savepoint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.tests.helpers import INSPECTION, png_bytes, upload_file

from .access_world import (
    ACTORS,
    FOREIGN,
    MISSING_ID,
    MISSING_NUMBER,
    STAFF_ROLE_NAMES,
    World,
    changed,
    fingerprint,
    url_patterns,
    world_rolled_back,
)

pytestmark = pytest.mark.django_db

# URL prefixes that are not portal pages: the REST API (its own matrix), the Django admin
# (platform superusers only) and django-simple-captcha's images, sounds and refresh (no object:
# a captcha key is a random token, public by design).
EXCLUDED_PREFIXES = ("/api/", "/admin/", "/captcha/")

# --- who is who (as the API matrix) ------------------------------------------------------------
CASE_STAFF = "reviewer examiner inspector licensing_authority municipality_admin"
OFFICE_READERS = "supervisor licensing_authority municipality_admin"
OFFICE_STAFF = "owner office_clerk"
NOTICE_READERS = "inspector licensing_authority supervisor"  # those who read the violations it cites
LOGGED_IN = " ".join(a for a in ACTORS if a != "anon")


def _others(actors: str, *, but: str) -> str:
    return " ".join(a for a in actors.split() if a not in but.split())


def cells(ok: str = "", forbid: str = "", *, public: bool = False, anon: str = "login") -> dict[str, str]:
    """Every actor's expected outcome: ``ok`` and ``forbid`` list actors (space separated);
    anonymous is ``anon`` (the login redirect unless told); anyone else 404. ``public``:
    everyone, anonymous included, gets the page (200)."""
    if public:
        return dict.fromkeys(ACTORS, "public")
    out = dict.fromkeys(ACTORS, "404")
    out["anon"] = anon
    out.update(dict.fromkeys(ok.split(), "ok"))
    out.update(dict.fromkeys(forbid.split(), "403"))
    assert set(out) == set(ACTORS), set(out) - set(ACTORS)
    return out


MANAGER_ONLY = cells(ok="owner", forbid="office_clerk " + OFFICE_READERS)
STAFF_READ = cells(ok=OFFICE_STAFF + " " + OFFICE_READERS)
STAFF_WRITE = cells(ok=OFFICE_STAFF, forbid=OFFICE_READERS)
MANAGER_AND_READERS = cells(ok="owner " + OFFICE_READERS, forbid="office_clerk")
# the reports and compliance of the municipality's offices; its other staff 403
OVERSEERS = "supervisor licensing_authority"
NOT_OVERSEERS = "reviewer examiner inspector municipality_admin"
EXAMINER_ONLY = cells(ok="examiner")  # the exam pages: anyone but the municipality's examiners, 404
VIOLATION_READERS = "supervisor inspector licensing_authority"
NOTICE_ISSUERS = "supervisor licensing_authority"
OTHER_CASE_STAFF = "reviewer examiner municipality_admin"  # the municipality's staff who read no violations

Body = Callable[[World], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    """One page and method. ``pk`` names the world object behind ``{pk}``; other parameters
    name theirs in ``params`` or ``PARAM_OBJECT``. ``public``: the object is public (a call, an
    office, a licence type), so the other applicant and foreign staff reach it too."""

    expect: dict[str, str]
    pk: str = ""
    body: Body = None
    query: str = ""
    params: tuple[tuple[str, str], ...] = ()
    public: bool = False

    def object_for(self, name: str) -> str:
        if name == "pk":
            return self.pk
        return dict(self.params).get(name) or PARAM_OBJECT[name]


# Parameters other than ``{pk}`` name their world object themselves; ``LITERAL`` ones are not
# objects (a move's name, an inquiry's kind): they keep their value in the nonexistent-id URL.
PARAM_OBJECT = {
    "number": "licence",
    "application_id": "interview_case",
    "document_id": "document",
    "seat_id": "seat",
    "photo_id": "photo",
    "file_id": "violation_file",
    "cost_id": "cost",
    "token": "feedback_link",
    "kind": "kind",
    "action": "action",
}
LITERAL = {"kind", "action", "licence_type"}
MISSING_CODE = "ZZZZ-9999"  # a well-formed appointment code that no appointment has


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")


def _visit_result(w: World) -> dict[str, Any]:
    return {
        "equipment": ["computers", "printer", "high_speed_internet", "signboard", "client_facilities"],
        "hours_posted": "true",
        "tariff_posted": "true",
        "premises_use": "commercial",
    }


def _inspection_result(w: World) -> dict[str, Any]:
    return {
        "premises_use": INSPECTION["premises_use"],
        "measured_area_m2": INSPECTION["measured_area_m2"],
        "equipment": INSPECTION["equipment"],
        "lat": INSPECTION["location"]["lat"],  # type: ignore[index]
        "lng": INSPECTION["location"]["lng"],  # type: ignore[index]
    }


# ================================================================================================
# THE TABLE: (method, page pattern) → expectations for every actor.
# ================================================================================================
PAGES: dict[tuple[str, str], Row] = {
    # --- public pages: licence verification, the catalogue, calls, offices --------------------
    ("GET", "/licences/verify/{number}/"): Row(cells(public=True), public=True),
    ("GET", "/licences/verify/{number}"): Row(cells(public=True), public=True),  # the QR link
    ("GET", "/licences/{code}/"): Row(cells(public=True), params=(("code", "licence_type"),), public=True),
    ("GET", "/licences/{code}/check/"): Row(cells(public=True), params=(("code", "licence_type"),), public=True),
    # the public figures of a municipality (issue 21 §5)
    ("GET", "/figures/{slug}/"): Row(cells(public=True), params=(("slug", "municipality"),), public=True),
    # the self-check needs no login; an empty form is a Persian 400 or a verdict
    ("POST", "/licences/{code}/check/"): Row(
        cells(ok=LOGGED_IN, anon="ok"), params=(("code", "licence_type"),), body=lambda w: {}, public=True
    ),
    ("GET", "/calls/{pk}/"): Row(cells(public=True), pk="call", public=True),
    # applying: any logged-in person (an empty form: the Persian form errors, 400)
    ("POST", "/calls/{pk}/"): Row(cells(ok=LOGGED_IN), pk="call", body=lambda w: {}, public=True),
    ("GET", "/calls/{pk}/ranking/"): Row(cells(ok=CASE_STAFF), pk="call", query="?district={district}"),
    ("GET", "/offices/{pk}/"): Row(cells(public=True), pk="office", public=True),
    ("GET", "/offices/{pk}/book/"): Row(
        cells(public=True), pk="office", query="?service=property_inquiry&date={slot_day}", public=True
    ),
    # confirming a booking needs a login; without a slot it sends back to the booking page
    ("GET", "/offices/{pk}/book/confirm/"): Row(cells(ok=LOGGED_IN), pk="office", public=True),
    ("POST", "/offices/{pk}/book/confirm/"): Row(
        cells(ok=LOGGED_IN), pk="office", body=lambda w: {"service": "property_inquiry"}, public=True
    ),
    # --- application cases: the applicant and the municipality's case staff ----------------
    ("GET", "/applications/{pk}/"): Row(cells(ok="owner " + CASE_STAFF), pk="case"),
    ("POST", "/applications/{pk}/documents/"): Row(
        cells(ok="owner", forbid=CASE_STAFF),
        pk="case",
        body=lambda w: {"type": "degree", "file": upload_file("degree")},
    ),
    # the reviewer's document viewer and its inline file: a staff page, so the applicant's 404
    ("GET", "/applications/{pk}/documents/{document_id}/"): Row(
        cells(ok="reviewer", forbid=_others(CASE_STAFF, but="reviewer")), pk="case"
    ),
    ("GET", "/applications/{pk}/documents/{document_id}/file/"): Row(
        cells(ok="reviewer", forbid=_others(CASE_STAFF, but="reviewer")), pk="case"
    ),
    ("POST", "/applications/{pk}/documents/{document_id}/review/"): Row(
        cells(ok="reviewer", forbid="owner " + _others(CASE_STAFF, but="reviewer")),
        pk="case",
        body=lambda w: {"decision": "accept"},
    ),
    ("POST", "/applications/{pk}/submit/"): Row(cells(ok="owner", forbid=CASE_STAFF), pk="case"),
    ("GET", "/applications/{pk}/withdraw/"): Row(cells(ok="owner " + CASE_STAFF), pk="case"),
    ("POST", "/applications/{pk}/withdraw/"): Row(cells(ok="owner", forbid=CASE_STAFF), pk="case"),
    ("POST", "/applications/{pk}/inquiries/{kind}/retry/"): Row(
        cells(ok="reviewer licensing_authority", forbid="owner examiner inspector municipality_admin"), pk="case"
    ),
    ("POST", "/applications/{pk}/actions/{action}/"): Row(
        cells(ok="reviewer", forbid="owner " + _others(CASE_STAFF, but="reviewer")), pk="case"
    ),
    # --- exams and interviews: the municipality's examiners only -----------------------------
    ("GET", "/exams/{pk}/"): Row(EXAMINER_ONLY, pk="exam_session"),
    ("POST", "/exams/{pk}/seats/"): Row(
        EXAMINER_ONLY, pk="exam_session", body=lambda w: {"application": w.extra["seat_candidate"]}
    ),
    ("POST", "/exams/{pk}/seats/{seat_id}/score/"): Row(
        EXAMINER_ONLY, pk="exam_session", body=lambda w: {"general": "80", "specialised": "70"}
    ),
    ("POST", "/exams/{pk}/import/"): Row(EXAMINER_ONLY, pk="exam_session", body=lambda w: {}),
    ("POST", "/exams/{pk}/decide/"): Row(EXAMINER_ONLY, pk="exam_session"),
    ("GET", "/exams/interviews/{application_id}/"): Row(EXAMINER_ONLY),
    ("POST", "/exams/interviews/{application_id}/"): Row(
        EXAMINER_ONLY, body=lambda w: {"score": "75", "rule": "mean", "pass_mark": "50"}
    ),
    ("POST", "/exams/interviews/{application_id}/schedule/"): Row(
        EXAMINER_ONLY, body=lambda w: {"starts_at": w.extra["soon"], "place": "تالار شهرداری منطقهٔ ۴"}
    ),
    ("POST", "/exams/interviews/{application_id}/decide/"): Row(EXAMINER_ONLY),
    # --- site inspections: inspectors act, the licensing authority reads ----------------------
    ("POST", "/inspections/schedule/{pk}/"): Row(
        cells(ok="inspector"), pk="inspection_case", body=lambda w: {"scheduled_at": w.extra["soon"]}
    ),
    ("GET", "/inspections/{pk}/"): Row(cells(ok="inspector licensing_authority"), pk="inspection"),
    ("POST", "/inspections/{pk}/"): Row(
        cells(ok="inspector", forbid="licensing_authority"), pk="inspection", body=_inspection_result
    ),
    ("POST", "/inspections/{pk}/photos/"): Row(
        cells(ok="inspector", forbid="licensing_authority"), pk="inspection", body=lambda w: {"file": _photo()}
    ),
    ("GET", "/inspections/{pk}/photos/{photo_id}/"): Row(cells(ok="inspector licensing_authority"), pk="inspection"),
    # supervision visits: the licence holder and the municipality's readers see; inspectors record
    ("GET", "/inspections/visits/{pk}/"): Row(cells(ok="owner inspector licensing_authority supervisor"), pk="visit"),
    ("POST", "/inspections/visits/{pk}/"): Row(
        cells(ok="inspector", forbid="owner licensing_authority supervisor"), pk="visit", body=_visit_result
    ),
    # the holder's notices (the municipality's staff read them) and six-monthly reports (issue 18)
    ("GET", "/supervision/notices/{pk}/"): Row(cells(ok="owner " + NOTICE_READERS), pk="notice"),
    ("POST", "/supervision/notices/{pk}/"): Row(
        cells(ok="owner", forbid=NOTICE_READERS),
        pk="notice",
        body=lambda w: {"text": "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت."},
    ),
    ("POST", "/supervision/licences/{number}/report/"): Row(
        cells(ok="owner"),
        body=lambda w: {"period": "1400-H1", "content": "گزارش شش‌ماههٔ دفتر با همهٔ جزئیات لازم"},
    ),
    # --- the office's own pages: its staff, and the municipality's readers read ----------------
    ("GET", "/offices/{pk}/manage/"): Row(STAFF_READ, pk="office"),
    ("POST", "/offices/{pk}/manage/"): Row(
        MANAGER_ONLY,
        pk="office",
        body=lambda w: {"action": "closure_add", "date": w.extra["future_day"], "reason": "تعمیر سامانهٔ برق"},
    ),
    ("GET", "/offices/{pk}/transactions/"): Row(STAFF_READ, pk="office"),
    ("POST", "/offices/{pk}/transactions/"): Row(
        STAFF_WRITE,
        pk="office",
        body=lambda w: {"service": "property_inquiry", "amount": str(w.extra["tariff_amount"]), "payment_ref": "PAM-7"},
    ),
    ("GET", "/offices/{pk}/transactions/amount/"): Row(STAFF_WRITE, pk="office", query="?service=property_inquiry"),
    ("POST", "/offices/{pk}/transactions/close/"): Row(
        MANAGER_ONLY, pk="office", body=lambda w: {"day": w.extra["today"]}
    ),
    ("GET", "/offices/{pk}/revenue/"): Row(MANAGER_AND_READERS, pk="office"),
    ("POST", "/offices/{pk}/costs/"): Row(
        MANAGER_ONLY,
        pk="office",
        body=lambda w: {"month": w.extra["jalali_month"], "category": "rent", "amount": "40000000"},
    ),
    ("POST", "/offices/{pk}/costs/{cost_id}/delete/"): Row(MANAGER_ONLY, pk="office"),
    ("GET", "/offices/{pk}/appointments/"): Row(STAFF_WRITE, pk="office", query="?date={slot_day}"),
    # --- appointments: the citizen's own; the office's staff mark them --------------------------
    # complaints (issue 21 §3): the complainant and the municipality's supervisors
    ("GET", "/complaints/{code}/"): Row(cells(ok="owner supervisor"), params=(("code", "complaint"),)),
    ("POST", "/complaints/{code}/"): Row(
        cells(ok="owner", forbid="supervisor"), params=(("code", "complaint"),), body=lambda w: {"text": ""}
    ),
    ("GET", "/desk/complaints/{code}/"): Row(cells(ok="supervisor"), params=(("code", "complaint"),)),
    # citizens' feedback (issue 22 §1): the SMS link is the key, no login (an empty rating is a
    # Persian 400 that changes nothing); the office's figures as its other records; a held
    # comment is decided by the municipality's supervisors, never by the office's own people
    ("GET", "/f/{token}/"): Row(cells(public=True), public=True),
    ("POST", "/f/{token}/"): Row(cells(ok=LOGGED_IN, anon="ok"), body=lambda w: {}, public=True),
    ("GET", "/offices/{pk}/satisfaction/"): Row(STAFF_READ, pk="office"),
    # the hall queue (issue 22 §3): the counter page is the office's staff's (its readers 403);
    # the queue's report is read as the office's other records; the hall's screen, the kiosk
    # (its link is the key) and a ticket's page (its link is the key) are public. An empty
    # ticket request is a Persian 400 (or 409 while the office is closed): nothing changes.
    ("GET", "/offices/{pk}/hall/"): Row(STAFF_WRITE, pk="office"),
    ("POST", "/offices/{pk}/hall/"): Row(STAFF_WRITE, pk="office", body=lambda w: {"do": "issue"}),
    ("GET", "/offices/{pk}/hall/report/"): Row(STAFF_READ, pk="office"),
    ("GET", "/offices/{pk}/hall/display/"): Row(cells(public=True), pk="office", public=True),
    ("GET", "/offices/{pk}/kiosk/{key}/"): Row(
        cells(public=True), pk="office", params=(("key", "kiosk_key"),), public=True
    ),
    ("POST", "/offices/{pk}/kiosk/{key}/"): Row(
        cells(ok=LOGGED_IN, anon="ok"), pk="office", params=(("key", "kiosk_key"),), body=lambda w: {}, public=True
    ),
    ("GET", "/q/{token}/"): Row(cells(public=True), params=(("token", "ticket_token"),), public=True),
    # the office's staff register (issue 22 §5): as the office's other records
    ("GET", "/offices/{pk}/staff/"): Row(STAFF_READ, pk="office"),
    # the office's scorecard (issue 22 §2): its manager and its municipality's readers; a clerk 403
    ("GET", "/offices/{pk}/scorecard/"): Row(MANAGER_AND_READERS, pk="office"),
    ("POST", "/desk/feedback/{pk}/"): Row(cells(ok="supervisor"), pk="feedback", body=lambda w: {}),
    ("POST", "/desk/complaints/{code}/"): Row(
        cells(ok="supervisor"), params=(("code", "complaint"),), body=lambda w: {}
    ),
    ("POST", "/desk/complaints/{code}/violation/"): Row(
        cells(ok="supervisor"), params=(("code", "complaint"),), body=lambda w: {}
    ),
    ("GET", "/appointments/{code}/"): Row(cells(ok="owner"), params=(("code", "appointment"),)),
    ("GET", "/appointments/{code}/cancel/"): Row(cells(ok="owner"), params=(("code", "appointment"),)),
    ("POST", "/appointments/{code}/cancel/"): Row(cells(ok="owner"), params=(("code", "appointment"),)),
    # "owner" is the citizen, who does not mark their own appointment (404: not theirs to mark)
    ("POST", "/appointments/{code}/status/"): Row(
        cells(ok="office_clerk", forbid=OFFICE_READERS),
        params=(("code", "appointment"),),
        body=lambda w: {"status": "done"},
    ),
    # --- the licensing authority's desk (issue 18 §1): the register's readers read a licence;
    # its licensing authority acts; staff who see it without the role get 403 ---------------------
    ("GET", "/desk/authority/licences/{number}/"): Row(
        cells(ok=OFFICE_READERS, forbid="owner reviewer examiner inspector")
    ),
    ("GET", "/desk/authority/licences/{number}/act/"): Row(
        cells(ok="licensing_authority", forbid="owner reviewer examiner inspector supervisor municipality_admin"),
        query="?action=suspend",
    ),
    # the preview of a suspension without a reason: the Persian form error (400)
    ("POST", "/desk/authority/licences/{number}/act/"): Row(
        cells(ok="licensing_authority", forbid="owner reviewer examiner inspector supervisor municipality_admin"),
        body=lambda w: {"action": "suspend", "step": "preview"},
    ),
    # asking the national portal again (issue 21): its licensing authority and administrator
    ("POST", "/desk/portal/{pk}/retry/"): Row(
        cells(
            ok="licensing_authority municipality_admin",
            forbid="reviewer examiner inspector supervisor",
        ),
        pk="portal_message",
    ),
    ("GET", "/desk/authority/notices/{pk}/"): Row(
        cells(
            ok="licensing_authority", forbid="owner " + _others(CASE_STAFF, but="licensing_authority") + " supervisor"
        ),
        pk="notice",
    ),
    # the office's time to respond has not run out: refused for the state (409)
    ("POST", "/desk/authority/notices/{pk}/"): Row(
        cells(
            ok="licensing_authority", forbid="owner " + _others(CASE_STAFF, but="licensing_authority") + " supervisor"
        ),
        pk="notice",
        body=lambda w: {"reason": "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است", "step": "confirm"},
    ),
    # --- the supervisor's desk: violations and notices (supervision readers; supervisors and the
    # licensing authority issue notices) -----------------------------------------------------------
    ("GET", "/desk/supervision/violations/{pk}/"): Row(
        cells(ok=VIOLATION_READERS, forbid=OTHER_CASE_STAFF), pk="violation"
    ),
    ("GET", "/desk/supervision/violations/{pk}/files/{file_id}/"): Row(
        cells(ok=VIOLATION_READERS, forbid=OTHER_CASE_STAFF), pk="violation"
    ),
    ("GET", "/desk/supervision/notices/{pk}/"): Row(cells(ok=VIOLATION_READERS, forbid=OTHER_CASE_STAFF), pk="notice"),
    # the holder sees their licence but does not issue notices (403, as the API answers)
    ("GET", "/desk/supervision/licences/{number}/notice/"): Row(
        cells(ok=NOTICE_ISSUERS, forbid="owner inspector " + OTHER_CASE_STAFF)
    ),
    # the world's licence has an open notice: a second is refused (409), nothing written
    ("POST", "/desk/supervision/licences/{number}/notice/"): Row(
        cells(ok=NOTICE_ISSUERS, forbid="owner inspector " + OTHER_CASE_STAFF),
        body=lambda w: {"v": [w.ids["violation"]], "confirm": "on"},
    ),
    # --- the supervisor's desk: six-monthly reports, visits, an office's compliance ------------
    ("GET", "/desk/supervision/reports/{pk}/"): Row(cells(ok=OVERSEERS, forbid=NOT_OVERSEERS), pk="report"),
    ("POST", "/desk/supervision/reports/{pk}/"): Row(
        cells(ok="supervisor", forbid="licensing_authority " + NOT_OVERSEERS),
        pk="report",
        body=lambda w: {"outcome": "accept", "confirm": "1"},
    ),
    ("GET", "/desk/supervision/visits/new/{number}/"): Row(
        cells(ok="supervisor", forbid="licensing_authority " + NOT_OVERSEERS)
    ),
    ("POST", "/desk/supervision/visits/new/{number}/"): Row(
        cells(ok="supervisor", forbid="licensing_authority " + NOT_OVERSEERS),
        body=lambda w: {"inspector": str(w.users["inspector"]), "scheduled_at": w.extra["soon"], "confirm": "1"},
    ),
    ("GET", "/desk/supervision/offices/{pk}/"): Row(cells(ok=OVERSEERS, forbid=NOT_OVERSEERS), pk="office"),
    # --- tariff revisions: the municipality's administrator ------------------------------------
    ("POST", "/tariffs/revisions/{pk}/cancel/"): Row(cells(ok="municipality_admin"), pk="revision"),
    # --- the municipality administrator's calls and rule sets (desk) ----------------------------
    # the world's call is open: its edit page says why not (200), an empty close or cancel is the
    # Persian form error (400); the world's rule set is published: edits and publishing are 409
    ("GET", "/desk/municipality/calls/{pk}/edit/"): Row(cells(ok="municipality_admin"), pk="call"),
    ("POST", "/desk/municipality/calls/{pk}/edit/"): Row(cells(ok="municipality_admin"), pk="call", body=lambda w: {}),
    ("GET", "/desk/municipality/calls/{pk}/close/"): Row(cells(ok="municipality_admin"), pk="call"),
    ("POST", "/desk/municipality/calls/{pk}/close/"): Row(cells(ok="municipality_admin"), pk="call", body=lambda w: {}),
    ("GET", "/desk/municipality/calls/{pk}/cancel/"): Row(cells(ok="municipality_admin"), pk="call"),
    ("POST", "/desk/municipality/calls/{pk}/cancel/"): Row(
        cells(ok="municipality_admin"), pk="call", body=lambda w: {}
    ),
    ("GET", "/desk/municipality/rules/{pk}/"): Row(cells(ok="municipality_admin"), pk="rule_set"),
    ("POST", "/desk/municipality/rules/{pk}/"): Row(cells(ok="municipality_admin"), pk="rule_set", body=lambda w: {}),
    ("GET", "/desk/municipality/rules/{pk}/preview/"): Row(cells(ok="municipality_admin"), pk="rule_set"),
    ("GET", "/desk/municipality/rules/{pk}/publish/"): Row(cells(ok="municipality_admin"), pk="rule_set"),
    ("POST", "/desk/municipality/rules/{pk}/publish/"): Row(
        cells(ok="municipality_admin"), pk="rule_set", body=lambda w: {"effective_from": w.extra["future_day"]}
    ),
    # --- the municipality administrator's calendar and staff roles (a confirmation, then the act) --
    ("GET", "/desk/municipality/extended-days/{pk}/remove/"): Row(cells(ok="municipality_admin"), pk="extended_day"),
    ("POST", "/desk/municipality/extended-days/{pk}/remove/"): Row(cells(ok="municipality_admin"), pk="extended_day"),
    ("GET", "/desk/municipality/days-off/{pk}/remove/"): Row(cells(ok="municipality_admin"), pk="day_off"),
    ("POST", "/desk/municipality/days-off/{pk}/remove/"): Row(cells(ok="municipality_admin"), pk="day_off"),
    ("GET", "/desk/municipality/holidays/{pk}/withdraw/"): Row(cells(ok="municipality_admin"), pk="holiday_correction"),
    ("POST", "/desk/municipality/holidays/{pk}/withdraw/"): Row(
        cells(ok="municipality_admin"), pk="holiday_correction"
    ),
    ("GET", "/desk/municipality/staff/{pk}/revoke/"): Row(cells(ok="municipality_admin"), pk="role"),
    ("POST", "/desk/municipality/staff/{pk}/revoke/"): Row(cells(ok="municipality_admin"), pk="role"),
    # --- the administrator's SMS texts (issue 21 §4): one municipality's text; an empty one is 400 --
    ("GET", "/desk/municipality/texts/{key}/"): Row(
        cells(ok="municipality_admin"), params=(("key", "sms_text"),), query="?municipality={municipality_pk}"
    ),
    ("POST", "/desk/municipality/texts/{key}/"): Row(
        cells(ok="municipality_admin"),
        params=(("key", "sms_text"),),
        query="?municipality={municipality_pk}",
        body=lambda w: {"text": "", "municipality": w.extra["municipality_pk"]},
    ),
}

READ_STATUSES = range(200, 400)
REACHED_STATUSES = {*range(200, 400), 400, 409, 413, 415, 422}
LOGIN_PREFIX = "/login/?next="


# --- the pages, from the URL configuration ----------------------------------------------------


def page_patterns() -> set[str]:
    """Every page pattern with a path parameter, parameters as ``{name}``."""
    return {path for path, _p in url_patterns() if "{" in path and not path.startswith(EXCLUDED_PREFIXES)}


def test_every_object_page_has_a_row_and_every_row_a_page() -> None:
    served, declared = page_patterns(), {pattern for _m, pattern in PAGES}
    missing, stale = sorted(served - declared), sorted(declared - served)
    assert not missing, "object pages without a row in PAGES: " + ", ".join(missing)
    assert not stale, "PAGES rows for pages that no longer exist: " + ", ".join(stale)


def test_the_table_is_not_trivial() -> None:
    assert len(page_patterns()) >= 35
    for key, row in PAGES.items():
        method, _pattern = key
        assert method in ("GET", "POST"), key
        assert set(row.expect) == set(ACTORS), key
        assert {"ok", "public"} & set(row.expect.values()), f"{key}: nobody reaches it"
        if row.public:
            continue
        # the key rules: not yours is not found; a page that needs a login asks for it
        assert row.expect["anon"] == "login", key
        for actor in ["other_applicant", *(FOREIGN + r for r in STAFF_ROLE_NAMES)]:
            assert row.expect[actor] == "404", (key, actor)


# --- the world (once per module) ---------------------------------------------------------------

PINNED_CSRF = "pagematrixpagematrixpagematrixpa"  # 32 allowed characters: secret and mask alike


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    with (
        django_db_blocker.unblock(),
        mock.patch("django.middleware.csrf._get_new_csrf_string", return_value=PINNED_CSRF),
        # a shared Redis keeps counting between runs
        world_rolled_back(tmp_path_factory, "page-matrix-media", LICENCE_VERIFY_PER_ADDRESS_HOURLY=1_000_000) as w,
    ):
        w.extra["soon"] = _soon()
        w.ids["action"] = "start_review"
        w.extra["sessions"] = _sessions(w)
        yield w


def _soon() -> str:
    return (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%d 10:00")


def _owner_of(w: World, obj: str) -> int:
    return w.owners.get(obj, w.owners["case"])


def _sessions(w: World) -> dict[int, str]:
    """One page session per person of the world (a login once, not once per cell)."""
    people = {*w.users.values(), *w.owners.values()}
    out = {}
    for user in User.objects.filter(pk__in=people):
        client = Client()
        client.force_login(user)
        out[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return out


def _client(w: World, actor: str, obj: str) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.80")  # not the API matrix's address (the verification log)
    if actor != "anon":
        pk = _owner_of(w, obj) if actor == "owner" else w.users[actor]
        client.cookies[settings.SESSION_COOKIE_NAME] = w.extra["sessions"][pk]
    return client


def _object_of(pattern: str, row: Row) -> str:
    """The world object whose owner is the "owner" column (the first parameter's)."""
    if "{pk}" in pattern:
        return row.pk
    names = re.findall(r"\{(\w+)\}", pattern)
    assert names, pattern
    return row.object_for(names[0])


def _url(w: World, pattern: str, row: Row, *, missing: bool = False) -> str:
    def value(match: re.Match[str]) -> str:
        obj = row.object_for(match.group(1))
        if missing and obj not in LITERAL:
            return {"licence": MISSING_NUMBER, "appointment": MISSING_CODE}.get(obj, str(MISSING_ID))
        return str(w.ids[obj])

    return re.sub(r"\{(\w+)\}", value, pattern) + row.query.format(**w.extra)


def _send(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if method == "GET":
        return client.get(url)
    return client.post(url, body or {})


def _content(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _show(response: Any) -> str:
    where = response.get("Location", "")
    content = b"" if getattr(response, "streaming", False) else response.content[:200]
    return f"{response.status_code} {where} {content!r}"


def _persian_page(response: Any) -> bool:
    text = _content(response).decode(errors="replace")
    return (
        "text/html" in response.get("Content-Type", "")
        and 'lang="fa"' in text
        and bool(re.search(r"[\u0600-\u06FF]{3,}", text))
    )


_FILES_KEY = "stored files"


def _before(w: World) -> dict[str, Any]:
    """The world's fingerprint at the start of a test: the database part is the same at the
    start of every test (each runs in a savepoint), so it is taken once; stored files are not
    rolled back with the database, so they are listed every time."""
    if "pristine" not in w.extra:
        w.extra["pristine"] = fingerprint(w)
    files = sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    return {**w.extra["pristine"], _FILES_KEY: files}


CELLS = [(method, pattern, actor) for (method, pattern) in PAGES for actor in ACTORS]


@pytest.mark.parametrize(("method", "pattern", "actor"), CELLS, ids=[f"{m} {p} [{a}]" for m, p, a in CELLS])
def test_page_access(world: World, method: str, pattern: str, actor: str) -> None:
    row = PAGES[(method, pattern)]
    expected = row.expect[actor]
    obj = _object_of(pattern, row)
    body = row.body(world) if row.body else None
    url = _url(world, pattern, row)
    writes = method != "GET"
    before = _before(world) if writes else None

    response = _send(_client(world, actor, obj), method, url, body)
    status = response.status_code
    location = response.get("Location", "") if 300 <= status < 400 else ""
    where = f"{method} {url} as {actor}: expected {expected}, got {_show(response)}"

    if expected == "public":
        assert status == 200, where
    elif expected == "ok":
        assert status in (REACHED_STATUSES if writes else READ_STATUSES), where
        assert not location.startswith(LOGIN_PREFIX), where
    elif expected == "login":
        assert status == 302 and location.startswith(LOGIN_PREFIX), where
    elif expected == "403":
        assert status == 403, where
        assert _persian_page(response), f"{where}: not a Persian page"
    elif expected == "404":
        assert status == 404, where
        body_ = row.body(world) if row.body else None  # a fresh upload: the first one was read
        missing = _send(_client(world, actor, obj), method, _url(world, pattern, row, missing=True), body_)
        # "not yours" must look exactly like "does not exist"
        assert (status, _content(response)) == (missing.status_code, _content(missing)), (
            f"{where}; a nonexistent id answers {_show(missing)}"
        )
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown expectation {expected!r}")

    if writes and expected in ("login", "403", "404"):
        after = fingerprint(world)
        assert not changed(before, after), f"{where}; a refused write changed {changed(before, after)}"


# --- list pages: they never show what the object's own page would refuse ------------------------

CASES = ("case", "other_case", "interview_case", "inspection_case")


def _readers(key: tuple[str, str]) -> set[str]:
    return {a for a, e in PAGES[key].expect.items() if e in ("ok", "public")}


def _needles(w: World) -> dict[str, str]:
    """What identifies each world object on a list page."""
    from daftar.applications.models import Application

    codes = dict(Application.objects.filter(pk__in=[w.ids[c] for c in CASES]).values_list("pk", "tracking_code"))
    out = {name: str(codes[w.ids[name]]) for name in CASES}
    out.update(
        exam_session="آزمون کتبی ماتریس دسترسی",
        office="دفتر خدمات ماتریس دسترسی",
        appointment=str(w.ids["appointment"]),
        licence=str(w.ids["licence"]),
        seated_case=str(w.extra["seated_tracking_code"]),
    )
    return out


CASE_PAGE = ("GET", "/applications/{pk}/")
# list page → the world objects it may show, each with the row whose readers may see it there
LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "/staff/queue/?status=all": dict.fromkeys(CASES, CASE_PAGE),
    "/staff/queue/export/?status=all&as=csv": dict.fromkeys(CASES, CASE_PAGE),
    "/applications/": dict.fromkeys(CASES, CASE_PAGE),
    "/exams/": {"exam_session": ("GET", "/exams/{pk}/"), "seated_case": CASE_PAGE},
    "/inspections/": {
        "inspection_case": ("GET", "/inspections/{pk}/"),
        "licence": ("GET", "/inspections/visits/{pk}/"),
    },
    "/offices/mine/": {"office": ("GET", "/offices/{pk}/manage/")},
    "/appointments/": {"appointment": ("GET", "/appointments/{code}/")},
    "/desk/authority/licences/": {"licence": ("GET", "/desk/authority/licences/{number}/")},
    "/desk/authority/licences/export/?as=csv": {"licence": ("GET", "/desk/authority/licences/{number}/")},
    "/desk/authority/notices/": {"licence": ("GET", "/desk/authority/notices/{pk}/")},
    "/desk/supervision/violations/": {"licence": ("GET", "/desk/supervision/violations/{pk}/")},
    "/desk/supervision/notices/": {"licence": ("GET", "/desk/supervision/notices/{pk}/")},
}


# and what they must show, so that the check above cannot pass on an empty page
SHOWN = {
    ("/staff/queue/?status=all", "reviewer"): CASES,
    ("/staff/queue/export/?status=all&as=csv", "municipality_admin"): CASES,
    ("/applications/", "owner"): ("case",),
    ("/applications/", "other_applicant"): ("other_case",),
    ("/exams/", "examiner"): ("exam_session",),
    ("/inspections/", "inspector"): ("inspection_case", "licence"),
    ("/inspections/", "licensing_authority"): ("inspection_case",),
    ("/offices/mine/", "owner"): ("office",),
    ("/offices/mine/", "office_clerk"): ("office",),
    ("/offices/mine/", "supervisor"): ("office",),
    ("/appointments/", "owner"): ("appointment",),
    ("/desk/authority/licences/", "supervisor"): ("licence",),
    ("/desk/authority/licences/export/?as=csv", "municipality_admin"): ("licence",),
    ("/desk/authority/notices/", "licensing_authority"): ("licence",),
    ("/desk/supervision/violations/", "supervisor"): ("licence",),
    ("/desk/supervision/notices/", "licensing_authority"): ("licence",),
}


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anon"])
def test_list_pages_show_only_what_the_object_pages_show(world: World, actor: str) -> None:
    """ "owner" is each object's own owner; an object without one (another applicant's case, a
    seated stranger's) is shown to the main case's applicant, who must not see it."""
    needles = _needles(world)
    pages: dict[tuple[str, str], str] = {}
    for url, shown in LISTS.items():
        for obj, key in shown.items():
            whose = obj if actor == "owner" and obj in world.owners else "case"
            if (url, whose) not in pages:
                response = _client(world, actor, whose).get(url)
                # Either, by actor (a set on purpose): a list page is 404 (or 403, the desk's lists
                # to staff without the role) to whoever may not open it at all, the staff queue to
                # an applicant say (each app's page tests pin who); this test is about what a 200
                # page shows, and a refusal shows nothing.
                assert response.status_code in (200, 403, 404), f"{url} as {actor}: {_show(response)}"
                pages[(url, whose)] = _content(response).decode(errors="replace")
            text = pages[(url, whose)]
            allowed = actor in _readers(key) and (actor != "owner" or obj in world.owners)
            if (url, obj, actor) == ("/applications/", "other_case", "other_applicant"):
                allowed = True  # their own case
            assert allowed or needles[obj] not in text, f"{url} as {actor} shows {obj} ({needles[obj]})"
            if obj in SHOWN.get((url, actor), ()):
                assert needles[obj] in text, f"{url} as {actor} does not show {obj} ({needles[obj]})"


PATTERNS = sorted({pattern for _m, pattern in PAGES})


@pytest.mark.parametrize("pattern", PATTERNS)
def test_an_undeclared_method_is_refused_or_only_reads(world: World, pattern: str) -> None:
    """GET or POST without a row: 405, or — a read-only page whose view ignores the method — a
    POST answered exactly as its GET row answers, with nothing changed. So no page takes a
    write that the table does not declare."""
    declared = {m: row for (m, p), row in PAGES.items() if p == pattern}
    for method in ("GET", "POST"):
        if method in declared:
            continue
        row = next(iter(declared.values()))
        actor = next(a for a in ACTORS if row.expect[a] in ("ok", "public"))
        before = _before(world)
        response = _send(_client(world, actor, _object_of(pattern, row)), method, _url(world, pattern, row), {})
        where = f"{method} {pattern} as {actor}, a method without a row: {_show(response)}"
        if response.status_code == 405:
            continue
        assert method == "POST" and "GET" in declared, where
        as_get = _send(_client(world, actor, _object_of(pattern, row)), "GET", _url(world, pattern, row), None)
        assert response.status_code == as_get.status_code and response.status_code in READ_STATUSES, where
        after = fingerprint(world)
        changed = sorted(k for k in before | after if before.get(k) != after.get(k))
        assert not changed, f"{where}; it changed {changed}"


ROWS = list(PAGES)


@pytest.mark.parametrize(("method", "pattern"), ROWS, ids=[f"{m} {p}" for m, p in ROWS])
def test_every_declared_method_is_served(world: World, method: str, pattern: str) -> None:
    """The first actor who reaches the page is answered, not refused the method (405)."""
    row = PAGES[(method, pattern)]
    actor = next(a for a in ACTORS if row.expect[a] in ("ok", "public"))
    client = _client(world, actor, _object_of(pattern, row))
    response = _send(client, method, _url(world, pattern, row), row.body(world) if row.body else None)
    assert response.status_code != 405, f"{method} {pattern} as {actor}: {_show(response)}"
