"""What the inquiries app answers for the apps below it (``daftar.kernel.events``).

Registered in ``InquiriesConfig.ready``; the accounts app never imports this one.
"""

from __future__ import annotations

from daftar.accounts.events import MobileOwnershipAsked
from daftar.kernel.events import subscribe

from .ownership import answer


def connect() -> None:
    subscribe(MobileOwnershipAsked, answer)
