"""What awaits the licensing authority: cases to approve (``final_review``, the case's move
``approve``) or to issue a licence for (``approved``, ``issue_licence``), and licences in their
renewal window or grace period (``licences.selectors.due_for_renewal``). One list, the oldest
legal deadline first; each kind read from its own app's selectors and policy, the actor's own
cases and licences excluded there (``applications.selectors.queue``, ``licences.policy``)."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, overload

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from daftar.applications import policy as case_policy
from daftar.applications.models import Application
from daftar.applications.selectors import is_overdue, queue
from daftar.applications.workflow import MOVES as CASE_MOVES
from daftar.applications.workflow import Status
from daftar.kernel.jalali import to_jalali
from daftar.licences import selectors as licence_selectors
from daftar.licences.models import Licence
from daftar.municipalities.workdays import TEHRAN

from . import messages as msg

APPROVE, ISSUE, RENEW = "approve", "issue", "renew"
KINDS = (APPROVE, ISSUE, RENEW)
# the case's state each kind waits in, and the move that ends the wait
CASE_KINDS = {APPROVE: (Status.FINAL_REVIEW, "approve"), ISSUE: (Status.APPROVED, "issue_licence")}
# the roles that take those moves (the licensing authority)
CASE_ROLES = frozenset().union(*(CASE_MOVES[move].roles for _, move in CASE_KINDS.values()))
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)  # a case without a deadline goes last


@dataclass(frozen=True)
class Waiting:
    """One row of the decisions queue."""

    kind: str
    code: str  # the case's tracking code or the licence's number
    url: str
    person: str
    district: str
    due: dt.datetime | dt.date | None
    overdue: bool
    note: str = ""

    @property
    def awaited(self) -> str:
        return msg.KINDS[self.kind]

    @property
    def sort_key(self) -> dt.datetime:
        if self.due is None:
            return LATEST
        if isinstance(self.due, dt.datetime):
            return self.due
        return dt.datetime.combine(self.due, dt.time.max, tzinfo=TEHRAN)


def case_municipalities(actor: Any) -> set[int] | None:
    """The municipalities whose cases ``actor`` approves and issues (``None``: all of them)."""
    return case_policy.staff_municipalities(actor, CASE_ROLES)


def is_authority(actor: Any) -> bool:
    """``actor`` works at some licensing authority's desk (the desk's pages; 403 otherwise)."""
    return case_municipalities(actor) != set()


def cases(actor: Any, kind: str) -> QuerySet[Application]:
    """The cases waiting for ``kind`` (``approve`` or ``issue``) in ``actor``'s municipalities,
    the oldest deadline first."""
    status, _move = CASE_KINDS[kind]
    ids = case_municipalities(actor)
    if ids == set():
        return Application.objects.none()
    qs = queue(actor, {"status": status, "sort": "deadline"})
    if ids is not None:  # the queue spans every case role; the desk only the authority's
        qs = qs.filter(municipality_id__in=ids)
    return qs.order_by(F("due_at").asc(nulls_last=True), "id")


def renewals(actor: Any) -> QuerySet[Licence]:
    return licence_selectors.due_for_renewal(actor)


def case_row(application: Application, kind: str, now: dt.datetime) -> Waiting:
    return Waiting(
        kind=kind,
        code=application.tracking_code or str(application.pk),
        url=reverse("applications:detail", args=[application.pk]),
        person=application.applicant.display_name,
        district=application.district.name,
        due=application.due_at,
        overdue=is_overdue(application, now),
    )


def licence_row(licence: Licence, today: dt.date) -> Waiting:
    closes = licence_selectors.renewal_closes(licence)
    lapsed = licence.valid_until < today
    return Waiting(
        kind=RENEW,
        code=licence.number,
        url=reverse("authority:licence", args=[licence.number]),
        person=licence.holder_name,
        district=licence.district.name,
        due=licence.valid_until,
        overdue=lapsed,
        note=f"مهلت تمدید تا {to_jalali(closes)}" if lapsed else "",
    )


def counts(actor: Any) -> dict[str, int]:
    return {
        APPROVE: cases(actor, APPROVE).count(),
        ISSUE: cases(actor, ISSUE).count(),
        RENEW: renewals(actor).count(),
    }


class WaitingList(Sequence[Waiting]):
    """The kinds merged by deadline, read lazily: a page of it reads at most its last row's
    position from each kind's (already ordered) query, so the first pages stay cheap."""

    def __init__(self, actor: Any, kinds: Iterable[str], sizes: dict[str, int]):
        self.actor = actor
        self.kinds = [k for k in KINDS if k in set(kinds)]
        self.sizes = sizes
        self.now = timezone.now()
        self.today = timezone.localdate()

    def __len__(self) -> int:
        return sum(self.sizes[k] for k in self.kinds)

    def _stream(self, kind: str, stop: int) -> Iterator[Waiting]:
        if kind == RENEW:
            return (licence_row(lic, self.today) for lic in renewals(self.actor)[:stop])
        return (case_row(a, kind, self.now) for a in cases(self.actor, kind)[:stop])

    @overload
    def __getitem__(self, index: int) -> Waiting: ...
    @overload
    def __getitem__(self, index: slice) -> list[Waiting]: ...
    def __getitem__(self, index: int | slice) -> Waiting | list[Waiting]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        merged = heapq.merge(*(self._stream(k, stop) for k in self.kinds), key=lambda row: row.sort_key)
        return list(islice(merged, start, stop))


def oldest(actor: Any, kinds: Iterable[str], n: int) -> list[Waiting]:
    """The ``n`` rows of ``kinds`` with the oldest deadlines (the dashboard's panel)."""
    sizes = dict.fromkeys(KINDS, n)
    return WaitingList(actor, kinds, sizes)[:n]
