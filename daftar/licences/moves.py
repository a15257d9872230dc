"""The moves of an issued licence after issue (S16, P5), through its declared table
``workflow.LICENCE`` (diagram: ``docs/lifecycles/licence.md``): suspension, reinstatement,
revocation and renewal by the licensing authority, and the hourly sweep that ends suspensions
and expires licences.

Each move locks the row, is checked by the table (``policy.may_move``, the source state, the
guard), runs its effect and writes a ``LicenceEvent``, an audit entry (``licence.<action>``) and
an SMS to the holder, all in one transaction. A reason (≥ 10 characters) is required for every
move a person makes (P1: a refusal states its reason). Renewal re-judges the licence's case by
the rule-set version in force *now* (a higher minimum area published since issue can block it)
and refuses naming the failed conditions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from daftar.applications.services import case_facts
from daftar.audit.services import audit_record
from daftar.inquiries.models import InquiryStatus
from daftar.inquiries.services import inquiries_refresh
from daftar.kernel import events
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.notifications.services import notify
from daftar.rules.evaluator import FAIL, ConditionResult, evaluate
from daftar.rules.selectors import compiled, rule_set_in_force

from . import messages as msg
from . import policy, sms
from .events import LicenceSanctioned
from .models import Licence, LicenceEvent, LicenceStatus
from .services import licence_sign
from .verification import live_status
from .workflow import ACTIONS, LICENCE, MOVES

REASON_MIN_LENGTH = 10
__all__ = [
    "ACTIONS",
    "add_years",
    "licence_act",
    "licence_reinstate",
    "licence_renew",
    "licence_revoke",
    "licence_suspend",
    "licences_sweep",
    "renewal_failures",
    "renewal_window",
]


# --- helpers --------------------------------------------------------------------------------


def _reason(reason: object) -> str:
    text = normalize_text(str(reason or ""))
    if len(text) < REASON_MIN_LENGTH:
        raise ApplicationError(msg.REASON_REQUIRED, code="reason_required", fields={"reason": [msg.REASON_REQUIRED]})
    return text


def _locked(licence: Licence) -> Licence:
    """The licence's row, locked until the end of the caller's transaction."""
    return (
        Licence.objects.select_for_update()
        .select_related("holder", "municipality", "district", "licence_type", "application")
        .get(pk=licence.pk)
    )


def _illegal(licence: Licence, today: dt.date) -> ApplicationError:
    label = LicenceStatus(live_status(licence, today)).label
    return ApplicationError(msg.ILLEGAL_MOVE.format(status=label), code="illegal_move", status=409)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _record(
    licence: Licence,
    *,
    action: str,
    actor: Any,
    old: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    values: dict[str, Any],
) -> None:
    """Event, audit entry and SMS of one move; the caller holds the row lock in a transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    LicenceEvent.objects.create(
        licence=licence,
        actor=user,
        action=action,
        from_status=old,
        to_status=licence.status,
        reason=reason,
        data=data or {},
    )
    audit_record(
        actor=actor,
        action=f"licence.{action}",
        obj=licence,
        municipality=licence.municipality,
        data={"number": licence.number, "from": old, "to": licence.status, "reason": reason, **(data or {})},
    )
    notify(
        sms.MOVES[action].key,
        to=licence.holder,
        municipality=licence.municipality,
        office=licence.display_name,
        number=licence.number,
        valid_until=_fa(licence.valid_until),
        **values,
    )


def _fa(day: dt.date | None) -> str:
    return to_jalali(day)


# --- the guards and effects named in the table ------------------------------------------------
# ``data`` is the move's working dict: ``today``, the person's ``reason`` and the suspension's
# ``until``; guards and effects leave in it what the event and the SMS report.


@LICENCE.guard("in_force")
def _in_force(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """Only a licence still valid today is suspended (an active row past its validity reads expired)."""
    if live_status(licence, data["today"]) != LicenceStatus.ACTIVE:
        raise _illegal(licence, data["today"])


@LICENCE.effect("start_suspension")
def _start_suspension(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """From today to ``until`` the office stops (``sanctions.sanction_on``)."""
    licence.suspended_until = data["until"]
    licence.sanctioned_from = data["today"]
    licence.status_reason = data["reason"]


@LICENCE.effect("start_revocation")
def _start_revocation(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """For good, from today or from the first day of the suspension it ends (final, S16)."""
    data["suspended_until"] = licence.suspended_until
    licence.suspended_until = None
    licence.sanctioned_from = licence.sanctioned_from or data["today"]
    licence.status_reason = data["reason"]


@LICENCE.effect("clear_suspension")
def _clear_suspension(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """No suspension date any more; the move's reason, when it has one, becomes the licence's."""
    data["suspended_until"] = licence.suspended_until
    licence.suspended_until = None
    licence.sanctioned_from = None  # its office works again (reinstatement restores all, issue 17)
    if "reason" in data:
        licence.status_reason = data["reason"]


@LICENCE.guard("renewable")
def _renewable(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """Within the renewal window or the grace period, and the case meets today's conditions."""
    today = data["today"]
    opens, closes = renewal_window(licence)
    if not opens <= today <= closes:
        message = msg.RENEWAL_OUTSIDE_WINDOW.format(
            opens=_fa(opens),
            closes=_fa(closes),
            window=persian_digits(settings.LICENCE_RENEWAL_WINDOW_DAYS),
            grace=persian_digits(settings.LICENCE_GRACE_DAYS),
        )
        raise ApplicationError(message, code="renewal_window", status=409)
    version, failed = renewal_failures(licence)
    if failed:
        raise ApplicationError(
            msg.RENEWAL_CONDITIONS_FAILED.format(
                version=persian_digits(version), reasons="؛ ".join(c.reason.rstrip(".") for c in failed)
            ),
            code="conditions_failed",
            status=409,
            fields={"conditions": [c.id for c in failed]},
        )
    data["rule_set_version"] = version


@LICENCE.effect("extend_validity")
def _extend_validity(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """``LICENCE_VALIDITY_YEARS`` more from the current end; the certificate is re-signed."""
    data["from_until"] = licence.valid_until
    licence.valid_until = add_years(licence.valid_until, settings.LICENCE_VALIDITY_YEARS)
    licence.renewals += 1
    licence.status_reason = data["reason"]
    licence_sign(licence)


@LICENCE.guard("suspension_over")
def _suspension_over(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """The suspension's last day has passed."""
    if not licence.suspended_until or licence.suspended_until >= data["today"]:
        raise _illegal(licence, data["today"])


@LICENCE.guard("lapsed")
def _lapsed(licence: Licence, actor: Any, data: dict[str, Any]) -> None:
    """The validity and the grace period after it have passed."""
    if licence.valid_until >= data["today"] - dt.timedelta(days=settings.LICENCE_GRACE_DAYS):
        raise _illegal(licence, data["today"])


# --- taking a move ----------------------------------------------------------------------------

# the columns each move writes besides the status
WRITES: dict[str, tuple[str, ...]] = {
    "suspend": ("suspended_until", "sanctioned_from", "status_reason"),
    "reinstate": ("suspended_until", "sanctioned_from", "status_reason"),
    "revoke": ("suspended_until", "sanctioned_from", "status_reason"),
    "renew": ("valid_until", "renewals", "status_reason", "payload", "signature"),
    "suspension_end": ("suspended_until", "sanctioned_from", "status_reason"),
    "expire": ("suspended_until", "sanctioned_from"),
}
# the moves that stop the licence's office (``sanctions.sanction_on``)
SANCTIONS = frozenset({"suspend", "revoke"})
Report = Callable[[Licence, dict[str, Any]], Any]
# what the history event (and the audit entry) records besides the move
EVENT_DATA: dict[str, Report] = {
    "suspend": lambda lic, d: {"until": str(d["until"])},
    "renew": lambda lic, d: {
        "from_until": str(d["from_until"]),
        "until": str(lic.valid_until),
        "rule_set_version": d["rule_set_version"],
    },
    "suspension_end": lambda lic, d: {"until": str(d["suspended_until"])},
    "expire": lambda lic, d: {"valid_until": str(lic.valid_until)},
}
# the values of the holder's SMS (``sms.MOVES``) besides the office, number and validity
SMS_VALUES: dict[str, Report] = {
    "suspend": lambda lic, d: {"until": _fa(d["until"]), "reason": d["reason"]},
    "reinstate": lambda lic, d: {"reason": d["reason"]},
    "revoke": lambda lic, d: {"reason": d["reason"]},
    "renew": lambda lic, d: {"reason": d["reason"]},
}


def _take(licence: Licence, action: str, *, actor: Any, data: dict[str, Any]) -> Licence:
    """Take ``action`` on the licence under its row lock (see the module docstring)."""
    today = data.setdefault("today", timezone.localdate())
    with transaction.atomic():
        locked = _locked(licence)
        try:
            _, old, _ = LICENCE.take(
                locked, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=data
            )
        except ApplicationError as exc:
            if exc.code == LICENCE.illegal_code:  # named by the live status, as the public sees it
                raise _illegal(locked, today) from None
            raise
        locked.save(update_fields=["status", *WRITES[action]])
        event = EVENT_DATA[action](locked, data) if action in EVENT_DATA else None
        _record(
            locked,
            action=action,
            actor=actor,
            old=old,
            reason=data.get("reason", ""),
            data=event,
            values=SMS_VALUES[action](locked, data) if action in SMS_VALUES else {},
        )
        if action in SANCTIONS:  # the office's future bookings inside it are cancelled (issue 17)
            events.emit(LicenceSanctioned(licence=locked, action=action, actor=actor))
    return locked


# --- moves made by the licensing authority ----------------------------------------------------


def licence_suspend(licence: Licence, *, until: dt.date | None, reason: str, actor: Any) -> Licence:
    """Suspend an active licence until ``until`` (a day after today); the sweep lifts it after
    that day (P5: temporary suspension)."""
    policy.demand(actor, "suspend", licence)
    text = _reason(reason)
    today = timezone.localdate()
    if until is None:
        raise ApplicationError(msg.UNTIL_REQUIRED, code="until_required", fields={"until": [msg.UNTIL_REQUIRED]})
    if until <= today:
        raise ApplicationError(msg.UNTIL_NOT_FUTURE, code="until_not_future", fields={"until": [msg.UNTIL_NOT_FUTURE]})
    return _take(licence, "suspend", actor=actor, data={"reason": text, "until": until, "today": today})


def licence_reinstate(licence: Licence, *, reason: str, actor: Any) -> Licence:
    """Lift a suspension before its end."""
    policy.demand(actor, "reinstate", licence)
    return _take(licence, "reinstate", actor=actor, data={"reason": _reason(reason)})


def licence_revoke(licence: Licence, *, reason: str, actor: Any) -> Licence:
    """Revoke an active or suspended licence; final (S16: any violation can lead to revocation)."""
    policy.demand(actor, "revoke", licence)
    return _take(licence, "revoke", actor=actor, data={"reason": _reason(reason)})


def renewal_window(licence: Licence) -> tuple[dt.date, dt.date]:
    """First and last day on which ``licence`` may be renewed."""
    opens = licence.valid_until - dt.timedelta(days=settings.LICENCE_RENEWAL_WINDOW_DAYS)
    closes = licence.valid_until + dt.timedelta(days=settings.LICENCE_GRACE_DAYS)
    return opens, closes


def renewal_failures(licence: Licence) -> tuple[int, list[ConditionResult]]:
    """Re-judge the licence's case by the rule-set version in force today for its licence type
    and municipality: (that version, the conditions that fail, with their reasons). Unknown conditions do
    not block: only an unmet approved condition may (P1)."""
    rule_set = rule_set_in_force(licence.licence_type, licence.municipality)
    if rule_set is None:
        raise ApplicationError(msg.RENEWAL_NO_RULES, code="no_rules", status=409)
    evaluation = evaluate(compiled(rule_set), case_facts(licence.application))
    return rule_set.version, [c for c in evaluation.conditions if c.result == FAIL]


def _renewal_inquiries(licence: Licence, today: dt.date) -> None:
    """A renewal asks the outside bodies again (issue 5 §5: "and any new inquiry"): answers
    older than LICENCE_RENEWAL_INQUIRY_MAX_AGE_DAYS are re-asked (in their own transaction, so
    the request stands) and the renewal waits for them; a failed answer refuses it."""
    if licence.status not in MOVES["renew"].sources:
        return  # the table's state check answers
    opens, closes = renewal_window(licence)
    if not opens <= today <= closes:
        return  # the guard's window check answers
    application = licence.application
    asked = inquiries_refresh(application=application, max_age_days=settings.LICENCE_RENEWAL_INQUIRY_MAX_AGE_DAYS)
    if asked:
        raise ApplicationError(msg.RENEWAL_INQUIRIES_PENDING, code="renewal_inquiries_pending", status=409)
    failed = [f"{i.get_kind_display()}: {i.reason}" for i in application.inquiries.filter(status=InquiryStatus.FAILED)]
    if failed:
        raise ApplicationError(
            msg.RENEWAL_INQUIRY_FAILED.format(reasons="؛ ".join(failed)), code="inquiry_failed", status=409
        )


def licence_renew(licence: Licence, *, reason: str, actor: Any) -> Licence:
    """Extend validity by ``LICENCE_VALIDITY_YEARS`` from the current end, within the renewal
    window or the grace period, if the case still meets today's conditions; re-signs."""
    policy.demand(actor, "renew", licence)
    text = _reason(reason)
    today = timezone.localdate()
    _renewal_inquiries(licence, today)
    return _take(licence, "renew", actor=actor, data={"reason": text, "today": today})


def licence_act(licence: Licence, *, action: str, actor: Any, reason: str, until: dt.date | None = None) -> Licence:
    """Dispatch one of ``ACTIONS`` (the API's single door)."""
    if action == "suspend":
        return licence_suspend(licence, until=until, reason=reason, actor=actor)
    if action == "reinstate":
        return licence_reinstate(licence, reason=reason, actor=actor)
    if action == "revoke":
        return licence_revoke(licence, reason=reason, actor=actor)
    if action == "renew":
        return licence_renew(licence, reason=reason, actor=actor)
    message = msg.UNKNOWN_ACTION.format(actions="، ".join(ACTIONS))
    raise ApplicationError(message, code="unknown_action", fields={"action": [message]})


# --- the hourly sweep ---------------------------------------------------------------------------


def licences_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """End suspensions whose last day has passed (→ active) and expire licences whose
    validity and grace period have passed (→ expired). Each licence in its own transaction,
    re-checked by the table under its lock, so a sweep racing an authority's move does nothing
    twice."""
    today = timezone.localdate(now or timezone.now())
    due_suspensions = Licence.objects.filter(status=LicenceStatus.SUSPENDED, suspended_until__lt=today)
    ended = _sweep(list(due_suspensions.values_list("pk", flat=True)), "suspension_end", {"reason": ""}, today)
    last_valid = today - dt.timedelta(days=settings.LICENCE_GRACE_DAYS)
    due_expiry = Licence.objects.filter(status__in=MOVES["expire"].sources, valid_until__lt=last_valid)
    expired = _sweep(list(due_expiry.values_list("pk", flat=True)), "expire", {}, today)
    return {"suspensions_ended": ended, "expired": expired, "sanctions_reapplied": sanctions_reapply(today)}


def sanctions_reapply(today: dt.date) -> int:
    """Each licence whose sanction stops its office today is announced again
    (``LicenceSanctioned``), so its office's live bookings on the sanction's days are cancelled
    with their SMS. Idempotent (a booking already cancelled is not touched); it catches what the
    move itself could not: a licence sanctioned before sanctions stopped offices (migration 0004)
    or a booking committed in a race the office lock did not order."""
    stopped = Licence.objects.filter(
        Q(status=LicenceStatus.SUSPENDED, suspended_until__gte=today) | Q(status=LicenceStatus.REVOKED)
    )
    count = 0
    for licence in stopped.iterator():
        with transaction.atomic():
            events.emit(LicenceSanctioned(licence=licence, action="reapply", actor=None))
        count += 1
    return count


def _sweep(pks: list[int], action: str, data: dict[str, Any], today: dt.date) -> int:
    taken = 0
    for pk in pks:
        try:
            _take(Licence(pk=pk), action, actor=None, data={**data, "today": today})
        except ApplicationError:
            continue  # an authority's move (or another sweep) got there first
        taken += 1
    return taken
