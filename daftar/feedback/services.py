"""Citizens' feedback after a service (issue 22 §1): asking, rating, and deciding held comments.

- ``feedback_request_create`` is called by the handlers of ``ServiceRecorded`` (a walk-in
  citizen's number given) and ``AppointmentKept``, inside the office's transaction: it writes
  the request and queues the SMS (the outbox), or writes nothing where no one should be asked
  (feedback off, the office's own people, a citizen already asked by this office that day).
- ``feedback_rate`` is the citizen's one use of the link (page and API alike).
- ``feedback_moderate`` is the supervisor's decision on a held comment.

The link is ``/f/<id>-<signature>/``: the signature is an HMAC under the server's secret of
the row's id and a random nonce (Django's ``salted_hmac``), cut to ``LINK_SIGNATURE_CHARS`` hex
digits (80 bits) so the SMS stays short (decision 0050).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_year_month, to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.licences.services import site_url
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.services import notify
from daftar.offices.models import Office, OfficeStaff

from . import messages as msg
from . import moderation, policy, sms
from .models import FeedbackRequest, FeedbackStatus
from .workflow import FEEDBACK

log = logging.getLogger(__name__)

LINK_SALT = "daftar.feedback.link"
LINK_SIGNATURE_CHARS = 20
COMMENT_MAX = 1000
RATINGS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def keyed(kind: str, value: str) -> str:
    """A keyed hash that names a source or a recipient without revealing it."""
    return salted_hmac(f"daftar.feedback.{kind}", value, algorithm="sha256").hexdigest()


def _signature(pk: int, nonce: str) -> str:
    return salted_hmac(LINK_SALT, f"{pk}.{nonce}", algorithm="sha256").hexdigest()[:LINK_SIGNATURE_CHARS]


def link_token(row: FeedbackRequest) -> str:
    return f"{row.pk}-{_signature(row.pk, row.nonce)}"


def link_url(row: FeedbackRequest) -> str:
    return site_url() + reverse("feedback:rate", args=[link_token(row)])


def link_days() -> int:
    return max(1, int(settings.FEEDBACK_LINK_DAYS))


def _is_office_person(office: Office, mobile: str) -> bool:
    """The office's own staff or licence holder: nobody rates their own office."""
    if OfficeStaff.objects.filter(office=office, user__mobile=mobile).exists():
        return True
    return bool(office.licence_id and Office.objects.filter(pk=office.pk, licence__holder__mobile=mobile).exists())


def feedback_request_create(
    *, office: Office, service: Any, source: str, source_id: int | str, mobile: str, recipient: Any, moment: dt.datetime
) -> FeedbackRequest | None:
    """Ask the citizen ``mobile`` (``recipient``, their account if known) how the service was.
    Call inside the transaction that recorded the service; ``None`` where nobody is asked."""
    if not settings.FEEDBACK_ENABLED or not mobile or _is_office_person(office, mobile):
        return None
    day = moment.astimezone(TEHRAN).date()
    source_key = keyed("source", f"{source}:{source_id}")
    # per office and day: the same citizen gets unrelated keys elsewhere (no profile across offices)
    recipient_key = keyed("recipient", f"{office.pk}:{day.isoformat()}:{mobile}")
    if (
        FeedbackRequest.objects.filter(source_key=source_key).exists()
        or FeedbackRequest.objects.filter(office=office, recipient_key=recipient_key, day=day).exists()
    ):
        return None  # one link per service, and one per citizen, office and day
    # the day only, not the moment: the row's times must not match the service's own rows; the
    # link's days count from today (a service recorded late still gets its whole week)
    sent_on = dt.datetime.combine(timezone.localdate(), dt.time(), tzinfo=TEHRAN)
    row = FeedbackRequest(
        office=office,
        municipality_id=office.municipality_id,
        service=service,
        source=source,
        source_key=source_key,
        recipient_key=recipient_key,
        day=day,
        nonce=secrets.token_hex(16),
        created_at=sent_on,
        expires_at=sent_on + dt.timedelta(days=link_days() + 1),  # to the end of the last day
    )
    try:
        with transaction.atomic():  # a concurrent twin loses here, not the service's record
            row.save(force_insert=True)
    except IntegrityError:
        return None
    notify(
        sms.REQUEST.key,
        to=recipient if recipient is not None else mobile,
        sensitive=True,  # the link is the key to the rating: redacted once sent, like a login code
        municipality=office.municipality,
        service=service.title,
        office=office.display_name,
        link=link_url(row),
        until=to_jalali(row.valid_until),
    )
    # no audit entry of its own: the service it follows is audited, and an entry naming this row
    # beside that one would tie the rating to the citizen (decision 0050)
    return row


# --- the citizen's rating ---------------------------------------------------------------------


TOKEN = re.compile(rf"([0-9]{{1,12}})-([0-9a-f]{{{LINK_SIGNATURE_CHARS}}})")


def find_by_token(token: object) -> FeedbackRequest:
    """The request the link names, or the 404 of an unknown, forged or expired link (used or
    not: an old link tells nothing of whether the citizen answered)."""
    match = TOKEN.fullmatch(str(token or "").strip().lower())
    if match is None:
        raise policy.link_unknown()
    row = (
        FeedbackRequest.objects.select_related("office", "service", "municipality")
        .filter(pk=int(match.group(1)))
        .first()
    )
    if row is None or not hmac.compare_digest(_signature(row.pk, row.nonce), match.group(2)):
        raise policy.link_unknown()
    if row.expires_at <= timezone.now():
        raise policy.link_unknown()
    return row


def parse_rating(raw: object) -> int:
    text = normalize_text(str(raw if raw is not None else "")).strip()
    if not text:
        raise ApplicationError(msg.RATING_REQUIRED, code="rating_required", fields={"rating": [msg.RATING_REQUIRED]})
    if text not in RATINGS:  # never int() on what was sent: a long digit string raises
        raise ApplicationError(msg.RATING_INVALID, code="rating_invalid", fields={"rating": [msg.RATING_INVALID]})
    return RATINGS[text]


def parse_comment(raw: object) -> str:
    text = normalize_text(str(raw or "")).strip()
    if len(text) > COMMENT_MAX:
        message = msg.COMMENT_TOO_LONG.format(max=persian_digits(COMMENT_MAX))
        raise ApplicationError(message, code="comment_too_long", fields={"comment": [message]})
    return text


@FEEDBACK.guard("link_live")
def _link_live(row: FeedbackRequest, actor: Any, data: dict[str, Any]) -> None:
    if row.expires_at <= data.get("now", timezone.now()):
        raise policy.link_unknown()


@FEEDBACK.effect("keep_rating")
def _keep_rating(row: FeedbackRequest, actor: Any, data: dict[str, Any]) -> None:
    now = data.get("now", timezone.now())
    row.rating = data["rating"]
    row.comment = data["comment"]
    row.flag_reasons = data["reasons"]
    rated_on = now.astimezone(TEHRAN).date()
    row.rated_at = dt.datetime.combine(rated_on, dt.time(), tzinfo=TEHRAN)  # the day: a moment would match logs
    row.jyear, row.jmonth = jalali_year_month(rated_on)


def feedback_rate(
    *, token: object, rating: object, comment: object = "", found: FeedbackRequest | None = None
) -> FeedbackRequest:
    """The citizen rates the service once through the link (no login). A comment held for
    review (``moderation.reasons``) leaves the request ``flagged``; its rating counts anyway."""
    if found is None:  # the page has looked the link up already
        found = find_by_token(token)  # the link first: an unknown one is 404 whatever the body
    value = parse_rating(rating)
    text = parse_comment(comment)
    with transaction.atomic():
        row = FeedbackRequest.objects.select_for_update().get(pk=found.pk)
        if row.status != FeedbackStatus.SENT:
            raise ApplicationError(msg.ALREADY_RATED, code="already_rated", status=409)
        reasons = moderation.reasons(text)
        data = {"rating": value, "comment": text, "reasons": reasons, "now": timezone.now()}
        chosen = FEEDBACK.check(row, "rate", actor=None, may=policy.may_move, refuse=policy.refuse_move, data=data)
        FEEDBACK.enter(row, chosen, failed=bool(reasons))
        _keep_rating(row, None, data)
        row.save(update_fields=["status", "rating", "comment", "flag_reasons", "rated_at", "jyear", "jmonth"])
        # that an office was rated, not which request nor how: the row keeps the rating
        audit_record(
            actor=None,
            action="feedback.rated",
            municipality=row.municipality,
            actor_label="شهروند (پیوند نظرسنجی)",
            data={"office": row.office_id, "held": bool(reasons)},
        )
    row.office = found.office
    row.service = found.service
    return row


# --- the supervisor's decision on a held comment ------------------------------------------------


MODERATION_ACTIONS = {"publish": ("feedback.published", msg.PUBLISHED), "hide": ("feedback.hidden", msg.HIDDEN)}


@FEEDBACK.effect("moderated")
def _moderated(row: FeedbackRequest, actor: Any, data: dict[str, Any]) -> None:
    row.moderated_by = actor
    row.moderated_at = timezone.now()


def feedback_moderate(*, row: FeedbackRequest, action: object, actor: Any) -> FeedbackRequest:
    """A supervisor of the office's municipality publishes a held comment or keeps it hidden."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError(
            msg.MODERATION_UNKNOWN, code="unknown_action", fields={"action": [msg.MODERATION_UNKNOWN]}
        )
    with transaction.atomic():
        locked = FeedbackRequest.objects.select_for_update().get(pk=row.pk)
        FEEDBACK.take(locked, str(action), actor=actor, may=policy.may_move, refuse=policy.refuse_move)
        locked.save(update_fields=["status", "moderated_by", "moderated_at"])
        audit_record(
            actor=actor,
            action=MODERATION_ACTIONS[str(action)][0],
            obj=locked,
            municipality=locked.municipality,
            data={"office": locked.office_id},
        )
    return locked
