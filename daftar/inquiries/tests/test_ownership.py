"""The mobile-ownership inquiry as the profile asks it (``MobileOwnershipAsked``): one call with
a time-out through its own circuit breaker; no answer is "try later", never a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.accounts.events import MobileOwnership, MobileOwnershipAsked
from daftar.inquiries.adapters import InquiryUnavailable, SimulatorAdapter
from daftar.inquiries.breaker import Breaker
from daftar.kernel.events import ask

from .conftest import national_code


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.INQUIRY_BREAKER_THRESHOLD = 2
    settings.INQUIRY_BREAKER_COOLDOWN = 90


def test_the_accounts_question_has_one_answer_from_the_simulator() -> None:
    code = national_code()
    answer = ask(MobileOwnershipAsked(mobile="09121234567", national_code=code))
    assert answer == MobileOwnership(
        answered=True,
        owner=True,
        reference=SimulatorAdapter().mobile_owner("09121234567", code, timeout=1).reference,
    )
    refused = ask(MobileOwnershipAsked(mobile="09991234567", national_code=code))
    assert (refused.answered, refused.owner) == (True, False)


def test_no_answer_opens_the_circuit_and_then_the_body_is_not_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def down(self: Any, mobile: str, code: str, *, timeout: float) -> Any:
        calls.append(mobile)
        raise InquiryUnavailable("timed out")

    monkeypatch.setattr(SimulatorAdapter, "mobile_owner", down)
    question = MobileOwnershipAsked(mobile="09121234567", national_code=national_code())
    answers = [ask(question) for _ in range(3)]
    assert [a.answered for a in answers] == [False, False, False]
    assert len(calls) == 2  # the third found the circuit open
    assert Breaker("inquiry:mobile_owner").state() == "open"
    assert 0 < answers[2].retry_after <= 90
    assert Breaker("inquiry:identity").state() == "closed"  # the case inquiries are not held up


def test_a_crashing_adapter_is_no_answer_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any, mobile: str, code: str, *, timeout: float) -> Any:
        raise KeyError("bug")

    monkeypatch.setattr(SimulatorAdapter, "mobile_owner", broken)
    answer = ask(MobileOwnershipAsked(mobile="09121234567", national_code=national_code()))
    assert (answer.answered, answer.owner) == (False, False)


def test_an_answer_closes_the_circuit_again(monkeypatch: pytest.MonkeyPatch) -> None:
    breaker = Breaker("inquiry:mobile_owner")
    breaker.failure()
    ask(MobileOwnershipAsked(mobile="09121234567", national_code=national_code()))
    breaker.failure()
    assert breaker.state() == "closed"  # one failure after a success: the count started again
