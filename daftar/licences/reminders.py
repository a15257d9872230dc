"""SMS before a licence's validity ends (issue 21 §4: "renewal window opened, and reminders
before expiry"), run daily by the beat (``tasks.remind_renewals``).

The messages of one term of an active licence are the steps of one ladder, counted in days
before ``valid_until``:

* ``LICENCE_RENEWAL_WINDOW_DAYS`` before it the renewal window opens (``renewal_window``):
  ``licence_renewal_open``;
* then ``licence_expiry_reminder`` at each of ``LICENCE_EXPIRY_REMINDER_DAYS`` (example: 30, 7
  and 1 day before).

A run sends each licence the step reached last (the one nearest its end, today included), if it
was not sent yet. Each step is sent once per term: its ``LicenceReminder`` row (unique) is written
in the transaction of its SMS, under the licence's row lock, so a rerun or a second beat sends
nothing. A missed day is caught up with that one nearest step, never with every step missed.
A renewal moves ``valid_until`` past the ladder (the new term starts afresh); a suspended,
revoked or expired licence, or one past its last valid day, gets nothing.

The SMS go to the holder and to the active managers of the licence's office: the offices app,
above this one, names them by answering ``events.LicenceManagersWanted``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from daftar.kernel import events
from daftar.kernel.jalali import TEHRAN, to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.notifications.services import notify
from daftar.notifications.texts import Text

from . import messages as msg
from . import sms
from .events import LicenceManagersWanted
from .models import Licence, LicenceReminder, LicenceStatus
from .moves import renewal_window

log = logging.getLogger(__name__)


def expiry_reminder_days() -> list[int]:
    """``LICENCE_EXPIRY_REMINDER_DAYS`` from the farthest: each between 1 and the renewal
    window's length (a reminder before renewal opens could not be acted on); others left out."""
    window = settings.LICENCE_RENEWAL_WINDOW_DAYS
    wanted = set(settings.LICENCE_EXPIRY_REMINDER_DAYS)
    kept = {d for d in wanted if isinstance(d, int) and 1 <= d <= window}
    if kept != wanted:
        log.warning("licence_reminder_days_ignored %s (each must be 1..%s)", sorted(wanted - kept, key=str), window)
    return sorted(kept, reverse=True)


def ladder() -> list[tuple[int, Text]]:
    """The steps of a term, (days before ``valid_until``, its SMS), from the farthest."""
    window = settings.LICENCE_RENEWAL_WINDOW_DAYS
    steps = [(window, sms.RENEWAL_OPEN)]
    steps += [(days, sms.EXPIRY_REMINDER) for days in expiry_reminder_days() if days < window]
    return steps


def step_due(valid_until: dt.date, today: dt.date, steps: list[tuple[int, Text]]) -> tuple[int, Text] | None:
    """The step reached last on ``today`` (none before the first, or after the last valid day)."""
    left = (valid_until - today).days
    if left < 0:
        return None
    reached = [step for step in steps if left <= step[0]]
    return reached[-1] if reached else None


def recipients(licence: Licence) -> list[Any]:
    """The holder, then the active managers of the licence's office; each person once."""
    people: dict[int, Any] = {licence.holder_id: licence.holder}
    for answer in events.emit(LicenceManagersWanted(licence=licence)):
        for person in answer or ():
            people.setdefault(person.pk, person)
    return list(people.values())


def licence_reminders_send(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every active licence its step due today (module docstring); how many of each."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    steps = ladder()
    if now.astimezone(TEHRAN).hour < settings.LICENCE_REMINDER_HOUR:  # not at night
        return {text.key: 0 for _, text in steps}
    horizon = today + dt.timedelta(days=steps[0][0])
    due = (
        Licence.objects.filter(status=LicenceStatus.ACTIVE, valid_until__gte=today, valid_until__lte=horizon)
        .order_by("valid_until", "pk")
        .values_list("pk", flat=True)
    )
    counts = {text.key: 0 for _, text in steps}
    for pk in list(due):
        try:
            sent = _remind(pk, today, steps)
        except Exception:  # one bad licence never stops the others; its step is tried again tomorrow
            log.exception("licence %s: renewal reminder failed", pk)
            continue
        if sent:
            counts[sent] += 1
    return counts


def _remind(pk: int, today: dt.date, steps: list[tuple[int, Text]]) -> str:
    """The licence's step due today with its dedupe row, in one transaction; its key, or ''."""
    with transaction.atomic():
        licence = (
            Licence.objects.select_for_update(of=("self",))
            .select_related("holder", "municipality")
            .filter(pk=pk, status=LicenceStatus.ACTIVE)
            .first()
        )
        if licence is None:  # moved since it was listed
            return ""
        step = step_due(licence.valid_until, today, steps)
        if step is None:  # renewed (or its row changed) since it was listed
            return ""
        offset, text = step
        _, created = LicenceReminder.objects.get_or_create(
            licence=licence, kind=text.key, offset=offset, valid_until=licence.valid_until
        )
        if not created:
            return ""
        opens, closes = renewal_window(licence)
        left = (licence.valid_until - today).days
        remaining = msg.REMAINING_TODAY if left == 0 else msg.REMAINING_DAYS.format(days=persian_digits(left))
        office = licence.display_name
        for person in recipients(licence):
            notify(
                text.key,
                to=person,
                municipality=licence.municipality,
                office=office,
                number=licence.number,
                valid_until=to_jalali(licence.valid_until),
                opens=to_jalali(opens),
                closes=to_jalali(closes),
                remaining=remaining,
            )
        return text.key
