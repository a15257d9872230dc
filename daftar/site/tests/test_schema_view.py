"""``/api/schema/`` built once per process and served from memory (issue 17 §7): the same bytes
drf-spectacular generates, a strong ETag, a gzip variant, and a throttle per address."""

from __future__ import annotations

import gzip

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.test import APIClient, APIRequestFactory

from daftar.site.schema import CACHE_CONTROL, CachedSchemaView

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_schema():
    CachedSchemaView.forget()
    yield
    CachedSchemaView.forget()


def spectacular(query: str, **headers: str) -> bytes:
    """What drf-spectacular's own view answers."""
    response = SpectacularAPIView.as_view()(APIRequestFactory().get(f"/api/schema/{query}", **headers))
    response.render()
    return bytes(response.content)


@pytest.mark.parametrize(
    ("query", "accept", "content_type"),
    [
        ("?format=json", None, "application/vnd.oai.openapi+json"),
        ("", "application/vnd.oai.openapi+json", "application/vnd.oai.openapi+json"),
        ("", "application/json", "application/json"),
        ("", None, "application/vnd.oai.openapi; charset=utf-8"),  # YAML, the default
        ("?format=yaml", None, "application/vnd.oai.openapi; charset=utf-8"),
    ],
)
def test_the_schema_is_byte_for_byte_what_spectacular_generates(query, accept, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    ours = APIClient().get(f"/api/schema/{query}", **headers)
    assert ours.status_code == 200
    assert ours["Content-Type"] == content_type
    assert ours.content == spectacular(query, **headers)
    assert ours["Content-Disposition"].startswith("inline; filename=")


def test_the_schema_is_built_once_per_process_and_format(monkeypatch):
    calls = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    client = APIClient()
    bodies = {client.get("/api/schema/?format=json").content for _ in range(3)}
    # media-type parameters, languages and versions make no new body
    client.get("/api/schema/?format=json&lang=en&version=v9", HTTP_ACCEPT="application/vnd.oai.openapi+json; indent=1")
    assert len(bodies) == 1 and len(calls) == 1
    client.get("/api/schema/?format=yaml")
    assert len(calls) == 2


def test_an_unchanged_schema_is_a_304_and_clients_may_keep_it():
    client = APIClient()
    first = client.get("/api/schema/?format=json")
    assert first["Cache-Control"] == CACHE_CONTROL and "max-age" in CACHE_CONTROL
    assert first["ETag"].startswith('"') and "Accept" in first["Vary"]
    again = client.get("/api/schema/?format=json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    stale = client.get("/api/schema/?format=json", HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200 and stale.content == first.content


def test_a_client_that_accepts_gzip_gets_a_twentieth_of_the_bytes():
    client = APIClient()
    plain = client.get("/api/schema/?format=json")
    packed = client.get("/api/schema/?format=json", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and packed["ETag"] != plain["ETag"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 10 < len(plain.content)
    refused = client.get("/api/schema/?format=json", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused and refused.content == plain.content


def test_the_schema_is_throttled_per_address(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "schema": "3/min"},
    }
    me = APIClient(REMOTE_ADDR="203.0.113.50")
    assert [me.get("/api/schema/?format=json").status_code for _ in range(3)] == [200] * 3
    refused = me.get("/api/schema/?format=json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled" and "ثانیهٔ دیگر" in refused.json()["detail"]
    assert APIClient(REMOTE_ADDR="203.0.113.51").get("/api/schema/?format=json").status_code == 200
