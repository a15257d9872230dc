"""The access matrix of every object endpoint of the REST API (API.md «Conventions»: 401
unauthenticated, 403 not allowed, 404 not found *or not yours*).

The endpoints are enumerated from the URL configuration; every (method, path) with a path
parameter must have a row in ``MATRIX`` (``access_matrix.py``; a new endpoint without a row
fails, naming it). Each row says which actors reach the object ("ok": 2xx, or a
400/409/413/415/422 that shows the object was reached), which see it but lack the role ("403");
every other logged-in actor gets "404" — the other applicant and the staff of another
municipality always — with a body equal to the same endpoint's answer for a nonexistent id;
anonymous gets "401" unless the endpoint is "public". A refused write (401/403/404) changes
nothing: no row count of the project's tables (audit and SMS outbox included) and no field of
the world's objects moves.

The world (``access_world.py``) is built once for the module inside a transaction that is
rolled back at the end; every test runs in its own savepoint (pytest-django's ``db``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.tests.helpers import client_for, png_bytes, upload_file

from .access_matrix import API, MATRIX, UPLOAD_DOCUMENT, UPLOAD_PHOTO, Row
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

    if expected in ("public", "ok"):  # a public write (a rating through its link) is reached as an "ok" one
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
