"""The portal's handlers of the case's events (``daftar.kernel.events``): every move of a
submitted case is told to the national portal through this app's outbox, in the move's own
transaction, so a move and its message commit (or roll back) together."""

from __future__ import annotations

from daftar.applications.events import CaseMoved
from daftar.kernel.events import subscribe

from .services import on_case_moved


def case_moved(event: CaseMoved) -> None:
    on_case_moved(event.application, event.action, event.old, event.new)


def connect() -> None:
    subscribe(CaseMoved, case_moved)
