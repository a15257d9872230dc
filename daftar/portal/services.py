"""The connector's writes (decision 0044): the outbox of messages to the national portal, its
delivery with back-off, and the import of applications filed on the portal.

Outbound: ``portal_enqueue`` writes a ``PortalMessage`` in the caller's transaction and hands
it to the worker after the commit. ``portal_deliver`` claims a due message (one worker only),
calls the adapter outside any transaction, then records the answer: sent, or the error and the
next attempt after an exponential back-off (``PORTAL_RETRY_BASE_SECONDS`` doubling up to
``PORTAL_RETRY_MAX_SECONDS``). A message is never dropped: it waits until the portal answers
(``sweep`` beat entry), and staff can ask again at once from /desk/portal/. A licence's answer
carries its national id, written on the licence (certificate, licence page, verification).

Inbound: ``portal_import`` takes the applications the portal lists and makes each a submitted
case in the open call of its municipality and licence type, linked by its ``reference``
(unique: the same portal application never becomes two cases). An applicant without an
account gets one by mobile (server-side, so nothing is enumerated), recorded in the audit chain.
One whose national code does not match the mobile's account, or is another account's, is
refused and kept as refused (``portal_application_refuse``), never retried.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.services import user_get_or_create
from daftar.applications.models import Application
from daftar.applications.services.drafts import application_create
from daftar.applications.services.moves import application_submit
from daftar.applications.workflow import Status
from daftar.audit.services import audit_record
from daftar.calls.models import Call
from daftar.kernel.errors import ApplicationError
from daftar.kernel.validators import normalize_mobile, normalize_national_code
from daftar.licences.models import Licence, LicenceStatus
from daftar.notifications.services import notify

from . import sms
from .adapters import LICENCE_KINDS, PortalUnavailable, get_adapter
from .models import Kind, PortalApplication, PortalMessage

log = logging.getLogger(__name__)

DECISIONS = {Status.APPROVED: "approved", Status.REJECTED: "rejected"}
DEEMED = "deemed_approval"  # silence past the legal time: the licence issued by law (P1)


# --- what goes out ------------------------------------------------------------------------------


def case_payload(application: Application) -> dict[str, Any]:
    link = PortalApplication.objects.filter(application=application).values_list("reference", flat=True).first()
    return {
        "case": application.tracking_code or "",
        "portal_reference": link or "",
        "municipality": application.municipality.slug,
    }


def licence_payload(licence: Licence) -> dict[str, Any]:
    application = licence.application
    return {
        "number": licence.number,
        "case": application.tracking_code or "",
        "portal_reference": PortalApplication.objects.filter(application_id=licence.application_id)
        .values_list("reference", flat=True)
        .first()
        or "",
        "municipality": licence.municipality.slug,
        "licence_type": licence.licence_type.code,
        "holder_national_code": licence.holder.national_code or "",
        "holder_name": licence.holder_name,
        "office_name": licence.office_name,
        "status": licence.status,
        "issued_at": licence.issued_at.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat(),
    }


def portal_enqueue(
    *,
    kind: str,
    municipality_id: int,
    payload: dict[str, Any],
    application: Application | None = None,
    licence: Licence | None = None,
) -> PortalMessage:
    """One message to the portal, in the caller's transaction; handed to a worker on commit."""
    message = PortalMessage.objects.create(
        kind=kind, municipality_id=municipality_id, payload=payload, application=application, licence=licence
    )
    transaction.on_commit(lambda: _hand_over(message.pk))
    return message


def _hand_over(message_id: int) -> None:
    # the task module imports this one: imported here, once the worker runs it
    from .tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception:  # a broker hiccup: the sweep sends it
        log.warning("portal_hand_over_failed message=%s", message_id, exc_info=True)


def on_case_moved(application: Application, action: str, old: str, new: str) -> list[PortalMessage]:
    """What a case's move tells the portal: its new status; the decision when it is one; the
    licence when it was issued. Drafts are the applicant's own business and are not sent."""
    if application.tracking_code is None:  # never submitted
        return []
    at = timezone.now().isoformat()
    base = case_payload(application)
    sent = [
        portal_enqueue(
            kind=Kind.STATUS_CHANGED,
            municipality_id=application.municipality_id,
            application=application,
            payload={**base, "status": new, "status_display": Status(new).label, "action": action, "at": at},
        )
    ]
    decision = DECISIONS.get(Status(new)) if old != new else None
    if action == DEEMED:
        decision = DEEMED
    if decision:
        sent.append(
            portal_enqueue(
                kind=Kind.DECISION,
                municipality_id=application.municipality_id,
                application=application,
                payload={
                    **base,
                    "decision": decision,
                    "reason": application.decision_reason,
                    "failed_conditions": list(application.failed_conditions or []),
                    "at": at,
                },
            )
        )
    if new == Status.LICENCE_ISSUED and old != new:  # issued by the authority or deemed approved (P1)
        licence = Licence.objects.select_related("municipality", "licence_type", "holder", "application").get(
            application=application
        )
        sent.append(licence_enqueue(licence, kind=Kind.LICENCE_ISSUED))
    return sent


def licence_enqueue(licence: Licence, *, kind: str = Kind.LICENCE_ISSUED) -> PortalMessage:
    return portal_enqueue(
        kind=kind,
        municipality_id=licence.municipality_id,
        licence=licence,
        application=licence.application,
        payload=licence_payload(licence),
    )


# --- delivery -----------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: base × 2^(attempts−1), capped."""
    seconds = settings.PORTAL_RETRY_BASE_SECONDS * 2 ** max(0, min(attempts - 1, 30))
    return dt.timedelta(seconds=min(seconds, settings.PORTAL_RETRY_MAX_SECONDS))


def portal_deliver(message_id: int, *, now: dt.datetime | None = None) -> bool:
    """One attempt at one due message; True when the portal took it."""
    now = now or timezone.now()
    claimed = PortalMessage.objects.filter(pk=message_id, sent_at__isnull=True, next_attempt_at__lte=now).update(
        attempts=F("attempts") + 1, next_attempt_at=now + dt.timedelta(seconds=settings.PORTAL_LEASE_SECONDS)
    )
    if not claimed:
        return False  # sent already, not due, or another worker holds it
    message = PortalMessage.objects.get(pk=message_id)
    try:
        reply = get_adapter().deliver(message.kind, message.payload, timeout=settings.PORTAL_TIMEOUT)
    except PortalUnavailable as exc:
        PortalMessage.objects.filter(pk=message_id).update(
            next_attempt_at=timezone.now() + backoff(message.attempts),
            last_error=str(exc)[:500],
            error_code=exc.code,
        )
        log.warning(
            "portal_delivery_failed message=%s kind=%s attempts=%s error=%s",
            message_id,
            message.kind,
            message.attempts,
            exc,
        )
        return False
    with transaction.atomic():
        PortalMessage.objects.filter(pk=message_id).update(
            sent_at=timezone.now(), reply=reply, last_error="", error_code=""
        )
        if message.kind in LICENCE_KINDS and message.licence_id:
            _national_id_given(message.licence_id, str(reply["national_id"]))
    return True


def _national_id_given(licence_id: int, national_id: str) -> None:
    licence = Licence.objects.select_for_update().get(pk=licence_id)
    if licence.national_id == national_id:
        return
    old = licence.national_id
    licence.national_id = national_id
    licence.save(update_fields=["national_id"])  # the signals refresh the verification snapshot
    audit_record(
        actor=None,
        actor_label="system",
        action="licence.national_id",
        obj=licence,
        municipality=licence.municipality,
        data={"national_id": national_id, "previous": old},
    )


def portal_due(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        PortalMessage.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def portal_retry_now(*, message: PortalMessage, actor: Any) -> bool:
    """Staff ask for an attempt now (the «تلاش دوباره» button); True when it went through."""
    with transaction.atomic():
        PortalMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(next_attempt_at=timezone.now())
        audit_record(actor=actor, action="portal.retry", obj=message, municipality=message.municipality, data={})
    return portal_deliver(message.pk)


# --- what comes in -----------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # reference → why (operator's English)


def portal_import() -> ImportResult:
    """Fetch the portal's applications and make each new one a case (idempotent)."""
    result = ImportResult()
    rows = get_adapter().applications(timeout=settings.PORTAL_TIMEOUT)
    for row in rows:
        reference = str(row.get("reference") or "").strip()[:64]
        if not reference:
            result.refused["?"] = "no reference"
            continue
        if PortalApplication.objects.filter(reference=reference).exists():
            result.known.append(reference)
            continue
        try:
            portal_application_accept(reference=reference, row=row)
        except IdentityMismatch as exc:  # kept as refused: taken again, it would only be refused again
            try:
                portal_application_refuse(reference=reference, row=row, reason=str(exc))
            except IntegrityError:
                result.known.append(reference)
                continue
            result.refused[reference] = str(exc)
            log.warning("portal_application_refused reference=%s error=%s", reference, exc)
            continue
        except (ApplicationError, ValidationError, ValueError, KeyError, TypeError) as exc:
            result.refused[reference] = str(getattr(exc, "message", exc))
            log.warning("portal_application_refused reference=%s error=%s", reference, exc)
            continue
        except IntegrityError:  # another worker took it in the meantime
            result.known.append(reference)
            continue
        result.created.append(reference)
    return result


def _call_for(row: dict[str, Any]) -> Call:
    calls = [
        call
        for call in Call.objects.filter(
            municipality__slug=str(row["municipality"]), licence_type__code=str(row["licence_type"])
        ).order_by("-pk")
        if call.is_open()
    ]
    if not calls:
        raise ValueError("no open call for this municipality and licence type")
    return calls[0]


class IdentityMismatch(ValueError):
    """The portal's applicant is not the account the mobile belongs to (operator's English)."""


def _applicant(person: dict[str, Any]) -> User:
    """The account of the portal's applicant: by mobile, and never against the national code.

    The mobile's account with another national code, or the portal's national code already
    another account's, is refused (``IdentityMismatch``): a case is never attached to someone
    else, and a known national code never gets a second account."""
    mobile = normalize_mobile(str(person["mobile"]))
    try:
        code = normalize_national_code(str(person.get("national_code") or ""))
    except ValidationError:  # the portal's own record; the person corrects it on the profile
        code = ""
    owner = User.objects.filter(mobile=mobile).first()
    if owner is not None and owner.national_code and owner.national_code != code:
        raise IdentityMismatch("the mobile's account has another national code")
    holder = User.objects.filter(national_code=code).first() if code else None
    if holder is not None and (owner is None or holder.pk != owner.pk):
        raise IdentityMismatch("the national code belongs to another account")
    user, created = user_get_or_create(mobile=mobile)
    if created:
        user.first_name = str(person.get("first_name") or "")[:150]
        user.last_name = str(person.get("last_name") or "")[:150]
        user.national_code = code
        user.save()
        audit_record(
            actor=None,
            actor_label="system",
            action="portal.account_created",
            obj=user,
            data={"source": "national_portal"},
        )
    return user


def portal_application_refuse(*, reference: str, row: dict[str, Any], reason: str) -> PortalApplication:
    """Keep a portal application refused for its applicant's identity: no case, an audit entry."""
    with transaction.atomic():
        refused = PortalApplication.objects.create(reference=reference, payload=row, refused_reason=reason[:200])
        audit_record(
            actor=None,
            actor_label="system",
            action="portal.application_refused",
            obj=refused,
            data={"reference": reference, "reason": reason},
        )
    return refused


def portal_application_accept(*, reference: str, row: dict[str, Any]) -> Application:
    """One portal application as a submitted case, in one transaction."""
    call = _call_for(row)
    district = call.districts.filter(district__number=int(row["district"])).values_list("district_id", flat=True)
    district_id = district.first()
    if district_id is None:
        raise ValueError("the district is not in the call")
    with transaction.atomic():
        applicant = _applicant(dict(row["applicant"]))
        application = application_create(call=call, district_id=district_id, facts_raw=row["facts"], actor=applicant)
        PortalApplication.objects.create(reference=reference, application=application, payload=row)
        submitted = _submit_if_complete(application, applicant)
        if not submitted:  # the documents are uploaded here: the applicant is told how
            notify(
                sms.ARRIVED.key,
                to=applicant,
                municipality=call.municipality,
                call=call.title,
                municipality_name=call.municipality.name,
            )
        audit_record(
            actor=None,
            actor_label="system",
            action="portal.application_received",
            obj=application,
            municipality=call.municipality,
            data={"reference": reference, "submitted": submitted},
        )
    return Application.objects.get(pk=application.pk)


def _submit_if_complete(application: Application, applicant: User) -> bool:
    """Submit the case when nothing is missing (its documents, above all); else leave the draft."""
    try:
        with transaction.atomic():
            application_submit(application_id=application.pk, actor=applicant)
    except ApplicationError:
        return False
    return True


# --- licences issued before the connector -------------------------------------------------------


REGISTRABLE = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)  # a revoked or expired one is not registered


def unregistered_licences() -> Any:
    """Licences in force (active or suspended) without a national id and without a registration
    still on its way."""
    waiting = PortalMessage.objects.filter(sent_at__isnull=True, kind__in=LICENCE_KINDS).values("licence_id")
    return Licence.objects.filter(national_id="", status__in=REGISTRABLE).exclude(pk__in=waiting).order_by("pk")


def portal_register_licences(*, dry_run: bool = False) -> int:
    """Queue a registration for every licence that has no national id yet; how many."""
    count = 0
    qs = unregistered_licences().select_related("municipality", "licence_type", "holder", "application")
    for licence in qs.iterator(chunk_size=200):
        count += 1
        if not dry_run:
            with transaction.atomic():
                licence_enqueue(licence, kind=Kind.REGISTER_LICENCE)
    return count
