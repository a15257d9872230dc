"""The access matrix's table: for every object endpoint of the REST API (method, path
pattern), what each actor gets (API.md «Conventions»: 401 unauthenticated, 403 not allowed, 404
not found *or not yours*). ``test_access_matrix.py`` checks every cell against the world of
``access_world.py``; ``test_schema_fuzz.py`` calls each endpoint as the actors that reach it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from daftar.applications.tests.helpers import INSPECTION
from daftar.supervision.services import period_of

from .access_world import ACTORS, REASON, World

API = "/api/v1/"

# --- who is who ------------------------------------------------------------------------------
# Tehran's roles that see cases (applications.workflow.STAFF_ROLES_FOR_CASES) and licences
# (accounts.constants.STAFF_ROLES); office staff are not municipality staff.
CASE_STAFF = "reviewer examiner inspector licensing_authority municipality_admin"
LICENCE_STAFF = CASE_STAFF + " supervisor"
# offices (offices.access): "owner" is the office's manager (the licence holder); the demo clerk
# works there; the demo manager runs another office (so: 404); these municipality staff read.
OFFICE_READERS = "supervisor licensing_authority municipality_admin"
OFFICE_STAFF = "owner office_clerk"


def cells(ok: str = "", forbid: str = "", public: bool = False, **override: str) -> dict[str, str]:
    """Every actor's expected outcome: ``ok`` and ``forbid`` list actors (space separated);
    anonymous is 401 (``public``: everyone, anonymous included, is "public"); anyone else 404.
    ``override`` sets single cells (used to document bugs)."""
    if public:
        out = dict.fromkeys(ACTORS, "public")
    else:
        out = dict.fromkeys(ACTORS, "404")
        out["anon"] = "401"
        out.update(dict.fromkeys(ok.split(), "ok"))
        out.update(dict.fromkeys(forbid.split(), "403"))
    out.update(override)
    assert set(out) == set(ACTORS), set(out) - set(ACTORS)
    return out


MANAGER_ONLY = cells(ok="owner", forbid="office_clerk " + OFFICE_READERS)
STAFF_READ = cells(ok=OFFICE_STAFF + " " + OFFICE_READERS)
MANAGER_AND_READERS = cells(ok="owner " + OFFICE_READERS, forbid="office_clerk")


def _others(actors: str, *, but: str) -> str:
    return " ".join(a for a in actors.split() if a not in but.split())


# --- request bodies ------------------------------------------------------------------------------
Body = Callable[[World], Any] | None
UPLOAD_DOCUMENT = "multipart:document"
UPLOAD_PHOTO = "multipart:photo"


def _soon(days: int = 3) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%d 10:00")


@dataclass(frozen=True)
class Row:
    """One endpoint: ``pk`` names the world object behind ``{pk}`` (other parameters are named
    after their object: number → licence, code → licence type, kind, photo_id → photo)."""

    expect: dict[str, str]
    pk: str = ""
    body: Body = None
    query: str = ""
    params: tuple[tuple[str, str], ...] = ()  # path parameter → world object, where not PARAM_OBJECT's

    def object_for(self, name: str) -> str:
        if name == "pk":
            return self.pk
        return dict(self.params).get(name) or PARAM_OBJECT[name]


# ================================================================================================
# THE TABLE: (method, path pattern) → expectations for every actor.
# ================================================================================================
MATRIX: dict[tuple[str, str], Row] = {
    # --- calls and the catalogue (public) --------------------------------------------------------
    ("GET", "/api/v1/calls/{pk}"): Row(cells(public=True), pk="call"),
    ("GET", "/api/v1/licence-types/{code}"): Row(cells(public=True), query="?municipality=tehran"),
    ("GET", "/api/v1/licence-types/{code}/map"): Row(cells(public=True), query="?municipality=tehran"),
    ("GET", "/api/v1/licence-types/{code}/map/check"): Row(
        cells(public=True), query="?municipality=tehran&lat=35.745&lng=51.553"
    ),  # the map picker's live check (decision 0035)
    ("GET", "/api/v1/calls/{pk}/ranking"): Row(
        cells(ok=CASE_STAFF), pk="call", query="?district={district}"
    ),  # the applicant of a case in the call does not see the ranking (404)
    # --- application cases ---------------------------------------------------------------------
    ("GET", "/api/v1/applications/{pk}"): Row(cells(ok="owner " + CASE_STAFF), pk="case"),
    ("PATCH", "/api/v1/applications/{pk}"): Row(
        cells(ok="owner", forbid=CASE_STAFF), pk="case", body=lambda w: {"facts": {"experience_years": 9}}
    ),
    ("POST", "/api/v1/applications/{pk}/documents"): Row(
        cells(ok="owner", forbid=CASE_STAFF), pk="case", body=lambda w: UPLOAD_DOCUMENT
    ),
    ("POST", "/api/v1/applications/{pk}/submit"): Row(cells(ok="owner", forbid=CASE_STAFF), pk="case"),
    ("POST", "/api/v1/applications/{pk}/withdraw"): Row(cells(ok="owner", forbid=CASE_STAFF), pk="case"),
    ("GET", "/api/v1/applications/{pk}/transitions"): Row(cells(ok="owner " + CASE_STAFF), pk="case"),
    ("POST", "/api/v1/applications/{pk}/transitions"): Row(
        cells(ok="reviewer", forbid="owner " + _others(CASE_STAFF, but="reviewer")),
        pk="case",
        body=lambda w: {"action": "start_review"},
    ),
    ("POST", "/api/v1/applications/{pk}/inquiries/{kind}/retry"): Row(
        cells(ok="reviewer licensing_authority", forbid="owner examiner inspector municipality_admin"), pk="case"
    ),
    ("POST", "/api/v1/documents/{pk}/review"): Row(
        cells(ok="reviewer", forbid="owner " + _others(CASE_STAFF, but="reviewer")),
        pk="document",
        body=lambda w: {"decision": "accept"},
    ),
    ("GET", "/api/v1/documents/{pk}/download"): Row(cells(ok="owner " + CASE_STAFF), pk="document"),
    # --- exams and interviews (the examiner acts; other case staff see the session) -----------
    ("GET", "/api/v1/exam-sessions/{pk}"): Row(
        cells(ok="examiner", forbid=_others(CASE_STAFF, but="examiner")), pk="exam_session"
    ),
    ("POST", "/api/v1/exam-sessions/{pk}/seats"): Row(
        cells(ok="examiner", forbid=_others(CASE_STAFF, but="examiner")),
        pk="exam_session",
        body=lambda w: {"application": w.extra["seat_candidate"]},
    ),
    ("POST", "/api/v1/exam-sessions/{pk}/scores"): Row(
        cells(ok="examiner", forbid=_others(CASE_STAFF, but="examiner")),
        pk="exam_session",
        body=lambda w: {
            "scores": [{"tracking_code": w.extra["seated_tracking_code"], "general": 80, "specialised": 70}]
        },
    ),
    ("POST", "/api/v1/exam-sessions/{pk}/decide"): Row(
        cells(ok="examiner", forbid=_others(CASE_STAFF, but="examiner")), pk="exam_session"
    ),
    ("GET", "/api/v1/applications/{pk}/interview"): Row(
        cells(ok="examiner", forbid="owner " + _others(CASE_STAFF, but="examiner")), pk="interview_case"
    ),
    ("POST", "/api/v1/applications/{pk}/interview/scores"): Row(
        cells(ok="examiner", forbid="owner " + _others(CASE_STAFF, but="examiner")),
        pk="interview_case",
        body=lambda w: {"score": 75},
    ),
    ("POST", "/api/v1/applications/{pk}/interview/schedule"): Row(
        cells(ok="examiner", forbid="owner " + _others(CASE_STAFF, but="examiner")),
        pk="interview_case",
        body=lambda w: {"starts_at": _soon(), "place": "تالار شهرداری منطقهٔ ۴"},
    ),
    ("POST", "/api/v1/applications/{pk}/interview/decide"): Row(
        cells(ok="examiner", forbid="owner " + _others(CASE_STAFF, but="examiner")), pk="interview_case"
    ),
    ("POST", "/api/v1/applications/{pk}/training-credits"): Row(
        cells(ok="examiner reviewer", forbid="owner inspector licensing_authority municipality_admin"),
        pk="case",
        body=lambda w: {
            "course_title": "دورهٔ آموزشی دفاتر خدمات",
            "hours": 20,
            "approving_body": "سازمان فناوری اطلاعات",
            "certificate_date": "1403-05-01",
        },
    ),
    # --- site inspections (inspectors act; the licensing authority reads) ----------------------
    # the applicant does not see the inspection objects of their own case (404, by design)
    ("POST", "/api/v1/applications/{pk}/inspections"): Row(
        cells(ok="inspector"), pk="inspection_case", body=lambda w: {"scheduled_at": _soon()}
    ),
    ("GET", "/api/v1/inspections/{pk}"): Row(cells(ok="inspector licensing_authority"), pk="inspection"),
    ("POST", "/api/v1/inspections/{pk}/photos"): Row(
        cells(ok="inspector", forbid="licensing_authority"), pk="inspection", body=lambda w: UPLOAD_PHOTO
    ),
    ("GET", "/api/v1/inspections/{pk}/photos/{photo_id}"): Row(
        cells(ok="inspector licensing_authority"), pk="inspection"
    ),
    ("POST", "/api/v1/inspections/{pk}/result"): Row(
        cells(ok="inspector", forbid="licensing_authority"), pk="inspection", body=lambda w: INSPECTION
    ),
    # --- licences ----------------------------------------------------------------------------
    ("GET", "/api/v1/licences/{number}/verify"): Row(cells(public=True)),
    # --- public figures (issue 21 §5) -----------------------------------------------------------
    ("GET", "/api/v1/municipalities/{slug}/statistics"): Row(cells(public=True), params=(("slug", "municipality"),)),
    ("GET", "/api/v1/municipalities/{slug}/statistics.csv"): Row(
        cells(public=True), params=(("slug", "municipality"),)
    ),
    ("GET", "/api/v1/licences/{number}/certificate.pdf"): Row(cells(ok="owner " + LICENCE_STAFF)),
    ("POST", "/api/v1/licences/{number}/actions"): Row(
        cells(ok="licensing_authority", forbid="owner " + _others(LICENCE_STAFF, but="licensing_authority")),
        body=lambda w: {
            "action": "suspend",
            "reason": "تعلیق برای آزمون ماتریس دسترسی",
            "until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    ),
    # --- citizens' feedback (issue 22 §1): the SMS link is the key, no login; an empty rating is a
    # Persian 400 for everyone, with nothing recorded (the link stays unused for the next actor)
    ("POST", "/api/v1/feedback/{token}"): Row(cells(public=True), body=lambda w: {}),
    # --- the hall queue (issue 22 §3): the office's staff give tickets and work the counters;
    # its municipal readers see it but may not (403); the queue and a ticket's page are public.
    # The office may be closed while this runs: a 409 «closed» still shows the office was reached.
    ("POST", "/api/v1/offices/{pk}/tickets"): Row(
        cells(ok=OFFICE_STAFF, forbid=OFFICE_READERS), pk="office", body=lambda w: {"service": "property_inquiry"}
    ),
    ("GET", "/api/v1/offices/{pk}/queue"): Row(cells(public=True), pk="office"),
    ("POST", "/api/v1/offices/{pk}/queue/call"): Row(
        cells(ok=OFFICE_STAFF, forbid=OFFICE_READERS), pk="office", body=lambda w: {"counter": 1}
    ),
    ("POST", "/api/v1/offices/{pk}/tickets/{number}/transitions"): Row(
        cells(ok=OFFICE_STAFF, forbid=OFFICE_READERS),
        pk="office",
        params=(("number", "ticket_number"),),
        body=lambda w: {"action": "cancel"},
    ),
    ("GET", "/api/v1/tickets/{token}"): Row(cells(public=True), params=(("token", "ticket_token"),)),
    # --- complaints (issue 21 §3): the complainant and the municipality's supervisors -----------
    ("GET", "/api/v1/complaints/{code}"): Row(cells(ok="owner supervisor"), params=(("code", "complaint"),)),
    ("POST", "/api/v1/complaints/{code}/answer"): Row(
        cells(ok="supervisor", forbid="owner"),
        params=(("code", "complaint"),),
        body=lambda w: {"decision": "rejected", "answer": "رفتار کارمند با دوربین دفتر بررسی شد و تندی دیده نشد."},
    ),
    ("POST", "/api/v1/complaints/{code}/reopen"): Row(
        cells(ok="owner", forbid="supervisor"), params=(("code", "complaint"),), body=lambda w: {"text": REASON}
    ),
    ("POST", "/api/v1/complaints/{code}/violation"): Row(
        cells(ok="supervisor", forbid="owner"), params=(("code", "complaint"),), body=lambda w: {}
    ),
    # --- supervision of licensed offices -------------------------------------------------------
    ("GET", "/api/v1/licences/{number}/violations"): Row(
        cells(ok="owner supervisor inspector licensing_authority", forbid="reviewer examiner municipality_admin")
    ),
    ("POST", "/api/v1/licences/{number}/violations"): Row(
        cells(ok="supervisor inspector", forbid="owner reviewer examiner licensing_authority municipality_admin"),
        body=lambda w: {"type": "tariff_not_posted", "description": REASON},
    ),
    ("POST", "/api/v1/licences/{number}/notices"): Row(
        cells(ok="supervisor licensing_authority", forbid="owner reviewer examiner inspector municipality_admin"),
        body=lambda w: {},
    ),
    ("POST", "/api/v1/licences/{number}/reports"): Row(
        cells(ok="owner", forbid=LICENCE_STAFF),
        body=lambda w: {
            "period": period_of(timezone.localdate()),
            "content": "گزارش شش‌ماههٔ دفتر: خدمات ارائه‌شده و شکایت‌ها",
        },
    ),
    ("POST", "/api/v1/notices/{pk}/response"): Row(
        cells(ok="owner", forbid=LICENCE_STAFF),
        pk="notice",
        body=lambda w: {"text": "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت."},
    ),
    ("POST", "/api/v1/notices/{pk}/decision"): Row(
        cells(ok="licensing_authority", forbid="owner " + _others(LICENCE_STAFF, but="licensing_authority")),
        pk="notice",
        body=lambda w: {"reason": REASON},
    ),
    # supervision visits: only the municipality's inspector schedules (anyone else: 404)
    ("POST", "/api/v1/licences/{number}/visits"): Row(cells(ok="inspector"), body=lambda w: {"scheduled_at": _soon()}),
    ("GET", "/api/v1/visits/{pk}"): Row(cells(ok="owner inspector licensing_authority supervisor"), pk="visit"),
    ("POST", "/api/v1/visits/{pk}/result"): Row(
        cells(ok="inspector", forbid="owner licensing_authority supervisor"),
        pk="visit",
        body=lambda w: {
            "equipment": ["computers", "printer", "high_speed_internet", "signboard", "client_facilities"],
            "hours_posted": True,
            "tariff_posted": True,
            "premises_use": "commercial",
        },
    ),
    # --- offices: public facts, then the office's own records (S5, S17, S18) -------------------
    ("GET", "/api/v1/offices/{pk}"): Row(cells(public=True), pk="office"),
    ("GET", "/api/v1/offices/{pk}/slots"): Row(
        cells(public=True), pk="office", query="?date={slot_day}&service=property_inquiry"
    ),
    ("GET", "/api/v1/offices/{pk}/hours"): Row(STAFF_READ, pk="office"),
    ("PUT", "/api/v1/offices/{pk}/hours"): Row(
        MANAGER_ONLY, pk="office", body=lambda w: {"hours": [{"weekday": 0, "start": "08:00", "end": "13:00"}]}
    ),
    ("GET", "/api/v1/offices/{pk}/staff"): Row(STAFF_READ, pk="office"),
    ("POST", "/api/v1/offices/{pk}/staff"): Row(
        MANAGER_ONLY, pk="office", body=lambda w: {"mobile": "09129990001", "role": "clerk"}
    ),
    # the technical manager's qualifications (issue 22 §5); the world's member is a clerk: 409
    ("PATCH", "/api/v1/offices/{pk}/staff/{staff_id}"): Row(
        MANAGER_ONLY, pk="office", params=(("staff_id", "staff"),), body=lambda w: {}
    ),
    ("DELETE", "/api/v1/offices/{pk}/staff/{staff_id}"): Row(
        MANAGER_ONLY, pk="office", params=(("staff_id", "staff"),)
    ),
    ("GET", "/api/v1/offices/{pk}/closures"): Row(STAFF_READ, pk="office"),
    ("POST", "/api/v1/offices/{pk}/closures"): Row(
        MANAGER_ONLY, pk="office", body=lambda w: {"date": w.extra["future_day"], "reason": "تعمیر سامانهٔ برق"}
    ),
    ("DELETE", "/api/v1/offices/{pk}/closures/{closure_id}"): Row(
        MANAGER_ONLY, pk="office", params=(("closure_id", "closure"),)
    ),
    ("GET", "/api/v1/offices/{pk}/transactions"): Row(STAFF_READ, pk="office"),
    ("POST", "/api/v1/offices/{pk}/transactions"): Row(
        cells(ok=OFFICE_STAFF, forbid=OFFICE_READERS),
        pk="office",
        body=lambda w: {"service": "property_inquiry", "amount": w.extra["tariff_amount"], "payment_ref": "ACC-77"},
    ),
    ("GET", "/api/v1/offices/{pk}/closings"): Row(STAFF_READ, pk="office"),
    ("POST", "/api/v1/offices/{pk}/closings"): Row(MANAGER_ONLY, pk="office", body=lambda w: {"day": w.extra["today"]}),
    ("GET", "/api/v1/offices/{pk}/costs"): Row(MANAGER_AND_READERS, pk="office"),
    ("POST", "/api/v1/offices/{pk}/costs"): Row(
        MANAGER_ONLY,
        pk="office",
        body=lambda w: {"month": w.extra["jalali_month"], "category": "rent", "amount": 40_000_000},
    ),
    ("DELETE", "/api/v1/offices/{pk}/costs/{cost_id}"): Row(MANAGER_ONLY, pk="office", params=(("cost_id", "cost"),)),
    ("GET", "/api/v1/offices/{pk}/revenue"): Row(MANAGER_AND_READERS, pk="office"),
    # the office's scorecard (issue 22 §2): its manager (and technical manager) and its readers
    ("GET", "/api/v1/offices/{pk}/scorecard"): Row(MANAGER_AND_READERS, pk="office"),
    # --- appointments: the citizen's own; the office's staff mark them --------------------------
    ("GET", "/api/v1/offices/{pk}/appointments"): Row(
        cells(ok=OFFICE_STAFF, forbid=OFFICE_READERS), pk="office", query="?date={slot_day}"
    ),
    ("GET", "/api/v1/appointments/{code}"): Row(cells(ok="owner"), params=(("code", "appointment"),)),
    ("DELETE", "/api/v1/appointments/{code}"): Row(cells(ok="owner"), params=(("code", "appointment"),)),
    # "owner" here is the citizen, who cannot mark their own appointment (404: not theirs to mark)
    ("POST", "/api/v1/appointments/{code}/status"): Row(
        cells(ok="office_clerk", forbid=OFFICE_READERS),
        params=(("code", "appointment"),),
        body=lambda w: {"status": "done"},
    ),
}

# The parameters that are not ``{pk}`` name their world object themselves.
PARAM_OBJECT = {
    "number": "licence",
    "code": "licence_type",
    "kind": "kind",
    "photo_id": "photo",
    "token": "feedback_link",
}
