"""What the accounts app asks of the apps above it (``daftar.kernel.events``).

The profile must know whether a mobile number is registered to a national code (S15.3: "a
mobile number registered to one's own name"); the inquiries app, above this one, asks the
outside body. Its handler is registered in ``InquiriesConfig.ready``; this app never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MobileOwnershipAsked:
    """Is ``mobile`` registered to the person with ``national_code``? The one handler asks the
    mobile-ownership inquiry now, with a short time-out, and answers a ``MobileOwnership``. It is
    asked outside any transaction: nothing is locked while the body is waited for."""

    mobile: str
    national_code: str


@dataclass(frozen=True)
class MobileOwnership:
    """The answer: ``answered`` is False when the body gave none (down, timed out, its circuit
    open; ``retry_after`` says when to try again); then ``owner`` means nothing. ``reference`` is
    the body's tracking number of its answer."""

    answered: bool
    owner: bool = False
    reference: str = ""
    retry_after: int = 0


@dataclass(frozen=True)
class WorkItem:
    """One item waiting for someone: what it is, where to act on it, and its legal deadline."""

    label: str
    url: str
    due: object = None  # an aware datetime or a date, or None
    overdue: bool = False
    note: str = ""


@dataclass(frozen=True)
class WorkPanel:
    """What needs one role now: how many items wait, the oldest few, and the page that lists all.
    ``order`` places the panel on the dashboard (lower first)."""

    role: str
    title: str
    count: int
    url: str
    items: tuple[WorkItem, ...] = ()
    order: int = 50
    empty_text: str = "چیزی در انتظار شما نیست."


@dataclass(frozen=True)
class WorkWanted:
    """The dashboard asks every app above for what needs ``user`` now; each handler answers a
    list of ``WorkPanel`` (empty when the user holds none of its roles). Handlers are registered
    in ``DeskConfig.ready`` (daftar/desk/work.py)."""

    user: object


# The apps whose rows the staff panels show, in the municipalities of the person's roles (the
# dashboard's page cache, ``WorkScopes``).
STAFF_PANEL_APPS = (
    "applications",
    "appointments",
    "complaints",
    "offices",
    "licences",
    "supervision",
    "calls",
    "hall",
    "feedback",
    "inspections",
    "assessments",
    "municipalities",
    "rules",
)


@dataclass(frozen=True)
class WorkScopes:
    """The dashboard's page cache asks which generations (``runtime.pagecache``) ``user``'s
    panels are made of: each handler answers a list of names (decision 0055). Registered beside
    ``WorkWanted``'s handler."""

    user: object
