"""What a sanction on a licence stops (S16, P5; issue 17): its office, on the days it covers.

A suspended licence stops its office from the day of the suspension (``sanctioned_from``) to
its last day (``suspended_until``) inclusive; a revoked one from the day of the revocation (or
of the suspension it followed) for good. On those days the office has no hours, takes no
booking and records no transaction, and its public pages say so. The answer is read from the
licence's columns and the day asked about, not from the sweep: a suspension whose last day has
passed stops nothing even before the hourly sweep marks it over. Reinstatement clears both
columns, so everything it stopped works again. The texts a person reads live here too, so the
office's pages, the booking refusal, the ledger's refusal and the cancelled booking's SMS name
the sanction in the same words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from daftar.kernel.jalali import to_jalali

from . import messages as msg
from .models import Licence, LicenceStatus

SUSPENDED = "suspended"
REVOKED = "revoked"


@dataclass(frozen=True)
class Sanction:
    """A sanction in force on one day: its kind (``suspended``/``revoked``), its first day and,
    for a suspension, its last."""

    kind: str
    since: dt.date | None
    until: dt.date | None

    def _words(self, table: dict[str, str]) -> str:
        return table[self.kind].format(until=to_jalali(self.until) if self.until else "")

    @property
    def closed_reason(self) -> str:
        """Why the day is closed (the office's day list, the cancelled booking's SMS)."""
        return self._words(msg.SANCTION_CLOSED)

    @property
    def notice(self) -> str:
        """The public notice on the office's page and in the finder."""
        return self._words(msg.SANCTION_NOTICE)

    @property
    def no_booking(self) -> str:
        return self._words(msg.SANCTION_NO_BOOKING)

    @property
    def no_transaction(self) -> str:
        return self._words(msg.SANCTION_NO_TRANSACTION)

    @property
    def code(self) -> str:
        """The API error code of a refusal it causes."""
        return f"licence_{self.kind}"

    def body(self) -> dict[str, object]:
        """The API's ``sanction`` object."""
        return {
            "status": self.kind,
            "since": self.since.isoformat() if self.since else None,
            "since_jalali": to_jalali(self.since) if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "until_jalali": to_jalali(self.until) if self.until else None,
            "notice": self.notice,
        }


def sanction_on(licence: Licence | None, day: dt.date) -> Sanction | None:
    """The sanction that stops ``licence``'s office on ``day``, or None (no query)."""
    if licence is None:
        return None
    since = licence.sanctioned_from
    if since is not None and day < since:
        return None  # the days before the decision stay as they were (a backdated record)
    if licence.status == LicenceStatus.REVOKED:
        return Sanction(REVOKED, since, None)
    if licence.status == LicenceStatus.SUSPENDED and licence.suspended_until and day <= licence.suspended_until:
        return Sanction(SUSPENDED, since, licence.suspended_until)
    return None
