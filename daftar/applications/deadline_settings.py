"""A municipality's deadline rules (issue 21 §2; docs/deadlines.md, decision 0046): when its
staff and its head are reminded before a legal clock runs out, who its head is, and per licence
type what happens when the clock has run out.

The checks live here, once: the municipality administrator's page (``desk/municipal/deadlines.py``)
and the Django admin (``admin.py``) both call them, so both refuse the same things with the same
Persian words. The page saves through :func:`deadline_rules_save` (policy, checks, the rows and
one audit entry with the values before and after, in one transaction); ``consequences.py`` reads
what was saved through :func:`effective`.

Rules (docs/deadlines.md «Who sets them»):

* Reminder days are working days before the clock's end, 0 (its last day) to
  ``MAX_DAYS_BEFORE``, at most ``MAX_REMINDERS`` different ones; typed in Persian or Latin digits,
  separated by «،», commas or spaces; kept without repeats, latest first. None: the example
  defaults of ``settings.DEADLINE_REMINDERS``.
* The head, when one is named, holds the licensing authority role in this municipality.
* A consequence is set only for a licence type the municipality has rules for (or had one set).
  Switching one to deemed approval needs an explicit confirmation: from then on the system
  itself issues licences of that type when the municipality stays silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from daftar.accounts import policy
from daftar.accounts.constants import Role
from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.municipalities.models import Municipality
from daftar.rules.models import LicenceType

from . import messages as msg
from .models import DeadlineConsequence, DeadlineSettings

MAX_DAYS_BEFORE = 10  # working days before the end: a reminder two weeks ahead is no reminder
MAX_REMINDERS = 5
SEPARATORS = re.compile(r"[\s,،;؛]+")
WHOLE = re.compile(r"-?[0-9]+")
Kind = DeadlineConsequence.Kind


@dataclass(frozen=True)
class Rules:
    """What a municipality's clocks follow now (its row, or the example defaults)."""

    staff_days: list[int]
    head_days: list[int]
    head_id: int | None
    staff_set: list[int]  # what the municipality set; empty: the example defaults apply
    head_set: list[int]

    @property
    def staff_default(self) -> bool:
        return not self.staff_set

    @property
    def head_default(self) -> bool:
        return not self.head_set


def effective(municipality_id: int) -> Rules:
    row = DeadlineSettings.objects.filter(municipality_id=municipality_id).first()
    default = settings.DEADLINE_REMINDERS
    staff = _stored(row.staff_days) if row else []
    head = _stored(row.head_days) if row else []
    return Rules(
        staff_days=staff or _stored(default["staff"]),
        head_days=head or _stored(default["head"]),
        head_id=row.head_id if row else None,
        staff_set=staff,
        head_set=head,
    )


def _stored(values: Any) -> list[int]:
    """Offsets as stored, latest first; anything the checks below refuse is left out (a row
    written past them must not stop the reminders of the rest)."""
    if not isinstance(values, list | tuple):
        return []
    days = {v for v in values if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_DAYS_BEFORE}
    return sorted(days, reverse=True)


# --- the checks -----------------------------------------------------------------------------------


def days_parse(raw: object) -> list[int]:
    """Reminder days from a text («۲، ۱», "2,1") or a list of whole numbers (the admin's JSON),
    without repeats, latest first; an empty one is ``[]`` (the example defaults apply)."""
    if raw is None:
        return []
    text = isinstance(raw, str)  # typed; a list holds numbers, not texts of numbers
    if isinstance(raw, str):
        items: list[object] = [t for t in SEPARATORS.split(normalize_text(raw)) if t]
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        items = [raw]
    values: list[int] = []
    for item in items:
        if text and isinstance(item, str) and WHOLE.fullmatch(item):
            shown, value = item, int(item) if len(item) <= 6 else MAX_DAYS_BEFORE + 1
        elif isinstance(item, int) and not isinstance(item, bool):
            shown, value = str(item) if abs(item) < 10**6 else "…", item
        else:
            raise ApplicationError(msg.REMINDER_DAY_NOT_NUMBER.format(value=persian_digits(str(item)[:12])))
        if not 0 <= value <= MAX_DAYS_BEFORE:
            most = persian_digits(MAX_DAYS_BEFORE)
            raise ApplicationError(msg.REMINDER_DAY_RANGE.format(most=most, value=persian_digits(shown[:12])))
        values.append(value)
    days = sorted(set(values), reverse=True)
    if len(days) > MAX_REMINDERS:
        raise ApplicationError(
            msg.REMINDER_DAYS_TOO_MANY.format(most=persian_digits(MAX_REMINDERS), count=persian_digits(len(days)))
        )
    return days


def heads_of(municipality_id: int) -> Any:
    """Who may be named the head: the municipality's active licensing authorities."""
    return policy.people_holding({Role.LICENSING_AUTHORITY}, [municipality_id])


def settings_check(*, municipality_id: int, staff_days: object, head_days: object, head_id: object) -> dict[str, Any]:
    """The reminder days and the head, checked together: every bad input is named in the error's
    ``fields`` (``staff_days``, ``head_days``, ``head``), so a form shows each next to its box."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, raw in (("staff_days", staff_days), ("head_days", head_days)):
        try:
            cleaned[name] = days_parse(raw)
        except ApplicationError as exc:
            errors[name] = [exc.message]
    head = _head_id(head_id)
    if head is False or (head and not heads_of(municipality_id).filter(pk=head).exists()):
        errors["head"] = [msg.HEAD_NOT_AUTHORITY]
    cleaned["head_id"] = head or None
    if errors:
        raise _refused(errors)
    return cleaned


def _head_id(raw: object) -> int | bool | None:
    """The head's id, ``None`` for none, ``False`` for something that is no id."""
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int):
        return raw
    text = normalize_text(str(raw))
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else False  # a bigint


def licence_types_of(municipality_id: int) -> list[LicenceType]:
    """The licence types whose consequence the municipality sets: those it has rules for, and
    any it already set one for."""
    set_here = DeadlineConsequence.objects.filter(municipality_id=municipality_id).values("licence_type_id")
    return list(
        LicenceType.objects.filter(Q(rule_sets__municipality_id=municipality_id) | Q(pk__in=set_here))
        .distinct()
        .order_by("title", "pk")
    )


def consequence_field(licence_type_id: int) -> str:
    """The input a licence type's consequence is named by in an error's ``fields``."""
    return f"consequence_{licence_type_id}"


def consequences_now(municipality_id: int) -> dict[int, str]:
    """Each licence type's consequence as set (a type without a row escalates)."""
    rows = DeadlineConsequence.objects.filter(municipality_id=municipality_id)
    return dict(rows.values_list("licence_type_id", "kind"))


def consequences_check(
    *, municipality_id: int, chosen: Mapping[int, object], confirmed: Iterable[int]
) -> dict[int, str]:
    """The consequence chosen per licence type id, checked: a known kind, a licence type of the
    municipality, and deemed approval newly chosen only when ``confirmed`` names the type."""
    offered = {t.pk for t in licence_types_of(municipality_id)}
    now = consequences_now(municipality_id)
    sure = set(confirmed)
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, str] = {}
    for type_id, raw in chosen.items():
        field = consequence_field(type_id)
        kind = normalize_text(str(raw or ""))
        if type_id not in offered:
            errors[field] = [msg.CONSEQUENCE_TYPE_UNKNOWN]
        elif kind not in Kind.values:
            errors[field] = [msg.CONSEQUENCE_UNKNOWN]
        elif kind == Kind.DEEMED_APPROVAL and now.get(type_id) != Kind.DEEMED_APPROVAL and type_id not in sure:
            errors[field] = [msg.DEEMED_NOT_CONFIRMED]
        else:
            cleaned[type_id] = kind
    if errors:
        raise _refused(errors)
    return cleaned


def _refused(errors: dict[str, list[str]]) -> ApplicationError:
    first = next(iter(errors.values()))[0]
    return ApplicationError(first, code="invalid", status=400, fields=errors)


# --- saving ---------------------------------------------------------------------------------------


def _snapshot(row: DeadlineSettings | None, kinds: Mapping[int, str]) -> dict[str, Any]:
    return {
        "staff_days": list(row.staff_days) if row else [],
        "head_days": list(row.head_days) if row else [],
        "head_id": row.head_id if row else None,
        "consequences": {str(k): v for k, v in sorted(kinds.items())},
    }


def deadline_rules_save(
    *,
    municipality: Municipality,
    actor: Any,
    staff_days: object,
    head_days: object,
    head_id: object,
    consequences: Mapping[int, object],
    confirmed: Iterable[int] = (),
) -> list[str]:
    """Save the municipality's reminder days, head and consequences as the administrator set
    them; what changed (``staff_days``, ``head_days``, ``head``, ``consequences``), empty when
    nothing did. Every refusal is one ``ApplicationError`` naming all the bad inputs; then
    nothing is written."""
    if not policy.may_set_deadlines(actor, municipality.pk):
        raise policy.not_found()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    kinds: dict[int, str] = {}
    try:
        values = settings_check(
            municipality_id=municipality.pk, staff_days=staff_days, head_days=head_days, head_id=head_id
        )
    except ApplicationError as exc:
        errors.update(exc.fields)
    try:
        kinds = consequences_check(municipality_id=municipality.pk, chosen=consequences, confirmed=confirmed)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if errors:
        raise _refused(errors)
    with transaction.atomic():
        # two saves of one municipality at once take turns (its row is the lock): each reads
        # the "before" the other left, and neither inserts a row the other is inserting
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        row = DeadlineSettings.objects.filter(municipality=municipality).first()
        rows = {r.licence_type_id: r for r in DeadlineConsequence.objects.filter(municipality=municipality)}
        before = _snapshot(row, {k: r.kind for k, r in rows.items()})
        changed = []
        if before["staff_days"] != values["staff_days"]:
            changed.append("staff_days")
        if before["head_days"] != values["head_days"]:
            changed.append("head_days")
        if before["head_id"] != values["head_id"]:
            changed.append("head")
        if changed:
            row = row or DeadlineSettings(municipality=municipality)
            row.staff_days, row.head_days, row.head_id = values["staff_days"], values["head_days"], values["head_id"]
            row.save()
        moved = False
        for type_id, kind in kinds.items():
            current = rows.get(type_id)
            if current is None and kind == Kind.ESCALATION:
                continue  # no row is escalation already
            if current is None:
                rows[type_id] = DeadlineConsequence.objects.create(
                    municipality=municipality, licence_type_id=type_id, kind=kind
                )
                moved = True
            elif current.kind != kind:
                current.kind = kind
                current.save(update_fields=["kind"])
                moved = True
        if moved:
            changed.append("consequences")
        if not changed:
            return []
        after = _snapshot(row, {k: r.kind for k, r in rows.items()})
        audit_record(
            actor=actor,
            action="deadline_rules.update",
            obj=municipality,
            municipality=municipality,
            data={"changed": changed, "before": before, "after": after},
        )
    return changed
