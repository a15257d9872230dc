"""Each answer a client really gets is documented by the OpenAPI schema: status, content type
and body (checked with schemathesis against ``/api/schema/``). Plain requests for what the schema
fuzzing (``test_schema_fuzz.py``, issue 8) found the schema getting wrong."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.applications.tests.helpers import client_for

from .access_world import World, world_rolled_back
from .schema_checks import CHECKS  # the same checks as the fuzzing

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), world_rolled_back(tmp_path_factory, "schema-regressions-media") as w:
        yield w


@pytest.fixture(scope="module")
def schema(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def _client(world: World, actor: str) -> APIClient:
    if actor == "anon":
        return APIClient()
    pk = world.owners[actor.removeprefix("owner:")] if actor.startswith("owner:") else world.users[actor]
    return client_for(User.objects.get(pk=pk))


def conforms(schema: Any, method: str, template: str, url: str, response: Any, **case: Any) -> None:
    """Raise (listing what differs) unless ``response`` is documented for ``method template``."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    sent = requests.Request(method=method, url=f"http://testserver{url}").prepare()
    answer = schemathesis.Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=content,
        request=sent,
        elapsed=0.0,
        verify=False,
    )
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    found = re.match(pattern, url.split("?")[0])
    assert found, (template, url)
    schema[template][method].Case(path_parameters=found.groupdict(), **case).validate_response(answer, checks=CHECKS)


# (actor, method, schema path, URL with the world's ids, request body, expected status)
FOUND: list[tuple[str, str, str, str, Any, int]] = [
    # lists of APIViews were documented as bare arrays; they are pages {count, next, previous, results}
    ("owner:case", "GET", "/api/v1/applications", "/api/v1/applications", None, 200),
    ("reviewer", "GET", "/api/v1/applications", "/api/v1/applications?status=all", None, 200),
    ("owner:licence", "GET", "/api/v1/licences", "/api/v1/licences", None, 200),
    ("licensing_authority", "GET", "/api/v1/licences", "/api/v1/licences", None, 200),
    ("owner:office", "GET", "/api/v1/offices/{id}/closings", "/api/v1/offices/{office}/closings", None, 200),
    ("supervisor", "GET", "/api/v1/offices/{id}/transactions", "/api/v1/offices/{office}/transactions", None, 200),
    # a page past the end is DRF's 404
    ("reviewer", "GET", "/api/v1/applications", "/api/v1/applications?page=99", None, 404),
    ("owner:licence", "GET", "/api/v1/licences", "/api/v1/licences?page=99", None, 404),
    # files are served in their checked type, not application/octet-stream
    ("owner:case", "GET", "/api/v1/documents/{id}/download", "/api/v1/documents/{document}/download", None, 200),
    (
        "inspector",
        "GET",
        "/api/v1/inspections/{id}/photos/{photo_id}",
        "/api/v1/inspections/{inspection}/photos/{photo}",
        None,
        200,
    ),
    # 401 without a token, 403 for a role that may not, 400 for a bad Idempotency-Key: undocumented
    ("anon", "GET", "/api/v1/applications/export", "/api/v1/applications/export", None, 401),
    ("anon", "POST", "/api/v1/auth/logout", "/api/v1/auth/logout", None, 401),
    ("reviewer", "PATCH", "/api/v1/applications/{id}", "/api/v1/applications/{case}", {"facts": {}}, 403),
    ("reviewer", "POST", "/api/v1/applications/{id}/submit", "/api/v1/applications/{case}/submit", None, 403),
]


@pytest.mark.parametrize(
    ("actor", "method", "template", "url", "body", "status"),
    FOUND,
    ids=[f"{m} {u} [{a}] {s}" for a, m, _, u, _, s in FOUND],
)
def test_the_answer_is_documented(
    world: World, schema: Any, actor: str, method: str, template: str, url: str, body: Any, status: int
) -> None:
    real = url.format(**world.ids)
    client = _client(world, actor)
    response = getattr(client, method.lower())(real, body, format="json") if body else client.generic(method, real)
    assert response.status_code == status, response.content[:300]
    conforms(schema, method, template, real, response)


def test_a_bad_idempotency_key_is_a_documented_400(world: World, schema: Any) -> None:
    url = f"/api/v1/applications/{world.ids['case']}/submit"
    response = _client(world, "owner:case").post(url, HTTP_IDEMPOTENCY_KEY="no")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    conforms(schema, "POST", "/api/v1/applications/{id}/submit", url, response)


def test_the_schema_is_valid_without_warnings(tmp_path: Any) -> None:
    """``manage.py spectacular --validate --fail-on-warn`` (the OpenAPI 3 validator)."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 10_000


def test_every_operation_documents_the_plumbing_errors(schema: Any) -> None:
    """401 wherever a token is read, 404 wherever a path names an object, 400/415 wherever a
    body is read, 413, the throttle backstop's 429 and the lost database's 503 (both with
    Retry-After) everywhere (daftar/kernel/schema.py)."""
    raw = schema.raw_schema
    missing = []
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            schemes = {name for requirement in operation.get("security") or [] for name in requirement}
            expected = {"401"} if schemes else set()
            expected |= {"404"} if "{" in path else set()
            expected |= {"400", "415"} if operation.get("requestBody") else set()
            expected |= {"413", "429", "503"}
            for status in ("429", "503"):
                if "Retry-After" not in operation["responses"].get(status, {}).get("headers", {}):
                    missing.append(f"{method.upper()} {path}: {status} without Retry-After")
            if not expected <= statuses:
                missing.append(f"{method.upper()} {path}: {sorted(expected - statuses)}")
    assert not missing, missing


def test_a_404_is_documented_only_where_a_page_can_be_past_the_end(schema: Any) -> None:
    """Review of issue 8: the offices list pages itself and answers a page past the end with an
    empty 200, so it documents no 404; DRF's pager (the queue, licences) does answer 404."""
    raw = schema.raw_schema
    assert "404" not in raw["paths"]["/api/v1/offices"]["get"]["responses"]
    assert "404" in raw["paths"]["/api/v1/applications"]["get"]["responses"]
    assert "404" in raw["paths"]["/api/v1/licences"]["get"]["responses"]
