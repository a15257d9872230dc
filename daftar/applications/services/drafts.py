"""A draft case: creating and editing it while it is the applicant's (S7), and its tracking code.

One draft per applicant per call, made only while the call is open (S7, server time,
Asia/Tehran); the district is one of the call's and is fixed after the first submission (it
decides the quota one competes for, P4). A PATCH replaces only the facts sent; the facts the
profile holds are never the form's (S15.2). On submission a case gets a tracking code: 10
symbols from an alphabet without look-alikes, about 49 bits (``moves``).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.calls import messages as call_msg
from daftar.calls.models import Call, CallDistrict
from daftar.documents.models import Document
from daftar.inquiries.models import Inquiry
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import District
from daftar.notifications.services import notify

from .. import messages as msg
from .. import sms
from ..models import Application, CaseEvent, StageClock
from ..workflow import Status
from .facts import _refresh_verdict, _validated_facts

# Tracking codes: 10 symbols from an alphabet without look-alikes (0/O, 1/I/L), about 49 bits.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def tracking_code_new() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def application_create(*, call: Call, district_id: Any, facts_raw: Any, actor: Any) -> Application:
    """A draft in an open call (S7): the call must be open now (server time, Asia/Tehran).

    The draft comes back with its related rows in place (its one timeline event, and no
    documents, inquiries, clocks or training credits yet), so the answer's body is built
    without reading the case again (issue 7)."""
    if not call.is_open():
        raise ApplicationError(call_msg.CALL_NOT_OPEN, code="call_closed", status=409)
    district = _call_district(call, district_id)
    facts = _validated_facts(facts_raw)
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            application = Application(
                call=call, applicant=actor, municipality=call.municipality, district=district, facts=facts
            )
            evaluation = _refresh_verdict(application)
            event = CaseEvent(
                application=application, actor=user, action="create", from_status="", to_status=Status.DRAFT
            )
            told = notify(
                sms.DRAFT.key,
                to=actor,
                municipality=call.municipality,
                save=False,
                call=call.title,
                municipality_name=call.municipality.name,
            )
            audit_record(  # with the new rows: one statement on PostgreSQL (issue 7)
                actor=actor,
                action="application.create",
                obj=application,
                municipality=call.municipality,
                data={"call": call.pk, "district": district.pk},
                new_rows=(application, event, *([told] if told else [])),
            )
    except IntegrityError:
        # no savepoint around the insert: the whole draft rolled back; one per call (S7) is the
        # only constraint a new draft can break
        if Application.objects.filter(call=call, applicant=actor).exists():
            raise ApplicationError(msg.ALREADY_APPLIED, code="already_applied", status=409) from None
        raise
    application._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "events": _known(CaseEvent, [event]),
        "documents": _known(Document, []),
        "inquiries": _known(Inquiry, []),
        "clocks": _known(StageClock, []),
    }
    application.training_hours_prefetched = []  # type: ignore[attr-defined]
    application.evaluation_fresh = evaluation  # type: ignore[attr-defined]  # for the 201's body
    return application


def _known(model: Any, rows: list[Any]) -> Any:
    """A queryset already evaluated to ``rows`` (what ``prefetch_related`` leaves behind)."""
    qs = model.objects.all()
    qs._result_cache = rows
    qs._prefetch_done = True
    return qs


MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int | None:
    """A database id from JSON or a query string: a positive integer that fits a bigint;
    anything else (booleans, floats, «²», 10**30) is None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and re.fullmatch(r"[0-9]{1,19}", raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if 0 < value <= MAX_ID else None


def _call_district(call: Call, district_id: Any) -> District:
    pk = parse_id(district_id) or -1
    cached = getattr(call, "districts_cached", None)  # casecache.call_for_new_case
    if cached is not None:
        if pk not in cached:
            raise ApplicationError(msg.DISTRICT_NOT_IN_CALL, fields={"district": [msg.DISTRICT_NOT_IN_CALL]})
        return cached[pk]  # type: ignore[no-any-return]
    row = (
        CallDistrict.objects.select_related("district")
        .filter(call=call, district_id=pk, district__municipality_id=call.municipality_id)
        .first()
    )
    if row is None:
        raise ApplicationError(msg.DISTRICT_NOT_IN_CALL, fields={"district": [msg.DISTRICT_NOT_IN_CALL]})
    return row.district


def application_update(
    *, application_id: int, actor: Any, facts_raw: Any = None, district_id: Any = None
) -> Application:
    """The applicant edits facts (or the district) while the case is theirs to edit."""
    with transaction.atomic():
        application = _locked(application_id)
        if application.status not in (Status.DRAFT, Status.CORRECTION_REQUESTED):
            raise ApplicationError(
                msg.NOT_EDITABLE.format(status=application.get_status_display()), code="illegal_state", status=409
            )
        changed: dict[str, Any] = {}
        if facts_raw is not None:
            # a PATCH: the facts sent replace those facts only; an explicit null removes one
            removed = [k for k, v in facts_raw.items() if v is None] if isinstance(facts_raw, dict) else []
            merged = {**application.facts, **_validated_facts(facts_raw)}
            application.facts = {k: v for k, v in merged.items() if k not in removed}
            changed["facts"] = sorted(application.facts)
        if district_id is not None:
            if application.status != Status.DRAFT:  # the district decides the quota one competes for
                raise ApplicationError(msg.DISTRICT_FIXED, code="illegal_state", status=409)
            application.district = _call_district(application.call, district_id)
            changed["district"] = application.district_id
        _refresh_verdict(application)
        application.updated_at = timezone.now()
        application.save()
        audit_record(
            actor=actor,
            action="application.update",
            obj=application,
            municipality=application.municipality,
            data=changed,
        )
    return application


def _locked(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "call__rule_set", "call__licence_type", "municipality", "applicant", "district")
        .get(pk=application_id)
    )
