"""What the licences app does for the case below it (``daftar.kernel.events``).

Registered in ``LicencesConfig.ready``; the case never imports this app.
"""

from __future__ import annotations

from daftar.applications.events import LicenceWanted
from daftar.kernel.events import subscribe

from .services import licence_issue


def issue_for_case(event: LicenceWanted) -> str:
    """Issue the approved case's licence in the move's transaction; its number (S15.7)."""
    return licence_issue(application=event.application, actor=event.actor, tell_holder=event.tell_holder).number


def connect() -> None:
    subscribe(LicenceWanted, issue_for_case)
