"""A district's quota ranking (P4): which of its cases that passed document review hold a place.

Approved cases keep their places; the others are ranked by score, ties broken by the first
submission. ``guards.guard_approvable`` refuses an approval outside the places left.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F

from daftar.calls.models import Call

from ..models import Application
from ..workflow import PASSED_REVIEW, Status


@dataclass(frozen=True)
class Standing:
    application_id: int
    tracking_code: str
    score: Decimal | None
    submitted_at: Any
    rank: int
    quota: int
    within_quota: bool


HOLDS_PLACE = (Status.APPROVED, Status.LICENCE_ISSUED)


def district_ranking(call: Call, district_id: int) -> list[Standing]:
    """Cases of one district that passed document review (P4). Approved cases hold their
    places whatever later scores do; the others are ranked by score, ties broken by the first
    submission time, and the top (quota − places held) are within the quota."""
    quota_row = call.districts.filter(district_id=district_id).first()
    quota = quota_row.quota if quota_row else 0
    rows = list(
        Application.objects.filter(call=call, district_id=district_id, status__in=PASSED_REVIEW)
        .order_by(F("score_total").desc(nulls_last=True), "submitted_at", "pk")
        .values_list("pk", "tracking_code", "score_total", "submitted_at", "status")
    )
    held = [r for r in rows if r[4] in HOLDS_PLACE]
    others = [r for r in rows if r[4] not in HOLDS_PLACE]
    free = max(0, quota - len(held))
    ranked = [(r, True) for r in held] + [(r, i < free) for i, r in enumerate(others)]
    return [
        Standing(pk, code or "", total, at, rank, quota, within)
        for rank, ((pk, code, total, at, _status), within) in enumerate(ranked, start=1)
    ]
