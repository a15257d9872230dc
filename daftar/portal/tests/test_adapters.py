"""The adapter contract (docs/portal.md): the HTTP client against a fake portal on 127.0.0.1
answering recorded JSON, and the simulator's behaviour."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from daftar.portal.adapters import (
    HttpAdapter,
    PortalUnavailable,
    SimulatorAdapter,
    get_adapter,
    national_id_for,
    simulator_down,
    simulator_file,
    simulator_sent,
)

from .fakeportal import FakePortal, recorded

LICENCE = {"number": "TEH-1404-000001", "case": "AB12-CD34-EF", "municipality": "tehran"}


@pytest.fixture
def portal():
    with FakePortal() as fake:
        yield fake


def test_http_registers_a_licence_and_answers_its_national_id(portal) -> None:
    portal.route("POST", "licences", 201, recorded("licence_registered.json"))
    reply = HttpAdapter(portal.url, "s3cret").deliver("licence_issued", LICENCE, timeout=2)
    assert reply["national_id"] == "1405002718281828"
    request = portal.script.received[0]
    assert (request["method"], request["path"]) == ("POST", "/v1/licences")
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["json"] == {"kind": "licence_issued", **LICENCE}


def test_http_sends_status_and_decision_to_their_paths(portal) -> None:
    portal.route("POST", "cases/status", 200, recorded("status_accepted.json"))
    portal.route("POST", "cases/decision", 200, recorded("status_accepted.json"))
    adapter = HttpAdapter(portal.url + "/", "k")
    assert adapter.deliver("status_changed", {"case": "X", "status": "submitted"}, timeout=2) == {"accepted": True}
    assert adapter.deliver("decision", {"case": "X", "decision": "rejected"}, timeout=2) == {"accepted": True}
    assert [r["path"] for r in portal.script.received] == ["/v1/cases/status", "/v1/cases/decision"]
    assert portal.script.received[1]["json"]["kind"] == "decision"


def test_http_lists_the_portal_applications(portal) -> None:
    portal.route("GET", "applications", 200, recorded("applications.json"))
    rows = HttpAdapter(portal.url, "k").applications(timeout=2)
    assert [r["reference"] for r in rows] == ["NLP-1405-00000917"]
    assert rows[0]["applicant"]["mobile"] == "09127770917"


@pytest.mark.parametrize(
    "status,body,code",
    [
        (503, "{}", "server_error"),
        (500, "<html>oops</html>", "server_error"),
        (400, recorded("error_refused.json"), "rejected"),
        (401, "{}", "rejected"),
        (200, "not json", "bad_reply"),
        (200, "[1, 2]", "bad_reply"),
        (200, json.dumps({"national_id": "12345"}), "bad_reply"),
        (200, json.dumps({"national_id": "۱۴۰۵۰۰۲۷۱۸۲۸۱۸۲۸"}), "bad_reply"),
    ],
)
def test_http_anything_but_a_good_answer_is_unavailable(portal, status, body, code, caplog) -> None:
    portal.route("POST", "licences", status, body)
    with caplog.at_level(logging.ERROR), pytest.raises(PortalUnavailable) as caught:
        HttpAdapter(portal.url, "k").deliver("register_licence", LICENCE, timeout=2)
    assert caught.value.code == code
    if status < 500:
        assert "portal_" in caplog.text  # logged for us to fix


def test_http_timeout_and_refused_connection(portal) -> None:
    portal.route("POST", "licences", 201, recorded("licence_registered.json"), delay=1.0)
    with pytest.raises(PortalUnavailable) as slow:
        HttpAdapter(portal.url, "k").deliver("licence_issued", LICENCE, timeout=0.2)
    assert slow.value.code == "timeout"
    with pytest.raises(PortalUnavailable) as refused:
        HttpAdapter("http://127.0.0.1:9/v1", "k").deliver("licence_issued", LICENCE, timeout=1)
    assert refused.value.code == "connection"


def test_http_bad_applications_list(portal) -> None:
    portal.route("GET", "applications", 200, json.dumps({"applications": "none"}))
    with pytest.raises(PortalUnavailable):
        HttpAdapter(portal.url, "k").applications(timeout=2)


def test_backend_setting_picks_the_adapter(settings) -> None:
    settings.PORTAL_BACKEND = "simulator"
    assert isinstance(get_adapter(), SimulatorAdapter)
    settings.PORTAL_BACKEND, settings.PORTAL_HTTP_URL = "http", "https://portal.example/v1"
    assert isinstance(get_adapter(), HttpAdapter)
    settings.PORTAL_HTTP_URL = ""
    with pytest.raises(ImproperlyConfigured):
        get_adapter()
    settings.PORTAL_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_adapter()


def test_simulator_gives_a_stable_16_digit_national_id_per_licence() -> None:
    first = SimulatorAdapter().deliver("licence_issued", LICENCE, timeout=1)["national_id"]
    again = SimulatorAdapter().deliver("register_licence", LICENCE, timeout=1)["national_id"]
    other = national_id_for("TEH-1404-000002")
    assert first == again == national_id_for(LICENCE["number"])
    assert len(first) == 16 and first.isdigit() and first.isascii()
    assert other != first and len(other) == 16
    assert [m["kind"] for m in simulator_sent()] == ["licence_issued", "register_licence"]


def test_simulator_down_then_up() -> None:
    simulator_down(True)
    with pytest.raises(PortalUnavailable):
        SimulatorAdapter().deliver("status_changed", {"case": "X"}, timeout=1)
    with pytest.raises(PortalUnavailable):
        SimulatorAdapter().applications(timeout=1)
    simulator_down(False)
    assert SimulatorAdapter().deliver("status_changed", {"case": "X"}, timeout=1) == {"accepted": True}


def test_simulator_lists_its_applications_and_filed_ones() -> None:
    base = SimulatorAdapter().applications(timeout=1)
    assert [a["reference"] for a in base] == ["NLP-1405-00000001", "NLP-1405-00000002"]
    simulator_file({**base[0], "reference": "NLP-1405-00000003"})
    assert len(SimulatorAdapter().applications(timeout=1)) == 3


def test_simulator_refuses_a_licence_without_number() -> None:
    with pytest.raises(PortalUnavailable) as caught:
        SimulatorAdapter().deliver("licence_issued", {}, timeout=1)
    assert caught.value.code == "rejected"
