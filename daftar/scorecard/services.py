"""Computing the office scorecards of a period and their consequences (issue 22 §2).

- ``scorecards_compute`` computes every active office of a municipality for an ended period
  of the municipality's length (``measures``), ranks them, stores one ``Scorecard`` per office
  (replacing the period's rows: idempotent), publishes the standing on the offices when the
  period is the latest computed (``offices.services.office_standing_publish``) and applies the
  consequences; one transaction, audited. An office deactivated since keeps its row only when
  its consequence was taken (unranked from then on, so that a recompute after it is reactivated
  never takes it again); the standing an inactive office still shows is cleared.
- ``consequences_apply``: each office in the lowest band, when the municipality asks for it
  (``lowest_band_visit``), goes on the supervisor's «بازدید لازم» list and its licence holder
  gets an SMS, once per office and period (``consequence_at``), never by a supervisor on their
  own office (``policy.own_offices``: that one waits for the system's daily run).
- ``scorecards_compute_due`` is the daily task: the period that has just ended, once per
  municipality, and any consequence still waiting, whatever its period. A municipality whose
  computation fails is logged and skipped; the others are still computed.

A supervision visit needs an inspector and a time, which only a person can choose: the
consequence is the to-do on the supervisor's ranking page, which links to the visit form
(``desk/supervisor/visits.py``) and shows when a visit has been scheduled since.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import Municipality
from daftar.notifications.services import notify
from daftar.offices.models import Office, OfficeStaff, StaffRole
from daftar.offices.services import Standing, office_standing_publish

from . import messages as msg
from . import policy, sms
from .measures import fa, gather, operated, score, total_of
from .models import Scorecard
from .periods import Period, label_of, last_ended, parse, wrong_length
from .rules import Rules, rules_for

log = logging.getLogger(__name__)


@dataclass
class Computed:
    municipality: Municipality
    period: Period
    rows: list[Scorecard] = field(default_factory=list)
    visits: list[Scorecard] = field(default_factory=list)  # consequences applied by this run
    texted: int = 0  # of ``visits``, the offices whose holder (or a manager) was sent the SMS
    published: bool = False

    @property
    def ranked(self) -> int:
        return sum(1 for row in self.rows if row.rank is not None)

    @property
    def message(self) -> str:
        text = msg.COMPUTED.format(
            period=self.period.label, count=fa(len(self.rows)), municipality=self.municipality.name
        )
        if self.visits:
            text += msg.COMPUTED_VISITS.format(visits=fa(len(self.visits)))
            untexted = len(self.visits) - self.texted
            if not untexted:
                text += msg.COMPUTED_TEXTED_ALL
            elif self.texted:
                text += msg.COMPUTED_TEXTED_SOME.format(texted=fa(self.texted), untexted=fa(untexted))
            else:
                text += msg.COMPUTED_TEXTED_NONE
        return text


@dataclass
class Applied:
    rows: list[Scorecard] = field(default_factory=list)  # the consequences taken
    texted: int = 0  # of ``rows``, those whose holder (or a manager) was sent the SMS


def period_for(raw: object, rules: Rules, today: dt.date) -> Period:
    """The period asked for (``1405-H1``, ``1405-1``…), else the last ended one; a period of
    another length than the municipality's is refused (400: it would overlap the municipality's
    periods), and one that has not ended (409: its figures are still moving)."""
    period = parse(raw, rules.period_months) if str(raw or "").strip() else last_ended(today, rules.period_months)
    if not period.ended(today):
        raise ApplicationError(
            msg.PERIOD_NOT_ENDED, code="period_not_ended", status=409, fields={"period": [msg.PERIOD_NOT_ENDED]}
        )
    return period


def ranks(totals: dict[int, float | None]) -> dict[int, int]:
    """Competition ranking, 1 = best: offices with the same total share a rank and the next
    rank skips (85, 80, 80, 70 → 1, 2, 2, 4). Offices without a total are not ranked."""
    ordered = sorted(((t, pk) for pk, t in totals.items() if t is not None), key=lambda x: (-x[0], x[1]))
    out: dict[int, int] = {}
    previous: float | None = None
    rank = 0
    for position, (total, pk) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        out[pk] = rank
    return out


def _rows(municipality: Municipality, period: Period, offices: list[Office], rules: Rules) -> list[Scorecard]:
    figures = gather(offices, municipality.pk, period)
    results = {pk: score(f, rules) for pk, f in figures.items()}
    totals = {pk: (total_of(results[pk]) if operated(figures[pk]) else None) for pk in figures}
    ranked = ranks(totals)
    bands = [band.body() for band in rules.bands]
    now = timezone.now()
    rows = []
    for office in offices:
        total = totals[office.pk]
        band = rules.band_for(total) if total is not None else None
        rows.append(
            Scorecard(
                office=office,
                municipality=municipality,
                period=period.key,
                first_day=period.first,
                last_day=period.last,
                total=Decimal(str(total)) if total is not None else None,
                band=band.code if band else "",
                band_label=band.label if band else "",
                rank=ranked.get(office.pk),
                ranked=len(ranked),
                measures=[r.body() for r in results[office.pk]],
                bands=bands,
                computed_at=now,
                visit_required=bool(rules.lowest_band_visit and band is not None and band.code == rules.lowest.code),
            )
        )
    return rows


def scorecards_compute(
    *,
    municipality: Municipality,
    period: object = None,
    actor: Any = None,
    today: dt.date | None = None,
    consequences: bool = True,
) -> Computed:
    """Compute every active office of ``municipality`` for ``period`` (default: the last ended
    one), replacing the period's earlier rows; ``actor`` is who asked (``None``: the system). The
    caller has checked that ``actor`` may (``policy.ranking_municipality``)."""
    today = today or timezone.localdate()
    rules = rules_for(municipality.pk)
    chosen = period if isinstance(period, Period) else period_for(period, rules, today)
    if chosen.months != rules.period_months:
        raise wrong_length(rules.period_months)
    if not chosen.ended(today):
        raise ApplicationError(msg.PERIOD_NOT_ENDED, code="period_not_ended", status=409)
    out = Computed(municipality=municipality, period=chosen)
    with transaction.atomic():
        # one computation of a municipality at a time: the second waits, then replaces the rows
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        offices = list(
            Office.objects.filter(municipality=municipality, active=True).select_related("licence").order_by("pk")
        )
        rows = _rows(municipality, chosen, offices, rules)
        earlier = Scorecard.objects.filter(municipality=municipality, period=chosen.key)
        kept = {
            office_id: (at, by)
            for office_id, at, by in earlier.filter(consequence_at__isnull=False).values_list(
                "office_id", "consequence_at", "consequence_by_id"
            )
        }
        for row in rows:  # a consequence once taken stays taken (never twice for one period)
            if row.office_id in kept:
                row.consequence_at, row.consequence_by_id = kept[row.office_id]
        computed = [office.pk for office in offices]
        earlier.filter(office_id__in=computed).delete()
        # an office deactivated since: its row goes, unless its consequence was taken; that row
        # stays (unranked), so that a recompute once the office is active again keeps it taken
        gone = earlier.exclude(office_id__in=computed)
        gone.filter(consequence_at__isnull=True).delete()
        gone.update(rank=None, ranked=sum(1 for row in rows if row.rank is not None))
        Scorecard.objects.bulk_create(rows, batch_size=500)
        out.rows = rows
        audit_record(
            actor=actor,
            action="scorecard.compute",
            municipality=municipality,
            actor_label="" if actor is not None else "سامانه (محاسبهٔ روزانهٔ کارنامه‌ها)",
            data={
                "period": chosen.key,
                "offices": len(rows),
                "ranked": out.ranked,
                "bands": {b.code: sum(1 for r in rows if r.band == b.code) for b in rules.bands},
            },
        )
        later = Scorecard.objects.filter(municipality=municipality, last_day__gt=chosen.last).exists()
        if not later:
            office_standing_publish(
                municipality=municipality,
                period=chosen.key,
                standings={
                    row.office_id: Standing(
                        rank=row.rank, band=row.band, band_label=row.band_label, score=row.total, ranked=row.ranked
                    )
                    for row in rows
                    if row.rank is not None
                },
                actor=actor,
            )
            out.published = True
        if consequences:
            applied = _apply(municipality=municipality, period=chosen.key, actor=actor)
            out.visits, out.texted = applied.rows, applied.texted
    log.info("scorecards_computed municipality=%s period=%s offices=%s", municipality.pk, chosen.key, len(out.rows))
    return out


def _managers(rows: list[Scorecard]) -> dict[int, list[Any]]:
    """The active managers of the rows' offices without a licence, in one query."""
    unlicensed = [row.office_id for row in rows if row.office.licence is None]
    out: dict[int, list[Any]] = {}
    if unlicensed:
        for staff in OfficeStaff.objects.filter(
            office_id__in=unlicensed, role=StaffRole.MANAGER, active=True
        ).select_related("user"):
            out.setdefault(staff.office_id, []).append(staff.user)
    return out


def _recipients(office: Office, managers: dict[int, list[Any]]) -> list[Any]:
    """The licence holder, or, for an office without a licence, its active managers."""
    if office.licence is not None:
        return [office.licence.holder]
    return managers.get(office.pk, [])


def consequences_apply(*, municipality: Municipality, period: str | None = None, actor: Any = None) -> list[Scorecard]:
    """The lowest band's consequence for each active office that needs it and has not had it, in
    ``period`` (``None``: every period): on the supervisor's «بازدید لازم» list from now, an SMS
    to its holder (or, without a licence, its managers), an audit entry. Offices that are
    ``actor``'s own are left for the system. Returns the rows acted on."""
    return _apply(municipality=municipality, period=period, actor=actor).rows


def _apply(*, municipality: Municipality, period: str | None, actor: Any) -> Applied:
    own = policy.own_offices(actor) if actor is not None else set()
    out = Applied()
    now = timezone.now()
    with transaction.atomic():
        # the municipality's lock first, as ``scorecards_compute`` takes it: a computation that
        # has read which consequences were taken cannot then replace a row this run is acting
        # on (which would lose its ``consequence_at`` and send the SMS again)
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        rows = Scorecard.objects.select_for_update(of=("self",)).filter(
            municipality=municipality, visit_required=True, consequence_at__isnull=True, office__active=True
        )
        if period is not None:
            rows = rows.filter(period=period)
        acted = [
            row
            for row in rows.select_related("office__licence__holder").order_by("last_day", "rank", "pk")
            if row.office_id not in own  # nobody acts on their own office: the daily run will
        ]
        managers = _managers(acted)
        for row in acted:
            row.consequence_at = now
            row.consequence_by = actor if getattr(actor, "is_authenticated", False) else None
            row.save(update_fields=["consequence_at", "consequence_by"])
            sent = [
                notify(
                    sms.LOWEST_BAND.key,
                    to=person,
                    municipality=municipality,
                    office=row.office.display_name,
                    period=label_of(row.period),
                    score=fa(float(row.total or 0)),
                    band=row.band_label,
                )
                for person in _recipients(row.office, managers)
            ]
            texted = any(message is not None for message in sent)
            audit_record(
                actor=actor,
                action="scorecard.visit_required",
                obj=row,
                municipality=municipality,
                actor_label="" if actor is not None else "سامانه (پیامد پایین‌ترین رده)",
                data={
                    "office": row.office_id,
                    "period": row.period,
                    "score": str(row.total),
                    "band": row.band,
                    "texted": texted,
                },
            )
            out.rows.append(row)
            out.texted += int(texted)
    return out


def scorecards_compute_due(today: dt.date | None = None) -> int:
    """The daily run: for each municipality with an active office, the period that has just
    ended, unless computed already; and every consequence still waiting, whatever its period
    (those a supervisor could not take on their own office). A municipality that fails (a bad
    setting, a database error) is logged and skipped, in its own transaction, so that the others
    are still computed. Returns how many municipalities were computed."""
    today = today or timezone.localdate()
    computed = 0
    for municipality in Municipality.objects.filter(offices__active=True).distinct().order_by("pk"):
        try:
            with transaction.atomic():
                rules = rules_for(municipality.pk)
                period = last_ended(today, rules.period_months)
                due = not Scorecard.objects.filter(municipality=municipality, period=period.key).exists()
                if due:
                    scorecards_compute(municipality=municipality, period=period, actor=None, today=today)
                _apply(municipality=municipality, period=None, actor=None)
        except Exception:
            log.exception("scorecards_compute_due failed municipality=%s", municipality.pk)
            continue
        computed += int(due)
    return computed
