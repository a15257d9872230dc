"""What of a draft rule-set version a municipality administrator may change, and how the typed
values are read (issue 18 §3): the thresholds and lists of each condition, and its Persian text.

Which facts a condition reads, its kind of check and how it is verified are the condition's
identity (S9-S11) and stay as the version it was copied from; so does a zone map (a file of the
rules app). ``PARAMETERS`` names, for each kind of check, the parameters a page shows and how.
``parameters_read`` turns what was typed (any digits) into parameter values or Persian errors,
each naming the condition by its text, never by its id; ``condition_errors`` (schema.py) still
checks the whole row before a version is saved or published.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from daftar.kernel.normalize import normalize_text, persian_number

from .constants import DEGREE_FIELDS, DEGREE_LEVELS, EQUIPMENT, Check
from .evaluator import UNITS
from .facts import CHOICE_FACTS, NUMBER_FACTS

NUMBER, CHOICE, CHOICES = "number", "choice", "choices"


@dataclass(frozen=True)
class Parameter:
    """One editable parameter: its key in ``Condition.parameters``, its kind, its Persian label
    and, for choices, the vocabulary (value → Persian)."""

    name: str
    kind: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()


def _vocabulary(vocabulary: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(vocabulary.items())


def parameters_of(check: str, facts: list[str]) -> tuple[Parameter, ...]:
    """The parameters of a condition that a page lets the administrator change."""
    fact = facts[0] if facts else ""
    unit = UNITS.get(fact, "")
    unit_text = f" ({unit})" if unit else ""
    if check == Check.MIN_NUMBER:
        return (Parameter("min", NUMBER, f"حداقل{unit_text}"),)
    if check == Check.NUMBER_RANGE:
        return (Parameter("min", NUMBER, f"حداقل{unit_text}"), Parameter("max", NUMBER, f"حداکثر{unit_text}"))
    if check == Check.DEGREE:
        return (
            Parameter("min_level", CHOICE, "حداقل مدرک", _vocabulary(DEGREE_LEVELS)),
            Parameter("fields", CHOICES, "رشته‌های مرتبط پذیرفته", _vocabulary(DEGREE_FIELDS)),
        )
    if check == Check.ONE_OF and fact in CHOICE_FACTS:
        return (Parameter("values", CHOICES, "گزینه‌های پذیرفته", _vocabulary(CHOICE_FACTS[fact])),)
    if check == Check.CONTAINS_ALL:
        return (Parameter("items", CHOICES, "تجهیزات لازم", _vocabulary(EQUIPMENT)),)
    return ()


NUMBER_TEXT = re.compile(r"^-?\d+([.٫]\d+)?$")


def _number(raw: Any) -> float | int | None:
    text = normalize_text(str(raw or "")).replace("٫", ".").replace(",", "").replace("،", "")
    if not NUMBER_TEXT.match(text):
        return None
    value = float(text)
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else value


MSG_NUMBER = "«{label}» در شرط «{text}» باید عدد باشد."
MSG_RANGE = "«{label}» در شرط «{text}» باید از ۰ تا {upper} باشد."
MSG_ORDER = "در شرط «{text}» حداقل نباید از حداکثر بیشتر باشد."
MSG_CHOICE = "«{label}» در شرط «{text}» را از گزینه‌ها انتخاب کنید."
MSG_CHOICES = "در شرط «{text}» دست‌کم یک گزینه از «{label}» را انتخاب کنید."
MSG_TEXT = "متن شرط را بنویسید (۵ تا ۵۰۰ نویسه)."
MSG_STALE = "متن شرط هنوز عدد پیشین ({old}) را می‌گوید؛ آن را با عدد تازه ({new}) هماهنگ کنید."


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parameters_read(
    *, check: str, facts: list[str], text: str, current: dict[str, Any], typed: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """New parameters from ``typed`` (parameter name → the typed string, or a list of chosen
    values) over ``current``; and the errors by parameter name. A parameter not typed keeps its
    value."""
    out, errors = dict(current), {}
    name_of_condition = short(text)
    fact = facts[0] if facts else ""
    for p in parameters_of(check, facts):
        if p.name not in typed:
            continue
        raw = typed[p.name]
        if p.kind == NUMBER:
            value = _number(raw)
            upper = NUMBER_FACTS.get(fact, (False, 10**6))[1]
            if value is None:
                errors[p.name] = [MSG_NUMBER.format(label=p.label, text=name_of_condition)]
            elif not 0 <= value <= upper:
                errors[p.name] = [MSG_RANGE.format(label=p.label, text=name_of_condition, upper=persian_number(upper))]
            else:
                out[p.name] = value
        elif p.kind == CHOICE:
            allowed = dict(p.choices)
            if not isinstance(raw, str) or raw not in allowed:
                errors[p.name] = [MSG_CHOICE.format(label=p.label, text=name_of_condition)]
            else:
                out[p.name] = raw
        else:
            chosen = [raw] if isinstance(raw, str) else list(raw or [])
            order = [value for value, _label in p.choices]
            if not chosen or not all(isinstance(v, str) and v in order for v in chosen):
                errors[p.name] = [MSG_CHOICES.format(label=p.label, text=name_of_condition)]
            else:
                out[p.name] = [v for v in order if v in set(chosen)]
    if check == Check.NUMBER_RANGE and not errors and out.get("min", 0) > out.get("max", 0):
        errors["max"] = [MSG_ORDER.format(text=name_of_condition)]
    return out, errors


def stale_number(text: str, before: dict[str, Any], after: dict[str, Any]) -> tuple[str, str] | None:
    """A changed threshold whose old value the condition's text still states (in Persian or
    Latin digits) while the new one it does not: (old, new) in Persian, else None. A text that
    says «۶۰ متر مربع» while the rule checks 80 would mislead every applicant."""
    said = normalize_text(text)
    for name in ("min", "max"):
        old, new = before.get(name), after.get(name)
        if old is None or new is None or old == new:
            continue
        old_text, new_text = normalize_text(persian_number(old)), normalize_text(persian_number(new))
        number = r"(?<![\d.٫]){}(?![\d٫])"
        if re.search(number.format(re.escape(old_text)), said) and not re.search(
            number.format(re.escape(new_text)), said
        ):
            return persian_number(old), persian_number(new)
    return None


def shown(check: str, facts: list[str], parameters: dict[str, Any]) -> list[tuple[str, str]]:
    """The editable parameters of a condition in words: (label, value) for a read-only page."""
    rows = []
    for p in parameters_of(check, facts):
        value = parameters.get(p.name)
        if value is None:
            continue
        if p.kind == NUMBER:
            rows.append((p.label, persian_number(value)))
        elif p.kind == CHOICE:
            rows.append((p.label, dict(p.choices).get(value, "")))
        else:
            labels = dict(p.choices)
            rows.append((p.label, "، ".join(labels.get(v, "") for v in value)))
    return rows
