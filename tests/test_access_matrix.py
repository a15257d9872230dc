"""The access matrix of every object endpoint of the REST API (API.md «Conventions»: 401
unauthenticated, 403 not allowed, 404 not found *or not yours*).

The endpoints are enumerated from the URL configuration; every (method, path) with a path
parameter must have a row in ``MATRIX`` (a new endpoint without a row fails, naming it). Each row
says which actors reach the object ("ok": 2xx, or a 400/409/413/415/422 that shows the object
was reached), which see it but lack the role ("403"); every other logged-in actor gets "404" —
the other applicant and the staff of another municipality always — with a body equal to the
same endpoint's answer for a nonexistent id; anonymous gets "401" unless the endpoint is
"public". A refused write (401/403/404) changes nothing: no row count of the project's tables
(audit and SMS outbox included) and no field of the world's objects moves.

The world (``access_world.py``) is built once for the module inside a transaction that is
rolled back at the end; every test runs in its own savepoint (pytest-django's ``db``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.tests.helpers import INSPECTION, client_for, png_bytes, upload_file
from daftar.supervision.services import period_of

from .access_world import (
    ACTORS,
    FOREIGN,
    MISSING_ID,
    MISSING_NUMBER,
    REASON,
    STAFF_ROLE_NAMES,
    World,
    changed,
    fingerprint,
    url_patterns,
    world_rolled_back,
)

pytestmark = pytest.mark.django_db

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
    ("GET", "/api/v1/licences/{number}/certificate.pdf"): Row(cells(ok="owner " + LICENCE_STAFF)),
    ("POST", "/api/v1/licences/{number}/actions"): Row(
        cells(ok="licensing_authority", forbid="owner " + _others(LICENCE_STAFF, but="licensing_authority")),
        body=lambda w: {
            "action": "suspend",
            "reason": "تعلیق برای آزمون ماتریس دسترسی",
            "until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
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
PARAM_OBJECT = {"number": "licence", "code": "licence_type", "kind": "kind", "photo_id": "photo"}
READ_STATUSES = range(200, 300)
REACHED_STATUSES = {*range(200, 300), 400, 409, 413, 415, 422}


# --- the endpoints, from the URL configuration ----------------------------------------------


def api_endpoints() -> set[tuple[str, str]]:
    """Every (METHOD, /api/v1/path) the URL configuration serves, parameters as ``{name}``."""
    found: set[tuple[str, str]] = set()
    for path, p in url_patterns():
        if not path.startswith(API):
            continue
        view = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
        if view is None:  # a function view: its methods are unknown, so it needs a row per GET
            found.add(("GET", path))
            continue
        for method in view.http_method_names:
            if method not in ("options", "head", "trace") and hasattr(view, method):
                found.add((method.upper(), path))
    return found


def object_endpoints() -> set[tuple[str, str]]:
    return {(m, p) for m, p in api_endpoints() if "{" in p}


def test_every_object_endpoint_has_a_row_and_every_row_an_endpoint() -> None:
    served, declared = object_endpoints(), set(MATRIX)
    missing = sorted(served - declared)
    stale = sorted(declared - served)
    assert not missing, "object endpoints without a row in MATRIX: " + ", ".join(f"{m} {p}" for m, p in missing)
    assert not stale, "MATRIX rows for endpoints that no longer exist: " + ", ".join(f"{m} {p}" for m, p in stale)


def test_the_matrix_is_not_trivial() -> None:
    assert len(object_endpoints()) >= 30
    for key, row in MATRIX.items():
        assert set(row.expect) == set(ACTORS), key
        public = set(row.expect.values()) == {"public"}
        for actor in ["other_applicant", *(FOREIGN + r for r in STAFF_ROLE_NAMES)]:
            # the key rule: not yours is not found
            assert row.expect[actor] == ("public" if public else "404"), (key, actor)


# --- the world (once per module) -------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), world_rolled_back(tmp_path_factory, "access-matrix-media") as w:
        yield w


def _user(w: World, actor: str, obj: str) -> User | None:
    if actor == "anon":
        return None
    pk = w.owners.get(obj, w.owners["case"]) if actor == "owner" else w.users[actor]
    return User.objects.get(pk=pk)  # fresh: no role cache carried over from another test


def _client(user: User | None) -> APIClient:
    return APIClient() if user is None else client_for(user)


def _object_of(pattern: str, row: Row) -> str:
    """The world object that owns the endpoint (whose owner is the "owner" column)."""
    if "{pk}" in pattern:
        return row.pk
    names = re.findall(r"\{(\w+)\}", pattern)
    assert names, pattern
    return row.object_for(names[0])


def _url(w: World, pattern: str, row: Row, *, missing: bool = False) -> str:
    def value(match: re.Match[str]) -> str:
        obj = row.object_for(match.group(1))
        if missing and obj not in ("kind", "licence_type"):
            return MISSING_NUMBER if obj == "licence" else str(MISSING_ID)
        return str(w.ids[obj])

    return re.sub(r"\{(\w+)\}", value, pattern) + row.query.format(**w.extra)


def _send(client: APIClient, method: str, url: str, body: Any) -> Any:
    if body == UPLOAD_DOCUMENT:
        return client.post(url, {"type": "degree", "file": upload_file("degree")}, format="multipart")
    if body == UPLOAD_PHOTO:
        from django.core.files.uploadedfile import SimpleUploadedFile

        photo = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
        return client.post(url, {"file": photo}, format="multipart")
    call = getattr(client, method.lower())
    return call(url) if body is None else call(url, body, format="json")


def _json(response: Any) -> Any:
    try:
        return response.json()
    except (ValueError, TypeError):
        return None


def _show(response: Any) -> str:
    content = b"" if getattr(response, "streaming", False) else response.content[:300]
    return f"{response.status_code} {content!r}"


CELLS = [(method, pattern, actor) for (method, pattern) in MATRIX for actor in ACTORS]


@pytest.mark.parametrize(("method", "pattern", "actor"), CELLS, ids=[f"{m} {p} [{a}]" for m, p, a in CELLS])
def test_access(world: World, method: str, pattern: str, actor: str) -> None:
    row = MATRIX[(method, pattern)]
    expected = row.expect[actor]
    obj = _object_of(pattern, row)
    user = _user(world, actor, obj)
    body = row.body(world) if row.body else None
    url = _url(world, pattern, row)
    writes = method != "GET"
    before = fingerprint(world) if writes else None

    response = _send(_client(user), method, url, body)
    status = response.status_code
    where = f"{method} {url} as {actor}: expected {expected}, got {_show(response)}"

    if expected == "public":
        assert status in READ_STATUSES, where
    elif expected == "ok":
        assert status in (READ_STATUSES if not writes else REACHED_STATUSES), where
    elif expected == "401":
        assert status == 401, where
    elif expected == "403":
        assert status == 403, where
        assert _json(response)["code"] == "permission_denied", where
    elif expected == "404":
        assert status == 404, where
        got = _json(response)
        assert isinstance(got, dict) and got.get("code") == "not_found", where
        # "not yours" must look exactly like "does not exist"
        missing = _send(_client(user), method, _url(world, pattern, row, missing=True), body)
        assert (status, got) == (missing.status_code, _json(missing)), (
            f"{where}; a nonexistent id answers {_show(missing)}"
        )
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown expectation {expected!r}")

    if writes and expected in ("401", "403", "404"):
        after = fingerprint(world)
        assert not changed(before, after), f"{where}; a refused write changed {changed(before, after)}"


# --- collection endpoints: lists never show another municipality's or person's rows ----------

CASES = ("case", "other_case", "interview_case", "inspection_case")


def _visible_cases(actor: str) -> set[str]:
    """The world's cases whose detail the actor may read (MATRIX's GET row)."""
    row = MATRIX[("GET", "/api/v1/applications/{pk}")]
    if row.expect[actor] != "ok":
        return set()
    if actor == "owner":
        return {"case"}
    return set(CASES)


@pytest.mark.parametrize("actor", [a for a in ACTORS if a not in ("anon", "owner")])
def test_lists_show_only_what_the_detail_shows(world: World, actor: str) -> None:
    user = _user(world, actor, "case")
    client = _client(user)
    ids = {world.ids[c]: c for c in CASES}

    queue = client.get("/api/v1/applications?status=all&page_size=200")
    assert queue.status_code == 200, _show(queue)
    listed = {ids[r["id"]] for r in queue.json()["results"] if r["id"] in ids}
    allowed = _visible_cases(actor) | ({"other_case"} if actor == "other_applicant" else set())
    assert listed <= allowed, (actor, listed - allowed)
    if actor.startswith(FOREIGN):
        assert listed == set(), actor

    licences = client.get("/api/v1/licences?page_size=200")
    assert licences.status_code == 200, _show(licences)
    numbers = {r["number"] for r in licences.json()["results"]}
    may_read = MATRIX[("GET", "/api/v1/licences/{number}/certificate.pdf")].expect[actor] == "ok"
    assert (world.ids["licence"] in numbers) <= may_read, (actor, numbers)

    export = client.get("/api/v1/applications/export?status=all&as=csv")
    if export.status_code == 200:
        text = (b"".join(export.streaming_content) if export.streaming else export.content).decode()
        codes = dict(Application.objects.filter(pk__in=ids).values_list("pk", "tracking_code"))
        leaked = [ids[pk] for pk, code in codes.items() if code and code in text]  # the export shows codes
        assert set(leaked) <= _visible_cases(actor), (actor, leaked)
    else:
        assert export.status_code == 403, _show(export)

    before = fingerprint(world)
    ack = client.post("/api/v1/applications/acknowledge", {"ids": list(ids)}, format="json")
    assert ack.status_code == 200, _show(ack)
    if not _visible_cases(actor):
        assert ack.json() == {"acknowledged": 0}, actor
        assert fingerprint(world) == before, actor
