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
    get_ownership_adapter,
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


# --- the mobile-ownership inquiry (S15.3; decision 0030) ----------------------------------------


def test_simulator_registers_every_number_to_every_valid_code_but_0999() -> None:
    code, sim = national_code(), SimulatorAdapter()
    ref = f"SIM-mobile_owner-{hashlib.sha256(f'09121234567:{code}'.encode()).hexdigest()[:10]}"
    assert sim.mobile_owner("09121234567", code, timeout=1) == Outcome(True, msg.SIM_OWNER, ref)
    refused = sim.mobile_owner("09991234567", code, timeout=1)
    assert (refused.passed, refused.reason) == (False, msg.SIM_NOT_OWNER)
    bad = sim.mobile_owner("09121234567", "0012345678", timeout=1)
    assert (bad.passed, bad.reason) == (False, msg.SIM_BAD_CODE)


def test_simulator_accepts_the_demo_pairs() -> None:
    from daftar.demo.data import DEMO_USERS

    assert all(SimulatorAdapter().mobile_owner(m, code, timeout=1).passed for m, _, _, _, code in DEMO_USERS)


def test_simulator_ownership_fault_injection_counts_per_number_and_code() -> None:
    code, sim = national_code("990"), SimulatorAdapter()
    for _ in range(2):
        with pytest.raises(InquiryUnavailable):
            sim.mobile_owner("09121234567", code, timeout=1)
    assert sim.mobile_owner("09121234567", code, timeout=1).passed
    with pytest.raises(InquiryUnavailable):  # another number has its own counter
        sim.mobile_owner("09121234568", code, timeout=1)
    with pytest.raises(InquiryUnavailable):  # and the case inquiries of the code theirs
        sim.check("identity", person(code), timeout=1)


@pytest.fixture
def shahkar(settings: Any) -> Any:
    settings.OWNERSHIP_BACKEND = "http"
    settings.OWNERSHIP_HTTP_URL = "https://shahkar.example/v1"
    settings.OWNERSHIP_HTTP_KEY = "s3cret"
    adapter = get_ownership_adapter()
    assert isinstance(adapter, HttpAdapter)
    return adapter


def test_http_adapter_sends_only_the_number_and_the_code(shahkar: HttpAdapter, monkeypatch: Any) -> None:
    calls: list[dict[str, Any]] = []

    def post(url: str, **kwargs: Any) -> FakeResponse:
        calls.append({"url": url, **kwargs})
        return FakeResponse(200, {"passed": True, "reason": "تطابق دارد", "reference": "SH-1"})

    monkeypatch.setattr(requests, "post", post)
    code = national_code()
    assert shahkar.mobile_owner("09121234567", code, timeout=2.5) == Outcome(True, "تطابق دارد", "SH-1")
    [call] = calls
    assert call["url"] == "https://shahkar.example/v1/mobile_owner"
    assert call["json"] == {"mobile": "09121234567", "national_code": code}
    assert (call["headers"], call["timeout"]) == ({"Authorization": "Bearer s3cret"}, 2.5)


@pytest.mark.parametrize(
    "behaviour",
    [
        requests.Timeout("read timed out"),
        requests.ConnectionError("refused"),
        FakeResponse(502, text="bad gateway"),
        FakeResponse(404, text="no such path"),
        FakeResponse(200, {"passed": 1, "reason": "", "reference": ""}),
    ],
)
def test_http_ownership_without_an_answer_is_unavailable(
    shahkar: HttpAdapter, monkeypatch: Any, behaviour: Any
) -> None:
    def post(url: str, **kwargs: Any) -> FakeResponse:
        if isinstance(behaviour, Exception):
            raise behaviour
        return behaviour

    monkeypatch.setattr(requests, "post", post)
    with pytest.raises(InquiryUnavailable):
        shahkar.mobile_owner("09121234567", national_code(), timeout=1)


def test_get_ownership_adapter_follows_its_own_settings(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.INQUIRY_BACKEND, settings.OWNERSHIP_BACKEND = "http", "simulator"
    assert isinstance(get_ownership_adapter(), SimulatorAdapter)
    settings.OWNERSHIP_BACKEND, settings.OWNERSHIP_HTTP_URL = "http", ""
    with pytest.raises(ImproperlyConfigured):
        get_ownership_adapter()
    settings.OWNERSHIP_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_ownership_adapter()
