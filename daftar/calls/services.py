"""Opening, editing, closing and cancelling calls (S7). Every change is audited.

The municipality administrator's pages (``daftar.desk.municipal.calls``) and the Django admin
(``admin.py``) check a call with the same functions here (``call_dates_check``,
``call_quotas_check``, ``call_rule_set_check``), so the two front doors cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits
from daftar.municipalities.models import District, Municipality
from daftar.rules.models import LicenceType, RuleSet
from daftar.rules.selectors import rule_set_in_force
from daftar.runtime import pagecache

from . import messages as msg
from .models import Call, CallDistrict, CallState

# An opening typed as "now" is a minute or two old by the time the form is sent.
OPENING_GRACE = dt.timedelta(minutes=10)
MAX_QUOTA = 1000


def _state_label(call: Call, now: dt.datetime | None = None) -> str:
    return "لغوشده" if call.cancelled else CallState(call.state(now)).label


def call_dates_check(opens_at: dt.datetime, closes_at: dt.datetime, *, future: bool = False) -> None:
    """The window of a call: it closes after it opens; ``future``: a new opening is not in the past."""
    if future and opens_at < timezone.now() - OPENING_GRACE:
        raise ApplicationError(msg.OPENS_IN_PAST, fields={"opens_at": [msg.OPENS_IN_PAST]})
    if closes_at <= opens_at:
        raise ApplicationError(msg.CLOSES_BEFORE_OPENS, fields={"closes_at": [msg.CLOSES_BEFORE_OPENS]})


def call_quotas_check(municipality: Municipality, quotas: dict[int, int]) -> dict[int, District]:
    """``quotas`` (district id → licences) names at least one district of ``municipality``, each
    with a whole number from 1 to ``MAX_QUOTA``; answers the districts by id."""
    if not quotas:
        raise ApplicationError(msg.NO_DISTRICTS, fields={"districts": [msg.NO_DISTRICTS]})
    if any(not isinstance(q, int) or isinstance(q, bool) or not 1 <= q <= MAX_QUOTA for q in quotas.values()):
        raise ApplicationError(msg.QUOTA_INVALID, fields={"districts": [msg.QUOTA_INVALID]})
    districts = {d.pk: d for d in District.objects.filter(pk__in=quotas, municipality=municipality)}
    if len(districts) != len(quotas):
        raise ApplicationError(msg.DISTRICT_FOREIGN, fields={"districts": [msg.DISTRICT_FOREIGN]})
    return districts


def call_rule_set_check(rule_set: RuleSet | None, municipality: Municipality, licence_type: LicenceType) -> RuleSet:
    """A call is judged by a published version of its own licence type in its own municipality."""
    if rule_set is None:
        raise ApplicationError(msg.RULE_SET_UNKNOWN, fields={"rule_set": [msg.RULE_SET_UNKNOWN]})
    if rule_set.municipality_id != municipality.pk or rule_set.licence_type_id != licence_type.pk:
        raise ApplicationError(msg.RULE_SET_FOREIGN, fields={"rule_set": [msg.RULE_SET_FOREIGN]})
    if not rule_set.published:
        raise ApplicationError(msg.RULE_SET_UNPUBLISHED, fields={"rule_set": [msg.RULE_SET_UNPUBLISHED]})
    return rule_set


def _title_check(title: str) -> str:
    title = (title or "").strip()
    if not 5 <= len(title) <= 200:
        raise ApplicationError(msg.TITLE_NEEDED, fields={"title": [msg.TITLE_NEEDED]})
    return title


def _reason_check(reason: str) -> str:
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 500:
        raise ApplicationError(msg.REASON_NEEDED, fields={"reason": [msg.REASON_NEEDED]})
    return reason


def call_create(
    *,
    municipality: Municipality,
    licence_type: LicenceType,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    quotas: dict[int, int],
    actor: Any,
    description: str = "",
    rule_set: RuleSet | None = None,
    future: bool = False,
) -> Call:
    """Open a call with ``quotas`` (district id → number of licences) under ``rule_set`` (a
    published version of the licence type here), or the version in force when none is given.

    ``future``: the opening may not be in the past (the administrator's page; the demo and the
    tests backdate calls on purpose)."""
    title = _title_check(title) if future else title
    call_dates_check(opens_at, closes_at, future=future)
    districts = call_quotas_check(municipality, quotas)
    if rule_set is None:
        rule_set = rule_set_in_force(licence_type, municipality)
        if rule_set is None:
            raise ApplicationError(msg.NO_RULES, code="no_rules", status=409)
    call_rule_set_check(rule_set, municipality, licence_type)
    with transaction.atomic():
        call = Call.objects.create(
            municipality=municipality,
            licence_type=licence_type,
            rule_set=rule_set,
            title=title,
            description=description,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        CallDistrict.objects.bulk_create(
            CallDistrict(call=call, district=districts[pk], quota=quota) for pk, quota in quotas.items()
        )
        pagecache.changed("calls", municipality=call.municipality_id)  # bulk_create sends no signal
        audit_record(
            actor=actor,
            action="call.create",
            obj=call,
            municipality=municipality,
            data={
                "rule_set": rule_set.pk,
                "version": rule_set.version,
                "quotas": {str(k): v for k, v in quotas.items()},
            },
        )
    return call


def call_update(
    *,
    call: Call,
    title: str,
    description: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    quotas: dict[int, int],
    rule_set: RuleSet | None,
    actor: Any,
) -> Call:
    """Change a call that has not opened yet: its texts, window, version and districts. Once it
    opens, people apply under what it says; then it can only be closed early or cancelled."""
    title = _title_check(title)
    call_dates_check(opens_at, closes_at, future=True)
    districts = call_quotas_check(call.municipality, quotas)
    call_rule_set_check(rule_set, call.municipality, call.licence_type)
    assert rule_set is not None  # checked just above
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.cancelled or locked.state() != CallState.UPCOMING:
            raise ApplicationError(msg.NOT_UPCOMING.format(state=_state_label(locked)), code="conflict", status=409)
        rows = {row.district_id: row for row in locked.districts.all()}
        dropped = [pk for pk in rows if pk not in quotas]
        if dropped and locked.applications.filter(district__in=dropped).exists():
            raise ApplicationError(msg.DISTRICT_HAS_CASES, fields={"districts": [msg.DISTRICT_HAS_CASES]})
        before = {
            "title": locked.title,
            "opens_at": locked.opens_at.isoformat(),
            "closes_at": locked.closes_at.isoformat(),
            "rule_set": locked.rule_set_id,
            "quotas": {str(pk): row.quota for pk, row in rows.items()},
        }
        locked.title, locked.description = title, description
        locked.opens_at, locked.closes_at, locked.rule_set = opens_at, closes_at, rule_set
        locked.save(update_fields=["title", "description", "opens_at", "closes_at", "rule_set"])
        CallDistrict.objects.filter(call=locked, district_id__in=dropped).delete()
        for pk, quota in quotas.items():
            if pk in rows:
                if rows[pk].quota != quota:
                    CallDistrict.objects.filter(pk=rows[pk].pk).update(quota=quota)
                    pagecache.changed("calls", municipality=locked.municipality_id)  # .update(): no signal
            else:
                CallDistrict.objects.create(call=locked, district=districts[pk], quota=quota)
        audit_record(
            actor=actor,
            action="call.update",
            obj=locked,
            municipality=locked.municipality,
            data={
                "before": before,
                "after": {
                    "title": title,
                    "opens_at": opens_at.isoformat(),
                    "closes_at": closes_at.isoformat(),
                    "rule_set": rule_set.pk,
                    "quotas": {str(k): v for k, v in quotas.items()},
                },
            },
        )
    return locked


def call_close(*, call: Call, reason: str, actor: Any) -> Call:
    """End an open call now (``closes_at`` = now): nobody may apply or submit a draft in it any
    more; the cases already submitted go on."""
    reason = _reason_check(reason)
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        now = timezone.now()
        if locked.state(now) != CallState.OPEN:
            raise ApplicationError(msg.NOT_OPEN.format(state=_state_label(locked, now)), code="conflict", status=409)
        was = locked.closes_at
        locked.closes_at = now
        locked.save(update_fields=["closes_at"])
        audit_record(
            actor=actor,
            action="call.close",
            obj=locked,
            municipality=locked.municipality,
            data={"reason": reason, "closes_at_was": was.isoformat(), "closed_at": now.isoformat()},
        )
    return locked


def call_submitted_count(call: Call) -> int:
    """Cases submitted in ``call`` (read through the relation: the case app is above this one)."""
    return int(call.applications.filter(submitted_at__isnull=False).count())


def call_cancel(*, call: Call, reason: str, actor: Any) -> Call:
    """Cancel an upcoming call, or an open one in which nobody has submitted a case yet: it is
    closed for good and its drafts can no longer be submitted."""
    reason = _reason_check(reason)
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.cancelled or locked.state() == CallState.CLOSED:
            raise ApplicationError(msg.NOT_CANCELLABLE.format(state=_state_label(locked)), code="conflict", status=409)
        submitted = call_submitted_count(locked)
        if submitted:
            raise ApplicationError(
                msg.HAS_SUBMITTED.format(count=persian_digits(submitted)), code="conflict", status=409
            )
        locked.cancelled = True
        locked.save(update_fields=["cancelled"])
        audit_record(
            actor=actor,
            action="call.cancel",
            obj=locked,
            municipality=locked.municipality,
            data={"reason": reason},
        )
    return locked
