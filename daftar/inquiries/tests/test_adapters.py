"""The simulator's demo answers and fault injection; the HTTP adapter against a fake requests."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

import pytest
import requests

from daftar.inquiries import messages as msg
from daftar.inquiries.adapters import (
    HttpAdapter,
    InquiryUnavailable,
    Outcome,
    Person,
    SimulatorAdapter,
    get_adapter,
)
from daftar.inquiries.models import Kind

from .conftest import national_code

KINDS = [k.value for k in Kind]


def person(code: str, birth_date: dt.date | None = dt.date(1990, 3, 21)) -> Person:
    return Person(code, birth_date, "رضا", "قاسمی", "bachelor", "urban_planning")


def test_simulator_passes_a_valid_code_for_every_kind() -> None:
    code = national_code("001")
    for kind in KINDS:
        outcome = SimulatorAdapter().check(kind, person(code), timeout=1)
        ref = f"SIM-{kind}-{hashlib.sha256(code.encode()).hexdigest()[:10]}"
        assert outcome == Outcome(True, msg.SIM_PASSED, ref)


@pytest.mark.parametrize(
    "prefix,failing", [("999", "criminal_record"), ("998", "addiction"), ("997", "health"), ("996", "degree")]
)
def test_simulator_fails_one_kind_per_prefix(prefix: str, failing: str) -> None:
    code = national_code(prefix)
    results = {kind: SimulatorAdapter().check(kind, person(code), timeout=1) for kind in KINDS}
    assert {kind for kind, o in results.items() if not o.passed} == {failing}
    assert results[failing].reason == msg.SIM_FAILED[failing]


def test_simulator_identity_needs_a_birth_date_and_a_valid_code() -> None:
    outcome = SimulatorAdapter().check("identity", person(national_code(), birth_date=None), timeout=1)
    assert (outcome.passed, outcome.reason) == (False, msg.SIM_NO_BIRTH_DATE)
    assert SimulatorAdapter().check("health", person(national_code(), birth_date=None), timeout=1).passed
    bad = SimulatorAdapter().check("health", person("0012345678"), timeout=1)
    assert (bad.passed, bad.reason) == (False, msg.SIM_BAD_CODE)


def test_simulator_fault_injection_counts_per_code_and_kind() -> None:
    code, sim = national_code("990"), SimulatorAdapter()
    for _ in range(2):
        with pytest.raises(InquiryUnavailable):
            sim.check("identity", person(code), timeout=1)
    assert sim.check("identity", person(code), timeout=1).passed
    assert sim.check("identity", person(code), timeout=1).passed
    with pytest.raises(InquiryUnavailable):  # another kind has its own counter
        sim.check("health", person(code), timeout=1)


class FakeResponse:
    def __init__(self, status: int, payload: Any = None, text: str = "") -> None:
        self.status_code, self.payload, self.text = status, payload, text

    def json(self) -> Any:
        if self.payload is None:
            raise ValueError("no JSON")
        return self.payload


@pytest.fixture
def http(settings: Any) -> HttpAdapter:
    settings.INQUIRY_BACKEND = "http"
    settings.INQUIRY_HTTP_URL = "https://gateway.example/inquiry/"
    settings.INQUIRY_HTTP_KEY = "k3y"
    adapter = get_adapter()
    assert isinstance(adapter, HttpAdapter)
    return adapter


def test_http_adapter_posts_the_person_and_reads_the_answer(http: HttpAdapter, monkeypatch: Any) -> None:
    calls: list[dict[str, Any]] = []

    def post(url: str, **kwargs: Any) -> FakeResponse:
        calls.append({"url": url, **kwargs})
        return FakeResponse(200, {"passed": False, "reason": "سابقه دارد", "reference": "R-1"})

    monkeypatch.setattr(requests, "post", post)
    code = national_code()
    assert http.check("criminal_record", person(code), timeout=3.5) == Outcome(False, "سابقه دارد", "R-1")
    [call] = calls
    assert call["url"] == "https://gateway.example/inquiry/criminal_record"
    assert call["headers"] == {"Authorization": "Bearer k3y"}
    assert call["timeout"] == 3.5
    assert call["json"]["national_code"] == code
    assert call["json"]["birth_date"] == "1990-03-21"


@pytest.mark.parametrize(
    "behaviour",
    [
        requests.Timeout("read timed out"),
        requests.ConnectionError("refused"),
        FakeResponse(503, text="down"),
        FakeResponse(200, text="<html>"),
        FakeResponse(200, {"passed": "yes", "reason": "", "reference": ""}),
    ],
)
def test_http_adapter_no_answer_is_unavailable(http: HttpAdapter, monkeypatch: Any, behaviour: Any) -> None:
    def post(url: str, **kwargs: Any) -> FakeResponse:
        if isinstance(behaviour, Exception):
            raise behaviour
        return behaviour

    monkeypatch.setattr(requests, "post", post)
    with pytest.raises(InquiryUnavailable):
        http.check("health", person(national_code()), timeout=1)


def test_http_adapter_4xx_is_unavailable_and_logged_as_error(
    http: HttpAdapter, monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(requests, "post", lambda url, **kw: FakeResponse(422, text="bad field"))
    with caplog.at_level(logging.ERROR, logger="daftar.inquiries.adapters"), pytest.raises(InquiryUnavailable):
        http.check("health", person(national_code()), timeout=1)
    assert any("inquiry_rejected" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_get_adapter_follows_settings(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.INQUIRY_BACKEND = "simulator"
    assert isinstance(get_adapter(), SimulatorAdapter)
    settings.INQUIRY_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_adapter()
