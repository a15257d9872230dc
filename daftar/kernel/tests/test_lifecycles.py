"""Every stateful model has one declared lifecycle (issue 16): these hold for all of them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings

from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import LifecycleModel, StatusField, StatusProtected
from daftar.kernel.lifecycles import diagrams, load_all

DOCS = Path(settings.BASE_DIR) / "docs" / "lifecycles"


def _stateful_models() -> list[type]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("daftar."):
            continue
        if any(f.name == "status" or isinstance(f, StatusField) for f in model._meta.fields):
            found.append(model)
    return found


def test_every_diagram_is_current() -> None:
    wanted = diagrams()
    assert wanted, "no lifecycle is declared"
    stale = [name for name, text in wanted.items() if not (DOCS / name).exists() or (DOCS / name).read_text() != text]
    assert not stale, f"stale diagrams (run `make diagrams`): {stale}"
    extra = {p.name for p in DOCS.glob("*.md")} - set(wanted) - {"README.md"}
    assert not extra, f"diagrams of lifecycles that no longer exist: {extra}"


def test_every_guard_and_effect_named_in_a_table_is_bound() -> None:
    unbound = {name: lc.unbound() for name, lc in load_all().items() if lc.unbound()}
    assert unbound == {}


def test_every_model_with_a_status_declares_its_lifecycle() -> None:
    load_all()
    undeclared = []
    for model in _stateful_models():
        label = model._meta.label
        declared = (
            isinstance(model._meta.get_field("status"), StatusField)
            and issubclass(model, LifecycleModel)
            and getattr(model, "LIFECYCLE", None) is not None
        )
        if not declared:
            undeclared.append(label)
    assert undeclared == []


@pytest.mark.parametrize("model", [m for m in _stateful_models() if issubclass(m, LifecycleModel)], ids=str)
def test_a_status_cannot_be_assigned_outside_a_move(model: type) -> None:
    lifecycle = model.LIFECYCLE
    first, second = list(lifecycle.states.values)[:2]
    obj = model(status=first)  # loading a row sets the status once
    with pytest.raises(StatusProtected):
        obj.status = second
    assert obj.status == first
    obj.status = first  # the same value is no change


@pytest.mark.parametrize("name", sorted(load_all()))
def test_the_table_refuses_every_illegal_move_and_changes_nothing(name: str) -> None:
    lifecycle = load_all()[name]
    illegal = list(lifecycle.illegal())
    assert illegal, "a lifecycle where every move is legal from every state declares nothing"
    for state, move in illegal:
        obj = SimpleNamespace(**{lifecycle.field: state})
        with pytest.raises(ApplicationError) as refused:
            lifecycle.check(obj, move.action, actor=None, may=lambda *_: True, refuse=lambda *_: AssertionError())
        assert refused.value.status_code == 409, (state, move.action)
        assert getattr(obj, lifecycle.field) == state
