"""Opening calls (S7). Every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import District, Municipality
from daftar.rules.models import LicenceType
from daftar.rules.selectors import rule_set_in_force

from . import messages as msg
from .models import Call, CallDistrict


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
) -> Call:
    """Open a call with ``quotas`` (district id → number of licences) under the rule-set
    version in force for the licence type in this municipality."""
    if closes_at <= opens_at:
        raise ApplicationError(msg.CLOSES_BEFORE_OPENS, fields={"closes_at": [msg.CLOSES_BEFORE_OPENS]})
    if not quotas:
        raise ApplicationError(msg.NO_DISTRICTS, fields={"districts": [msg.NO_DISTRICTS]})
    districts = {d.pk: d for d in District.objects.filter(pk__in=quotas, municipality=municipality)}
    if len(districts) != len(quotas):
        raise ApplicationError(msg.DISTRICT_FOREIGN, fields={"districts": [msg.DISTRICT_FOREIGN]})
    if any(not isinstance(q, int) or isinstance(q, bool) or not 1 <= q <= 1000 for q in quotas.values()):
        raise ApplicationError(msg.QUOTA_INVALID, fields={"districts": [msg.QUOTA_INVALID]})
    rule_set = rule_set_in_force(licence_type, municipality)
    if rule_set is None:
        raise ApplicationError(msg.NO_RULES, code="no_rules", status=409)
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
