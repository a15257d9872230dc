"""Typed events between apps, handled in the caller's transaction (issue 16).

Apps depend downward only. When something in a lower app has consequences in a higher one (a
case is approved and a licence must be issued; an office's hours change and its appointments
must follow), the lower app *emits* a typed event — a frozen dataclass it declares in its
``events.py`` — and the higher app *handles* it with a function it registers in its
``AppConfig.ready``. Handlers run synchronously, in order of registration, inside the emitter's
transaction: an exception in a handler rolls the whole change back, so nothing is half done.

- :func:`emit` runs every handler and returns their results (facts from several apps, say).
- :func:`ask` expects exactly one handler and returns its answer (the licence's number);
  with none registered it fails loudly, since the effect would otherwise be silently lost.

Work that must happen only after the commit (a PDF, an SMS) is scheduled by the handler with
``transaction.on_commit`` or the outbox, as everywhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")
Handler = Callable[[Any], Any]

_HANDLERS: defaultdict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], Any]) -> None:
    """Register ``handler`` for ``event_type`` (once; a second registration is ignored)."""
    if handler not in _HANDLERS[event_type]:
        _HANDLERS[event_type].append(handler)


def handles(event_type: type[E]) -> Callable[[Callable[[E], Any]], Callable[[E], Any]]:
    """Decorator form of :func:`subscribe`; the module must be imported in ``ready()``."""

    def register(handler: Callable[[E], Any]) -> Callable[[E], Any]:
        subscribe(event_type, handler)
        return handler

    return register


def handlers(event_type: type) -> list[Handler]:
    return list(_HANDLERS.get(event_type, ()))


def emit(event: Any) -> list[Any]:
    """Run every handler of ``type(event)`` now, in the caller's transaction; their results."""
    return [handler(event) for handler in handlers(type(event))]


def ask(event: Any) -> Any:
    """The answer of the one handler of ``type(event)``."""
    found = handlers(type(event))
    if len(found) != 1:
        raise LookupError(f"{type(event).__name__} needs exactly one handler, has {len(found)}")
    return found[0](event)
