"""What a licence move or a disciplinary decision will do, in words and numbers, for the
confirmation step: the days the office stops (``licences.sanctions``), how many future bookings
the sanction cancels (``appointments.selectors.bookings_a_sanction_cancels``, the same rows the
``LicenceSanctioned`` handler cancels), what the public registry shows, and the new validity of
a renewal. Read-only: nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from daftar.appointments.selectors import bookings_a_sanction_cancels
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.licences.models import Licence
from daftar.licences.moves import add_years
from daftar.supervision.models import Outcome

from . import messages as msg


@dataclass(frozen=True)
class Consequences:
    """The lines the confirmation shows, and the number of bookings cancelled (``None`` when
    the move cancels none)."""

    lines: tuple[str, ...]
    cancelled: int | None = None


def _has_office(licence: Licence) -> bool:
    try:
        return licence.office is not None
    except Licence.office.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def _bookings(licence: Licence, since: dt.date, until: dt.date | None) -> tuple[str, int]:
    if not _has_office(licence):
        return msg.NO_OFFICE, 0
    count = bookings_a_sanction_cancels(licence, since=since, until=until)
    if not count:
        return msg.NO_BOOKINGS, 0
    return msg.BOOKINGS_CANCELLED.format(count=persian_digits(count)), count


def _holder(licence: Licence) -> str:
    return msg.HOLDER_SMS.format(holder=licence.holder_name)


def suspension(licence: Licence, until: dt.date, today: dt.date | None = None) -> Consequences:
    today = today or timezone.localdate()
    office = licence.display_name
    bookings, count = _bookings(licence, today, until)
    lines = (
        msg.STOPS_SUSPEND.format(until=to_jalali(until), office=office),
        bookings,
        msg.REGISTRY_MARKED,
        msg.SUSPENSION_ENDS.format(until=to_jalali(until)),
        _holder(licence),
    )
    return Consequences(lines, count)


def revocation(licence: Licence, today: dt.date | None = None) -> Consequences:
    today = today or timezone.localdate()
    since = licence.sanctioned_from or today  # a suspension it ends stopped the office already
    bookings, count = _bookings(licence, since, None)
    lines = (
        msg.STOPS_REVOKE.format(office=licence.display_name),
        bookings,
        msg.REGISTRY_REMOVED,
        msg.FINAL,
        _holder(licence),
    )
    return Consequences(lines, count)


def reinstatement(licence: Licence) -> Consequences:
    lines = (
        msg.REOPENS.format(office=licence.display_name),
        msg.NOT_RESTORED,
        msg.VALID_UNTIL.format(valid_until=to_jalali(licence.valid_until)),
        _holder(licence),
    )
    return Consequences(lines)


def renewed_until(licence: Licence) -> dt.date:
    """The end of validity a renewal gives (``moves._extend_validity``)."""
    return add_years(licence.valid_until, settings.LICENCE_VALIDITY_YEARS)


def renewal(licence: Licence) -> Consequences:
    lines = (
        msg.RENEWS.format(
            old=to_jalali(licence.valid_until),
            new=to_jalali(renewed_until(licence)),
            years=persian_digits(settings.LICENCE_VALIDITY_YEARS),
        ),
        msg.RENEW_CHECKS,
        _holder(licence),
    )
    return Consequences(lines)


def of_action(licence: Licence, action: str, until: dt.date | None) -> Consequences:
    """The consequences of the licence move ``action`` (``until``: a suspension's last day)."""
    if action == "suspend" and until is not None:
        return suspension(licence, until)
    if action == "revoke":
        return revocation(licence)
    if action == "reinstate":
        return reinstatement(licence)
    return renewal(licence)


def decision_until(days: int, today: dt.date | None = None) -> dt.date:
    """The last day of the suspension a decision applies (``supervision.services._apply_decision``)."""
    return (today or timezone.localdate()) + dt.timedelta(days=max(1, days))


def of_decision(licence: Licence, outcome: str, suspension_days: int, violations: int) -> Consequences:
    """The consequences of deciding a notice with ``outcome`` (the ladder's proposal)."""
    decided = msg.VIOLATIONS_DECIDED.format(count=persian_digits(violations))
    if outcome == Outcome.SUSPENSION:
        base = suspension(licence, decision_until(suspension_days))
        return Consequences((*base.lines, decided), base.cancelled)
    if outcome == Outcome.REVOCATION:
        base = revocation(licence)
        return Consequences((*base.lines, decided), base.cancelled)
    return Consequences((msg.WARNING.format(office=licence.display_name), decided, _holder(licence)))
