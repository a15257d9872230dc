"""What can happen to an issued licence after issue (S16, P5): suspension, reinstatement,
revocation, renewal, and the hourly sweep that ends suspensions and expires licences.

::

    active ──suspend──▶ suspended ──reinstate / suspension_end──▶ active
    active, suspended ──revoke──▶ revoked (final)
    active, expired (in the grace period) ──renew──▶ active (valid_until + LICENCE_VALIDITY_YEARS)
    active, suspended ──expire (valid_until + LICENCE_GRACE_DAYS passed)──▶ expired

Each move locks the row, writes a ``LicenceEvent`` and an audit entry (``licence.<action>``)
and queues an SMS to the holder, all in one transaction. A reason (≥ 10 characters) is
required for every move a person makes (P1: a refusal states its reason). Renewal re-judges the
licence's case by the rule-set version in force *now* (a higher minimum area published since
issue can block it) and refuses naming the failed conditions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.notifications.services import outbox_enqueue

from . import messages as msg
from .models import Licence, LicenceEvent, LicenceStatus
from .services import licence_sign
from .verification import live_status

REASON_MIN_LENGTH = 10
ACTIONS = ("suspend", "reinstate", "revoke", "renew")


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
    sms: str,
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
    if licence.holder.mobile:
        outbox_enqueue(to=licence.holder.mobile, text=sms, kind=f"licence_{action}")


def _fa(day: dt.date | None) -> str:
    return to_jalali(day)


# --- moves made by the licensing authority ----------------------------------------------------


def licence_suspend(licence: Licence, *, until: dt.date | None, reason: str, actor: Any = None) -> Licence:
    """Suspend an active licence until ``until`` (a day after today); the sweep lifts it after
    that day (P5: temporary suspension)."""
    text = _reason(reason)
    today = timezone.localdate()
    if until is None:
        raise ApplicationError(msg.UNTIL_REQUIRED, code="until_required", fields={"until": [msg.UNTIL_REQUIRED]})
    if until <= today:
        raise ApplicationError(msg.UNTIL_NOT_FUTURE, code="until_not_future", fields={"until": [msg.UNTIL_NOT_FUTURE]})
    with transaction.atomic():
        locked = _locked(licence)
        if live_status(locked, today) != LicenceStatus.ACTIVE:
            raise _illegal(locked, today)
        old = locked.status
        locked.status = LicenceStatus.SUSPENDED
        locked.suspended_until = until
        locked.status_reason = text
        locked.save(update_fields=["status", "suspended_until", "status_reason"])
        sms = msg.SMS_SUSPENDED.format(office=locked.office_name, number=locked.number, until=_fa(until), reason=text)
        _record(locked, action="suspend", actor=actor, old=old, reason=text, data={"until": str(until)}, sms=sms)
    return locked


def licence_reinstate(licence: Licence, *, reason: str, actor: Any = None) -> Licence:
    """Lift a suspension before its end."""
    text = _reason(reason)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(licence)
        if locked.status != LicenceStatus.SUSPENDED:
            raise _illegal(locked, today)
        old = locked.status
        locked.status = LicenceStatus.ACTIVE
        locked.suspended_until = None
        locked.status_reason = text
        locked.save(update_fields=["status", "suspended_until", "status_reason"])
        sms = msg.SMS_REINSTATED.format(
            office=locked.office_name, number=locked.number, valid_until=_fa(locked.valid_until)
        )
        _record(locked, action="reinstate", actor=actor, old=old, reason=text, sms=sms)
    return locked


def licence_revoke(licence: Licence, *, reason: str, actor: Any = None) -> Licence:
    """Revoke an active or suspended licence; final (S16: any violation can lead to revocation)."""
    text = _reason(reason)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(licence)
        if locked.status not in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED):
            raise _illegal(locked, today)
        old = locked.status
        locked.status = LicenceStatus.REVOKED
        locked.suspended_until = None
        locked.status_reason = text
        locked.save(update_fields=["status", "suspended_until", "status_reason"])
        sms = msg.SMS_REVOKED.format(office=locked.office_name, number=locked.number, reason=text)
        _record(locked, action="revoke", actor=actor, old=old, reason=text, sms=sms)
    return locked


def renewal_window(licence: Licence) -> tuple[dt.date, dt.date]:
    """First and last day on which ``licence`` may be renewed."""
    opens = licence.valid_until - dt.timedelta(days=settings.LICENCE_RENEWAL_WINDOW_DAYS)
    closes = licence.valid_until + dt.timedelta(days=settings.LICENCE_GRACE_DAYS)
    return opens, closes


def renewal_failures(licence: Licence) -> tuple[int, list[str]]:
    """Re-judge the licence's case by the rule-set version in force today for its licence type
    and municipality: (that version, ids of the conditions that fail). Unknown conditions do
    not block: only an unmet approved condition may (P1)."""
    from daftar.applications.services import case_facts
    from daftar.rules.evaluator import FAIL, evaluate
    from daftar.rules.selectors import compiled, rule_set_in_force

    rule_set = rule_set_in_force(licence.licence_type, licence.municipality)
    if rule_set is None:
        raise ApplicationError(msg.RENEWAL_NO_RULES, code="no_rules", status=409)
    evaluation = evaluate(compiled(rule_set), case_facts(licence.application))
    return rule_set.version, [c.id for c in evaluation.conditions if c.result == FAIL]


def _renewal_inquiries(licence: Licence, today: dt.date) -> None:
    """A renewal asks the outside bodies again (issue 5 §5: "and any new inquiry"): answers
    older than LICENCE_RENEWAL_INQUIRY_MAX_AGE_DAYS are re-asked (in their own transaction, so
    the request stands) and the renewal waits for them; a failed answer refuses it."""
    from daftar.inquiries.models import InquiryStatus
    from daftar.inquiries.services import inquiries_refresh

    if licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED):
        return  # the state check below answers
    opens, closes = renewal_window(licence)
    if not opens <= today <= closes:
        return  # the window check below answers
    application = licence.application
    asked = inquiries_refresh(application=application, max_age_days=settings.LICENCE_RENEWAL_INQUIRY_MAX_AGE_DAYS)
    if asked:
        raise ApplicationError(msg.RENEWAL_INQUIRIES_PENDING, code="renewal_inquiries_pending", status=409)
    failed = [f"{i.get_kind_display()}: {i.reason}" for i in application.inquiries.filter(status=InquiryStatus.FAILED)]
    if failed:
        raise ApplicationError(
            msg.RENEWAL_INQUIRY_FAILED.format(reasons="؛ ".join(failed)), code="inquiry_failed", status=409
        )


def licence_renew(licence: Licence, *, reason: str, actor: Any = None) -> Licence:
    """Extend validity by ``LICENCE_VALIDITY_YEARS`` from the current end, within the renewal
    window or the grace period, if the case still meets today's conditions; re-signs."""
    text = _reason(reason)
    today = timezone.localdate()
    _renewal_inquiries(licence, today)
    with transaction.atomic():
        locked = _locked(licence)
        if locked.status not in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED):
            raise _illegal(locked, today)
        opens, closes = renewal_window(locked)
        if not opens <= today <= closes:
            message = msg.RENEWAL_OUTSIDE_WINDOW.format(
                opens=_fa(opens),
                closes=_fa(closes),
                window=persian_digits(settings.LICENCE_RENEWAL_WINDOW_DAYS),
                grace=persian_digits(settings.LICENCE_GRACE_DAYS),
            )
            raise ApplicationError(message, code="renewal_window", status=409)
        version, failed = renewal_failures(locked)
        if failed:
            raise ApplicationError(
                msg.RENEWAL_CONDITIONS_FAILED.format(version=persian_digits(version), ids="، ".join(failed)),
                code="conditions_failed",
                status=409,
                fields={"conditions": failed},
            )
        old, old_until = locked.status, locked.valid_until
        locked.status = LicenceStatus.ACTIVE
        locked.valid_until = add_years(old_until, settings.LICENCE_VALIDITY_YEARS)
        locked.renewals += 1
        locked.status_reason = text
        licence_sign(locked)
        locked.save(update_fields=["status", "valid_until", "renewals", "status_reason", "payload", "signature"])
        sms = msg.SMS_RENEWED.format(
            office=locked.office_name, number=locked.number, valid_until=_fa(locked.valid_until)
        )
        data = {"from_until": str(old_until), "until": str(locked.valid_until), "rule_set_version": version}
        _record(locked, action="renew", actor=actor, old=old, reason=text, data=data, sms=sms)
    return locked


def licence_act(licence: Licence, *, action: str, actor: Any, reason: str, until: dt.date | None = None) -> Licence:
    """Dispatch one of ``ACTIONS`` (the API's and the pages' single door)."""
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
    re-checked under its lock, so a sweep racing an authority's move does nothing twice."""
    today = timezone.localdate(now or timezone.now())
    ended = expired = 0
    due_suspensions = Licence.objects.filter(status=LicenceStatus.SUSPENDED, suspended_until__lt=today)
    for pk in list(due_suspensions.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = _locked(Licence(pk=pk))
            if (
                locked.status != LicenceStatus.SUSPENDED
                or not locked.suspended_until
                or locked.suspended_until >= today
            ):
                continue
            ended_on = locked.suspended_until
            locked.status = LicenceStatus.ACTIVE
            locked.suspended_until = None
            locked.status_reason = ""
            locked.save(update_fields=["status", "suspended_until", "status_reason"])
            sms = msg.SMS_SUSPENSION_ENDED.format(office=locked.office_name, number=locked.number)
            _record(
                locked,
                action="suspension_end",
                actor=None,
                old=LicenceStatus.SUSPENDED,
                data={"until": str(ended_on)},
                sms=sms,
            )
            ended += 1
    last_valid = today - dt.timedelta(days=settings.LICENCE_GRACE_DAYS)
    due_expiry = Licence.objects.filter(
        status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED], valid_until__lt=last_valid
    )
    for pk in list(due_expiry.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = _locked(Licence(pk=pk))
            if locked.status not in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED) or locked.valid_until >= last_valid:
                continue
            old = locked.status
            locked.status = LicenceStatus.EXPIRED
            locked.suspended_until = None
            locked.save(update_fields=["status", "suspended_until"])
            sms = msg.SMS_EXPIRED.format(
                office=locked.office_name, number=locked.number, valid_until=_fa(locked.valid_until)
            )
            _record(
                locked, action="expire", actor=None, old=old, data={"valid_until": str(locked.valid_until)}, sms=sms
            )
            expired += 1
    return {"suspensions_ended": ended, "expired": expired}
