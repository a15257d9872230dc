"""Typed events between apps: handled in the emitter's transaction, never silently lost."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from daftar.kernel import events


@dataclass(frozen=True)
class _Pinged:
    n: int


def test_emit_runs_every_handler_in_order_and_returns_their_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_HANDLERS", events.defaultdict(list))
    events.subscribe(_Pinged, lambda e: e.n + 1)
    events.subscribe(_Pinged, lambda e: e.n * 10)
    assert events.emit(_Pinged(2)) == [3, 20]


def test_ask_needs_exactly_one_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_HANDLERS", events.defaultdict(list))
    with pytest.raises(LookupError):
        events.ask(_Pinged(1))  # an effect nobody handles is an error, not a no-op
    events.subscribe(_Pinged, lambda e: "one")
    assert events.ask(_Pinged(1)) == "one"
    events.subscribe(_Pinged, lambda e: "two")
    with pytest.raises(LookupError):
        events.ask(_Pinged(1))
