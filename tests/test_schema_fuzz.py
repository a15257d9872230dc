"""Schema fuzzing (issue 8): schemathesis drives every operation of ``/api/schema/`` against a
real running server (pytest-django's ``live_server``), as anonymous and as the roles that reach
each endpoint, with a bounded, deterministic number of examples per operation.

The world behind the path parameters is the access matrix's (``access_world.py``): each
(operation, actor) first sends one well-formed request on it, then about half of the generated
examples name its real objects (the case, the licence, the office…), so handlers past their 404
are exercised too. Checks: no 5xx, every status, content type, header and body as the
schema documents them. Every failure is collected (no shrinking: CI stays fast) and the test
fails listing each one with a curl command to reproduce it. docs/api.md «Schema fuzzing».
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pytest
import schemathesis
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from knox.models import AuthToken

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.tests.helpers import GOOD_FACTS

from .access_matrix import MATRIX
from .access_world import World, build_world
from .schema_checks import CHECKS

pytestmark = pytest.mark.django_db(transaction=True)

# Examples per (operation, actor): generated (positive and negative data), plus a few for
# anonymous. DAFTAR_FUZZ_EXAMPLES raises it for a longer local run.
EXAMPLES = int(os.environ.get("DAFTAR_FUZZ_EXAMPLES", "8"))
ANON_EXAMPLES = max(3, EXAMPLES // 3)
# A seed explores other examples locally (CI is derandomized: the same examples every run).
SEED = os.environ.get("DAFTAR_FUZZ_SEED")
PREFIX = "/api/v1"

# Who calls the endpoints without a path parameter (the others follow MATRIX: the actors that
# reach the object, and one that lacks the role). "owner" is the world's applicant.
COLLECTIONS: dict[tuple[str, str], str] = {
    ("GET", "/applications"): "owner reviewer",
    ("POST", "/applications"): "owner",
    ("POST", "/applications/acknowledge"): "reviewer owner",
    ("POST", "/complaints"): "owner",
    ("GET", "/applications/export"): "reviewer owner",
    ("GET", "/appointments"): "owner",
    ("POST", "/appointments"): "owner",
    ("GET", "/auth/captcha"): "",
    ("POST", "/auth/otp/request"): "",
    ("POST", "/auth/otp/verify"): "",
    ("POST", "/auth/logout"): "leaver",  # a user of its own, a fresh token every call
    ("GET", "/calls"): "owner",
    ("POST", "/eligibility"): "owner",
    ("POST", "/exam-sessions"): "examiner reviewer",
    ("GET", "/licence-types"): "",
    ("GET", "/licences"): "holder licensing_authority",
    ("GET", "/licences/public-key"): "",
    ("GET", "/me"): "owner",
    ("PATCH", "/me"): "owner",
    ("GET", "/me/messages"): "owner",  # issue 21 §4
    ("GET", "/offices"): "",
    ("POST", "/planner"): "",
    ("GET", "/reports/revenue"): "municipality_admin owner",
    ("GET", "/tariffs"): "",
}
# One well-formed request per (operation, actor) before the fuzzing, so that success paths run
# too: the access matrix's body and query for object endpoints, these for the others.
COLLECTION_EXAMPLES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("GET", "/applications"): lambda w: {"query": {"status": "all"}},
    ("POST", "/complaints"): lambda w: {
        "body": {"office": w.ids["office"], "ground": "conduct", "text": "کارمند دفتر پاسخ پرسش مرا نداد."}
    },
    ("POST", "/applications"): lambda w: {
        "body": {"call": w.ids["call"], "district": w.extra["district"], "facts": GOOD_FACTS}
    },
    ("GET", "/calls"): lambda w: {"query": {"municipality": "tehran", "status": "open"}},
    ("POST", "/eligibility"): lambda w: {
        "body": {"licence_type": w.ids["licence_type"], "municipality": "tehran", "facts": GOOD_FACTS}
    },
    ("GET", "/licence-types"): lambda w: {"query": {"search": "دفتر خدمات"}},
    ("GET", "/offices"): lambda w: {"query": {"municipality": "tehran"}},
    ("GET", "/reports/revenue"): lambda w: {"query": {"municipality": "tehran"}},
    ("GET", "/tariffs"): lambda w: {"query": {"municipality": "tehran"}},
}
MAX_ACTORS = 3  # logged-in actors per object endpoint (those that reach it first)
# Operations that are slow per call get fewer examples (a certificate is a PDF drawn each time).
DESTRUCTIVE = ("/withdraw", "/actions", "/decision", "/decide")
SLOW = {("GET", "/licences/{number}/certificate.pdf"): 3}


@dataclass
class Plan:
    """One operation: who calls it and which real objects its path parameters name."""

    actors: list[str]
    real_path: dict[str, Any] = field(default_factory=dict)
    owner_of: str = "case"
    example: dict[str, Any] | None = None  # operation.Case(**example): a well-formed request


def _path_names(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)


def plan_for(world: World, method: str, path: str) -> Plan:
    short = path.removeprefix(PREFIX)
    if (method, short) in COLLECTIONS:
        make = COLLECTION_EXAMPLES.get((method, short))
        given_example = make(world) if make else None
        if given_example and "body" in given_example:
            given_example["media_type"] = "application/json"
        return Plan(actors=COLLECTIONS[(method, short)].split(), example=given_example)
    row = MATRIX.get((method, path.replace("{id}", "{pk}")))
    assert row is not None, f"{method} {path}: no row in the access matrix nor in COLLECTIONS (who calls it?)"
    ok = [a for a, cell in row.expect.items() if cell == "ok"]
    forbid = [a for a, cell in row.expect.items() if cell == "403"]
    names = _path_names(path)
    objects = {name: row.pk if name == "id" else row.object_for(name) for name in names}
    real_path = {name: world.ids[obj] for name, obj in objects.items()}
    example: dict[str, Any] | None = {"path_parameters": real_path}
    body = row.body(world) if row.body else None
    if isinstance(body, str):  # the matrix's uploads: left to the generated multipart bodies
        example = None
    elif example is not None:
        query = dict(parse_qsl(row.query.format(**world.extra).lstrip("?")))
        example.update({"query": query} if query else {})
        example.update({"body": body, "media_type": "application/json"} if body is not None else {})
    return Plan(actors=ok[:MAX_ACTORS] + forbid[:1], real_path=real_path, owner_of=objects[names[0]], example=example)


@dataclass
class Found:
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (operation, actor, check) → report
    calls: int = 0
    statuses: dict[str, set[int]] = field(default_factory=dict)  # operation → statuses answered


def fuzz_operation(
    operation: Any,
    actor: str,
    headers: Callable[[], dict[str, str]],
    base_url: str,
    plan: Plan,
    examples: int,
    found: Found,
) -> None:
    """``examples`` cases of positive and negative data, half of them (where the path has
    parameters) on the world's real objects; failures are recorded, not raised (no shrinking)."""
    strategies = []
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
        if plan.real_path:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=plan.real_path))
        strategies.append(operation.as_strategy(generation_mode=mode))

    @settings(
        max_examples=examples,
        derandomize=SEED is None,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=st.one_of(strategies))
    def fuzz(case: Any) -> None:
        check_case(case, actor, headers(), base_url, found)

    (fuzz if SEED is None else seed(int(SEED))(fuzz))()


def check_case(case: Any, actor: str, headers: dict[str, str], base_url: str, found: Found) -> None:
    """Send one case and run the checks; a failure is recorded once per (operation, actor, check)."""
    label = f"{case.operation.method.upper()} {case.operation.path}"
    found.calls += 1
    try:
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        found.statuses.setdefault(label, set()).add(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)
    except schemathesis.errors.FailureGroup as group:
        for failure in group.exceptions:
            found.failures.setdefault((label, actor, failure.title), f"{failure.title}\n{group}")
    except Exception as exc:  # a dropped connection, a timeout: a failure too
        found.failures.setdefault((label, actor, type(exc).__name__), repr(exc))


def test_every_operation_conforms_to_the_schema(live_server: Any, tmp_path: Any) -> None:
    started = time.monotonic()
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        world = build_world()
        leaver = UserFactory.create()  # logs out (``?all=1`` too) with a fresh token every call

        def token(pk: int) -> dict[str, str]:
            return {"Authorization": f"Bearer {AuthToken.objects.create(User.objects.get(pk=pk))[1]}"}

        tokens: dict[int, dict[str, str]] = {}

        def user_pk(actor: str, plan: Plan) -> int:
            if actor == "owner":
                return world.owners.get(plan.owner_of, world.owners["case"])
            if actor == "holder":
                return world.owners["licence"]
            return world.users[actor]

        def headers_of(actor: str, plan: Plan, path: str) -> Callable[[], dict[str, str]]:
            if actor == "anon":
                return dict
            if path.endswith("/auth/logout"):
                return lambda: token(leaver.pk)
            pk = user_pk(actor, plan)
            if pk not in tokens:
                tokens[pk] = token(pk)
            return lambda: dict(tokens[pk])

        schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
        # NUL in strings too: the parsers drop it (PostgreSQL refuses it in text)
        schema.config.generation.update(allow_x00=True, with_security_parameters=False, deterministic=True)
        found = Found()
        timings: dict[str, float] = {}
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 80
        # what takes the world's objects away (a deleted staff row, a withdrawn case, a
        # suspended licence) runs after everything that reads them
        operations.sort(key=lambda op: op.method.upper() == "DELETE" or op.path.endswith(DESTRUCTIVE))
        for operation in operations:
            method, path = operation.method.upper(), operation.path
            plan = plan_for(world, method, path)
            examples = max(1, EXAMPLES // SLOW.get((method, path.removeprefix(PREFIX)), 1))
            t0 = time.monotonic()
            for actor in ["anon", *plan.actors]:
                headers = headers_of(actor, plan, path)
                if plan.example is not None:
                    check_case(operation.Case(**plan.example), actor, headers(), live_server.url, found)
                count = min(examples, ANON_EXAMPLES) if actor == "anon" else examples
                fuzz_operation(operation, actor, headers, live_server.url, plan, count, found)
            timings[f"{method} {path}"] = time.monotonic() - t0
    print(f"\nschema fuzz: {found.calls} calls, {len(operations)} operations, {time.monotonic() - started:.1f}s")
    succeeded = sorted(op for op, codes in found.statuses.items() if any(200 <= c < 300 for c in codes))
    print(f"  a 2xx answer on {len(succeeded)} of {len(operations)} operations")
    if os.environ.get("DAFTAR_FUZZ_VERBOSE"):
        for label, codes in sorted(found.statuses.items()):
            print(f"  {label}: {sorted(codes)}")
    for label, seconds in sorted(timings.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {seconds:5.1f}s {label}")
    report = "\n\n".join(f"[{actor}] {op}: {text}" for (op, actor, _), text in sorted(found.failures.items()))
    assert not found.failures, f"{len(found.failures)} failures:\n\n{report}"
