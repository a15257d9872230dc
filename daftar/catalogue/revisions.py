"""Revisions of a municipality's whole tariff table (P6: one raised tariffs 15% on average):
preview, schedule, cancel. Each write takes the acting user, checks who may act, writes in one
``transaction.atomic`` block with its audit entry (``services.revision_*``) and returns the
object.

Rules written down here (docs/tariffs.md repeats them with example figures):

* A revision multiplies every service's amount in force the day before its date by
  ``1 + percent/100`` and rounds to the nearest multiple of ``rounding_step``, **halves up**
  (``round_to_step``), never below one step.
* Its rows take effect on its date, after today; a cancelled revision's rows stop counting
  (``tariffs.py``) and give way to a later revision or a hand-set row on the same day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text
from daftar.municipalities.models import Municipality
from daftar.runtime import pagecache

from . import messages as msg
from . import policy
from .inputs import default_step, forbidden, invalid, max_amount, parse_day, parse_percent, parse_step, rials, today
from .models import RevisionStatus, Service, Tariff, TariffRevision
from .policy import is_tariff_admin
from .tariffs import tariff_table
from .workflow import REVISION


def round_to_step(value: Decimal, step: int) -> int:
    """The nearest multiple of ``step``, halves up (1_150_000 at step 100_000 → 1_200_000;
    1_149_999 → 1_100_000); never below one step (a tariff is > 0)."""
    steps = (value / Decimal(step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(int(steps) * step, step)


@dataclass
class RevisionLine:
    service: Service
    current: Tariff | None
    new_amount: int | None = None
    skipped: str = ""  # why the service is left out (Persian), empty when it is revised

    @property
    def current_amount(self) -> int | None:
        return self.current.amount if self.current else None

    @property
    def difference(self) -> int | None:
        if self.new_amount is None or self.current is None:
            return None
        return self.new_amount - self.current.amount


@dataclass
class RevisionPreview:
    municipality: Municipality
    percent: Decimal
    rounding_step: int
    effective_from: dt.date
    lines: list[RevisionLine] = field(default_factory=list)

    @property
    def revised(self) -> list[RevisionLine]:
        return [line for line in self.lines if not line.skipped]

    @property
    def skipped(self) -> list[RevisionLine]:
        return [line for line in self.lines if line.skipped]


def _revision_inputs(percent: object, rounding_step: object, effective_from: object) -> tuple[Decimal, int, dt.date]:
    pct = parse_percent(percent)
    step = parse_step(rounding_step if rounding_step not in (None, "") else default_step())
    day = parse_day(effective_from, field_name="effective_from")
    if day <= today():
        raise invalid(msg.REVISION_DATE_NOT_FUTURE, "effective_from", code="date_not_future")
    return pct, step, day


def revision_preview(
    municipality: Municipality, percent: object, rounding_step: object, effective_from: object
) -> RevisionPreview:
    """What a revision would do (reads only): per active service, the amount in force the day
    before ``effective_from``, the new amount and the difference; services without a current
    tariff, or with a hand-set row on that very day, are listed as skipped."""
    pct, step, day = _revision_inputs(percent, rounding_step, effective_from)
    preview = RevisionPreview(municipality, pct, step, day)
    factor = 1 + pct / Decimal(100)
    on_day = set(
        Tariff.objects.filter(municipality=municipality, effective_from=day)
        .exclude(revision__status=RevisionStatus.CANCELLED)
        .values_list("service_id", flat=True)
    )
    for line in tariff_table(municipality.pk, day - dt.timedelta(days=1)):
        row = RevisionLine(line.service, line.tariff)
        if line.tariff is None:
            row.skipped = msg.SKIP_NO_TARIFF
        elif line.service.pk in on_day:
            row.skipped = msg.SKIP_SET_BY_HAND
        else:
            row.new_amount = round_to_step(Decimal(line.tariff.amount) * factor, step)
            if row.new_amount > max_amount():
                message = msg.REVISION_TOO_LARGE.format(service=line.service.title, limit=rials(max_amount()))
                raise invalid(message, "percent", code="amount_too_large")
        preview.lines.append(row)
    return preview


def revision_schedule(
    *,
    municipality: Municipality,
    percent: object,
    rounding_step: object,
    effective_from: object,
    actor: Any,
    resolution: str = "",
) -> TariffRevision:
    """Schedule a revision: the ``TariffRevision`` and one ``Tariff`` row per revised service,
    effective from its date (refused: a date not after today, a percent outside −50..+200, a
    step below 1, a second scheduled revision on the same day). The preview is recomputed here,
    under the municipality's row lock, so what is stored is what the rules give now."""
    if not is_tariff_admin(actor, municipality):
        raise forbidden()
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        preview = revision_preview(municipality, percent, rounding_step, effective_from)
        day = preview.effective_from
        if TariffRevision.objects.filter(
            municipality=municipality, effective_from=day, status=RevisionStatus.SCHEDULED
        ).exists():
            raise ApplicationError(msg.REVISION_SAME_DAY, code="revision_same_day", status=409)
        if not preview.revised:
            raise ApplicationError(msg.REVISION_NOTHING, code="revision_empty")
        # rows of an earlier, cancelled revision on the same day give way (the unique day)
        Tariff.objects.filter(
            municipality=municipality, effective_from=day, revision__status=RevisionStatus.CANCELLED
        ).delete()
        user = actor if actor.is_authenticated else None
        revision = TariffRevision.objects.create(
            municipality=municipality,
            percent=preview.percent,
            rounding_step=preview.rounding_step,
            effective_from=day,
            resolution=normalize_text(str(resolution or ""))[:100],
            created_by=user,
        )
        pagecache.changed("catalogue", municipality=municipality.pk)  # the bulk_create below: no signal
        Tariff.objects.bulk_create(
            Tariff(
                municipality=municipality,
                service=line.service,
                amount=line.new_amount or 0,  # revised lines always have one
                effective_from=day,
                revision=revision,
                created_by=user,
            )
            for line in preview.revised
        )
        audit_record(
            actor=actor,
            action="services.revision_schedule",
            obj=revision,
            municipality=municipality,
            data={
                "percent": str(preview.percent),
                "rounding_step": preview.rounding_step,
                "effective_from": day.isoformat(),
                "lines": [
                    {"service": li.service.code, "old": li.current_amount, "new": li.new_amount}
                    for li in preview.revised
                ],
                "skipped": [li.service.code for li in preview.skipped],
            },
        )
    return revision


@REVISION.guard("before_its_day")
def _before_its_day(revision: TariffRevision, actor: Any, data: dict[str, Any]) -> None:
    if revision.effective_from <= today():  # in force already: history, superseded by a later one
        raise ApplicationError(msg.REVISION_NOT_CANCELLABLE, code="illegal_state", status=409)


def revision_actions(revision: TariffRevision, actor: Any) -> list[str]:
    """The moves ``actor`` may take on ``revision`` now (the page's buttons)."""
    if revision.effective_from <= today():
        return []
    return REVISION.actions(revision, actor, may=policy.may_move_revision)


def revision_cancel(*, revision: TariffRevision, actor: Any) -> TariffRevision:
    """Cancel a scheduled revision before its day; its rows stop counting (tariffs.py)."""
    with transaction.atomic():
        locked = TariffRevision.objects.select_for_update().select_related("municipality").get(pk=revision.pk)
        REVISION.take(locked, "cancel", actor=actor, may=policy.may_move_revision, refuse=lambda *_: forbidden())
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="services.revision_cancel",
            obj=locked,
            municipality=locked.municipality,
            data={"percent": str(locked.percent), "effective_from": locked.effective_from.isoformat()},
        )
    return locked
