"""Declared lifecycles: one table of moves for every model that has a status (issue 16).

A lifecycle is the single answer to "what can happen to this thing". Each ``Move`` row names
the states it starts from, the state it reaches, the roles that may take it, the guard that
must hold and the effect that follows; the owning app's services bind the guard and effect
names to functions and call :meth:`Lifecycle.take`. Nothing else changes the status:

- the model declares its status with :class:`StatusField`, whose value cannot be assigned
  outside a move (``StatusProtected``), and mixes in :class:`LifecycleModel` so that
  ``refresh_from_db`` still works;
- pages, templates and the API ask :meth:`Lifecycle.available` which moves the person in front
  of them may take now, so no rule is re-derived in a template;
- ``docs/lifecycles/`` holds a diagram generated from each table (``make diagrams``; a test
  fails when a diagram is stale).

Who may take a move is not decided here: :meth:`take` and :meth:`available` ask the owning
domain's policy through the ``may`` callable, so the one rule "nobody acts on their own case,
licence, office or notice" lives in the policies, not in every table.

The kernel imports no domain app: roles are plain strings here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from daftar.kernel.errors import ApplicationError

# Actors that are not municipal roles (they appear in ``Move.roles``; the policy decides them).
SYSTEM = "system"  # scheduled tasks and cross-app handlers, acting with ``actor=None``

ILLEGAL_MOVE = "این کار در وضعیت «{status}» ممکن نیست."
UNKNOWN_ACTION = "کار خواسته‌شده شناخته نیست. کارهای ممکن: {actions}"

Guard = Callable[[Any, Any, dict[str, Any]], None]
Effect = Callable[[Any, Any, dict[str, Any]], None]
May = Callable[[Any, "Move", Any], bool]


class StatusProtected(AttributeError):
    """The status was assigned outside a declared move (a programming error, never a user's)."""


@dataclass(frozen=True)
class Move:
    """One row of a lifecycle's table."""

    action: str
    label: str  # the Persian verb on the button
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    guard: str | None = None  # a name bound by the owning services (``Lifecycle.guard``)
    effect: str | None = None  # likewise (``Lifecycle.effect``)
    fields: tuple[str, ...] = ()  # the request fields the move reads
    fail_target: str | None = None  # where the move goes when its effect finds a failure


def move(
    action: str,
    label: str,
    sources: Iterable[str],
    target: str,
    roles: Iterable[str],
    *,
    guard: str | None = None,
    effect: str | None = None,
    fields: tuple[str, ...] = (),
    fail_target: str | None = None,
) -> Move:
    """A table row, with plain iterables for the sets."""
    return Move(
        action,
        label,
        frozenset(str(s) for s in sources),
        str(target),
        frozenset(str(r) for r in roles),
        guard,
        effect,
        fields,
        str(fail_target) if fail_target else None,
    )


# --- the protected status field -------------------------------------------------------------


class _ProtectedStatus(DeferredAttribute):
    """Lets a model load its status, and refuses any later assignment outside a move."""

    def __set__(self, instance: Any, value: Any) -> None:
        name = self.field.attname
        data = instance.__dict__
        if name in data and data[name] != value and not instance.__dict__.get("_lifecycle_unlocked"):
            raise StatusProtected(
                f"{type(instance).__name__}.{name} changes only through its lifecycle's moves "
                f"({data[name]!r} -> {value!r})"
            )
        data[name] = value


class StatusField(models.CharField):
    """A ``CharField`` whose value only a lifecycle move may change (see the module docstring)."""

    descriptor_class = _ProtectedStatus

    def deconstruct(self) -> Any:
        # The column is a plain CharField: migrations need not know of the protection.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


@contextlib.contextmanager
def unlocked(instance: Any) -> Iterator[None]:
    """Allow the status of ``instance`` to be assigned inside the block (moves, reloads)."""
    previous = instance.__dict__.get("_lifecycle_unlocked", False)
    instance.__dict__["_lifecycle_unlocked"] = True
    try:
        yield
    finally:
        instance.__dict__["_lifecycle_unlocked"] = previous


class LifecycleModel(models.Model):
    """Mix into a model with a :class:`StatusField` so that reloading it still works."""

    class Meta:
        abstract = True

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        with unlocked(self):
            super().refresh_from_db(*args, **kwargs)


# --- the table ------------------------------------------------------------------------------

LIFECYCLES: dict[str, Lifecycle] = {}


@dataclass
class Lifecycle:
    """The declared moves of one model (see the module docstring)."""

    name: str  # the file name of its diagram: ``docs/lifecycles/<name>.md``
    title: str  # what the diagram is of, in English for docs
    states: type[models.TextChoices]
    moves: dict[str, Move]
    initial: frozenset[str]
    field: str = "status"
    illegal_message: str = ILLEGAL_MOVE  # formatted with ``status``, the current state's label
    illegal_code: str = "illegal_transition"
    unknown_message: str = UNKNOWN_ACTION  # formatted with ``actions``
    guards: dict[str, Guard] = dc_field(default_factory=dict)
    effects: dict[str, Effect] = dc_field(default_factory=dict)

    @classmethod
    def declare(
        cls,
        *,
        name: str,
        title: str,
        states: type[models.TextChoices],
        moves: Iterable[Move],
        initial: Iterable[str],
        field: str = "status",
        illegal_message: str = ILLEGAL_MOVE,
        illegal_code: str = "illegal_transition",
        unknown_message: str = UNKNOWN_ACTION,
    ) -> Lifecycle:
        table = {m.action: m for m in moves}
        known = {str(s) for s in states.values}
        for m in table.values():
            unknown = (m.sources | {m.target} | ({m.fail_target} if m.fail_target else set())) - known
            if unknown:
                raise ValueError(f"lifecycle {name}: move {m.action} names unknown states {sorted(unknown)}")
        lifecycle = cls(
            name,
            title,
            states,
            table,
            frozenset(str(s) for s in initial),
            field,
            illegal_message,
            illegal_code,
            unknown_message,
        )
        if name in LIFECYCLES:
            raise ValueError(f"lifecycle {name} is declared twice")
        LIFECYCLES[name] = lifecycle
        return lifecycle

    # binding -----------------------------------------------------------------------------
    def guard(self, name: str) -> Callable[[Guard], Guard]:
        """Decorator binding a guard named in the table; it raises ``ApplicationError`` to refuse."""

        def bind(fn: Guard) -> Guard:
            self._check_named(name, "guard")
            self.guards[name] = fn
            return fn

        return bind

    def effect(self, name: str) -> Callable[[Effect], Effect]:
        """Decorator binding an effect named in the table; it runs after the status changed."""

        def bind(fn: Effect) -> Effect:
            self._check_named(name, "effect")
            self.effects[name] = fn
            return fn

        return bind

    def _check_named(self, name: str, kind: str) -> None:
        if not any(getattr(m, kind) == name for m in self.moves.values()):
            raise ValueError(f"lifecycle {self.name}: no move names the {kind} {name!r}")

    def unbound(self) -> list[str]:
        """Guard and effect names in the table that no function was bound to (a test asserts none)."""
        names = {("guard", m.guard) for m in self.moves.values() if m.guard}
        names |= {("effect", m.effect) for m in self.moves.values() if m.effect}
        bound = {("guard", g) for g in self.guards} | {("effect", e) for e in self.effects}
        return sorted(f"{kind}:{n}" for kind, n in names - bound)

    # asking --------------------------------------------------------------------------------
    def get(self, action: str) -> Move:
        found = self.moves.get(action)
        if found is None:
            raise ApplicationError(self.unknown_message.format(actions="، ".join(self.moves)), code="unknown_action")
        return found

    def status_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def available(self, obj: Any, actor: Any, *, may: May) -> list[Move]:
        """The moves ``actor`` may take on ``obj`` now (guards are not run: they may need input)."""
        status = self.status_of(obj)
        return [m for m in self.moves.values() if status in m.sources and may(actor, m, obj)]

    def actions(self, obj: Any, actor: Any, *, may: May) -> list[str]:
        return [m.action for m in self.available(obj, actor, may=may)]

    # moving --------------------------------------------------------------------------------
    def check(
        self,
        obj: Any,
        action: str,
        *,
        actor: Any,
        may: May,
        refuse: Callable[[Any, Move, Any], ApplicationError],
        data: dict[str, Any] | None = None,
    ) -> Move:
        """Whether ``actor`` may take ``action`` on ``obj`` now; the move, or an ``ApplicationError``.

        In order: the policy (``may``; refused with ``refuse(actor, move, obj)``, usually the
        domain's not-found), the source state (409), then the guard.
        """
        chosen = self.get(action)
        if not may(actor, chosen, obj):
            raise refuse(actor, chosen, obj)
        old = self.status_of(obj)
        if old not in chosen.sources:
            raise ApplicationError(
                self.illegal_message.format(status=self.label_of(old)),
                code=self.illegal_code,
                status=409,
                fields={"status": [old]},
            )
        if chosen.guard:
            self.guards[chosen.guard](obj, actor, data if data is not None else {})
        return chosen

    def enter(self, obj: Any, chosen: Move, *, failed: bool = False) -> tuple[str, str]:
        """Set the status a checked move reaches (its ``fail_target`` when ``failed``)."""
        old = self.status_of(obj)
        new = (chosen.fail_target or chosen.target) if failed else chosen.target
        with unlocked(obj):
            setattr(obj, self.field, new)
        return old, new

    def take(
        self,
        obj: Any,
        action: str,
        *,
        actor: Any,
        may: May,
        refuse: Callable[[Any, Move, Any], ApplicationError],
        data: dict[str, Any] | None = None,
    ) -> tuple[Move, str, str]:
        """Check, move and run the effect on ``obj`` (locked by the caller); ``(move, old, new)``.

        The caller saves the object and writes the audit row in the same transaction.
        """
        data = data if data is not None else {}
        chosen = self.check(obj, action, actor=actor, may=may, refuse=refuse, data=data)
        old, new = self.enter(obj, chosen)
        if chosen.effect:
            self.effects[chosen.effect](obj, actor, data)
        return chosen, old, new

    def force(self, obj: Any, status: str) -> None:
        """Set a status without a move: only for loading fixtures and data migrations."""
        with unlocked(obj):
            setattr(obj, self.field, status)

    def label_of(self, status: str) -> str:
        try:
            return str(self.states(status).label)
        except ValueError:
            return status

    # documents -----------------------------------------------------------------------------
    def illegal(self) -> Iterator[tuple[str, Move]]:
        """Every (state, move) the table does not allow: the illegal-move tests walk these."""
        for state in self.states.values:
            for m in self.moves.values():
                if state not in m.sources:
                    yield str(state), m

    def mermaid(self) -> str:
        """The table as a Mermaid state diagram (``docs/lifecycles/<name>.md``)."""
        lines = [
            f"# Lifecycle: {self.title}",
            "",
            f"Generated from `{self.name}` by `make diagrams`; do not edit by hand.",
            "",
            "```mermaid",
            "stateDiagram-v2",
        ]
        for state in self.states:
            lines.append(f"    {state.value}: {state.value} ({state.label})")
        for first in sorted(self.initial):
            lines.append(f"    [*] --> {first}")
        for m in self.moves.values():
            roles = ", ".join(sorted(m.roles))
            extra = "".join(f" [{kind} {name}]" for kind, name in (("guard", m.guard), ("effect", m.effect)) if name)
            for source in sorted(m.sources):
                lines.append(f"    {source} --> {m.target}: {m.action} ({roles}){extra}")
                if m.fail_target:
                    lines.append(f"    {source} --> {m.fail_target}: {m.action} failed")
        lines += ["```", "", "| move | from | to | who | guard | effect |", "|---|---|---|---|---|---|"]
        for m in self.moves.values():
            lines.append(
                f"| `{m.action}` {m.label} | {', '.join(sorted(m.sources))} | {m.target} | "
                f"{', '.join(sorted(m.roles))} | {m.guard or '—'} | {m.effect or '—'} |"
            )
        return "\n".join(lines) + "\n"
