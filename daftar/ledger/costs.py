"""Running costs of an office per Jalali month (S18: staff salaries, rent, equipment, other).

Only the office's manager records and deletes costs (``office_access(...).require_manager()``);
municipality readers and the manager read them; a clerk gets 403; anyone else 404.

Rules (figures are settings-free, documented in docs/revenue.md):

* the month is a Jalali month «۱۴۰۵/۰۸» that is **open**: the current Jalali month or the one
  before it (``OPEN_MONTHS``) — the same window for adding and deleting, so a settled month's
  profit never changes and every error of an open month can be undone (review finding 12);
* the amount is an integer number of rials above zero (Persian digits and thousands separators
  accepted), at most ``MAX_AMOUNT``;
* a cost can be deleted only while its month is open (so last month's figures can still be
  corrected early in the new month); older months are settled and stay as recorded;
* every change is audited (``services.cost_added`` / ``services.cost_deleted``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.offices.policy import Access, office_access

from . import messages as msg
from .models import CostCategory, CostEntry
from .months import Month, current_month, months_q, parse_month

OPEN_MONTHS = 2  # the current month and the one before it: costs are added and deleted only there
MAX_AMOUNT = 10**14  # rials; far above any office's monthly cost, far below the column's limit
_SEPARATORS = re.compile(r"[,\u066c\u060c\s_]")


def parse_amount(raw: object, *, allow_zero: bool = False, field: str = "amount", error: str = "") -> int:
    """An integer number of rials from ``12000000``, «۱۲٬۰۰۰٬۰۰۰» or ``"12,000,000"``."""
    error = error or msg.COST_AMOUNT_INVALID
    if isinstance(raw, bool) or raw is None:
        raise ApplicationError(error, code="invalid", fields={field: [error]})
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise ApplicationError(error, code="invalid", fields={field: [error]})
        value = int(raw)
    else:
        text = _SEPARATORS.sub("", normalize_text(str(raw)))
        if not text.isascii() or not text.isdigit() or len(text) > 30:
            raise ApplicationError(error, code="invalid", fields={field: [error]})
        value = int(text)
    if value < 0 or (value == 0 and not allow_zero):
        raise ApplicationError(error, code="invalid", fields={field: [error]})
    if value > MAX_AMOUNT:
        raise ApplicationError(msg.COST_AMOUNT_TOO_LARGE, code="invalid", fields={field: [msg.COST_AMOUNT_TOO_LARGE]})
    return value


def parse_cost_month(raw: object, *, today: dt.date | None = None) -> Month:
    month = parse_month(raw, error=msg.MONTH_INVALID, field="month")
    now = current_month(today)
    if month > now:
        raise ApplicationError(msg.MONTH_IN_FUTURE, code="invalid", fields={"month": [msg.MONTH_IN_FUTURE]})
    if month.index <= now.index - OPEN_MONTHS:  # the same window as ``is_open``
        text = msg.MONTH_TOO_OLD.format(month=month.label)
        raise ApplicationError(text, code="invalid", fields={"month": [text]})
    return month


def is_open(entry: CostEntry, *, today: dt.date | None = None) -> bool:
    """May this entry still be deleted? (its month is the current one or the one before)."""
    return Month(entry.jyear, entry.jmonth).index > current_month(today).index - OPEN_MONTHS


def cost_body(entry: CostEntry, *, today: dt.date | None = None) -> dict[str, Any]:
    month = Month(entry.jyear, entry.jmonth)
    return {
        "id": entry.pk,
        "year": entry.jyear,
        "month": entry.jmonth,
        "label": month.label,
        "category": entry.category,
        "category_display": entry.get_category_display(),
        "amount": entry.amount,
        "note": entry.note,
        "deletable": is_open(entry, today=today),
        "created_at": entry.created_at,
    }


def costs_list(*, office_id: Any, actor: Any, months: list[Month] | None = None) -> list[CostEntry]:
    """The office's cost entries (newest month first): manager and municipality readers."""
    access = office_access(actor, office_id)
    if access.level == Access.CLERK:
        access.require_manager()  # 403: costs are the manager's books
    qs = CostEntry.objects.filter(office=access.office)
    if months:
        qs = qs.filter(months_q(months))
    return list(qs.order_by("-jyear", "-jmonth", "-pk"))


def cost_add(
    *,
    office_id: Any,
    month: object,
    category: object,
    amount: object,
    note: object = "",
    actor: Any,
    today: dt.date | None = None,
) -> CostEntry:
    access = office_access(actor, office_id)
    access.require_manager()
    fields: dict[str, list[str]] = {}
    parsed_month: Month | None = None
    value = 0
    try:
        parsed_month = parse_cost_month(month, today=today)
    except ApplicationError as exc:
        fields.update(exc.fields)
    cat = normalize_text(str(category or ""))
    if cat not in CostCategory.values:
        fields["category"] = [msg.CATEGORY_INVALID]
    try:
        value = parse_amount(amount)
    except ApplicationError as exc:
        fields.update(exc.fields)
    text = normalize_text(str(note or ""))
    if len(text) > 200:
        fields["note"] = [msg.NOTE_TOO_LONG]
    if fields:
        first = next(iter(fields.values()))[0]
        raise ApplicationError(first, code="invalid", fields=fields)
    assert parsed_month is not None
    office = access.office
    with transaction.atomic():
        entry = CostEntry.objects.create(
            office=office,
            jyear=parsed_month.year,
            jmonth=parsed_month.month,
            category=cat,
            amount=value,
            note=text,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="services.cost_added",
            obj=entry,
            municipality=office.municipality,
            data={"office": office.pk, "month": parsed_month.code, "category": cat, "amount": value},
        )
    return entry


def cost_delete(*, office_id: Any, cost_id: Any, actor: Any, today: dt.date | None = None) -> None:
    access = office_access(actor, office_id)
    access.require_manager()
    try:
        pk = int(str(cost_id))
    except (TypeError, ValueError):
        raise ApplicationError(msg.COST_NOT_FOUND, code="not_found", status=404) from None
    with transaction.atomic():
        entry = CostEntry.objects.select_for_update().filter(pk=pk, office=access.office).first()
        if entry is None:
            raise ApplicationError(msg.COST_NOT_FOUND, code="not_found", status=404)
        if not is_open(entry, today=today):
            label = Month(entry.jyear, entry.jmonth).label
            raise ApplicationError(msg.COST_LOCKED.format(month=label), code="cost_locked", status=409)
        data = {
            "office": access.office.pk,
            "month": Month(entry.jyear, entry.jmonth).code,
            "category": entry.category,
            "amount": entry.amount,
        }
        audit_record(
            actor=actor,
            action="services.cost_deleted",
            obj=entry,
            municipality=access.office.municipality,
            data=data,
        )
        entry.delete()


def rials(value: int) -> str:
    """«۱۲٬۰۰۰٬۰۰۰»: Persian digits with the Persian thousands separator; a negative amount
    starts with a left-to-right mark and a minus sign (as ``Intl.NumberFormat("fa-IR")``), so it
    reads «‎−۵۰۰» in right-to-left text."""
    text = persian_digits(f"{abs(value):,}".replace(",", "٬"))
    return f"\u200e\u2212{text}" if value < 0 else text
