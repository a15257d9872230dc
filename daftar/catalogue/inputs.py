"""What people and machines type for the catalogue's writes, read the same way by the forms,
the API and the admin (S18, P6): amounts in rials, percents, rounding steps and days, with
their limits; and the helpers the refusals share. Figures are examples; settings may move them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import parse_date
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.municipalities.workdays import TEHRAN

from . import messages as msg

# A sane ceiling for one service's tariff (example figure: ten billion rials); a setting may
# lower or raise it.
MAX_AMOUNT = 10_000_000_000
MAX_STEP = 100_000_000
PERCENT_MIN, PERCENT_MAX = Decimal(-50), Decimal(200)


def max_amount() -> int:
    return int(getattr(settings, "TARIFF_MAX_AMOUNT", MAX_AMOUNT))


def default_step() -> int:
    return int(getattr(settings, "TARIFF_ROUNDING_STEP", 10_000))


def today() -> dt.date:
    """Today in Tehran."""
    return timezone.now().astimezone(TEHRAN).date()


def rials(value: int) -> str:
    """``1234500`` → ``۱٬۲۳۴٬۵۰۰`` (Persian digits, Persian thousands separator)."""
    return persian_digits(f"{int(value):,}".replace(",", "٬"))


# --- input parsing (shared by forms, the API and the admin) ----------------------------------


def parse_amount(raw: object, *, field_name: str = "amount") -> int:
    """A positive integer number of rials typed by a person: any digits, thousands separators
    (``,`` ``٬`` ``،`` and spaces) allowed; decimals, signs and words refused."""
    if isinstance(raw, bool):
        raise invalid(msg.AMOUNT_INVALID, field_name)
    if isinstance(raw, int):
        value = raw
    else:
        text = normalize_text(str(raw if raw is not None else ""))
        text = re.sub(r"[,\u066c\u060c\s\u200c]", "", text)
        if not re.fullmatch(r"[0-9]{1,20}", text):
            raise invalid(msg.AMOUNT_INVALID, field_name)
        value = int(text)
    if value <= 0:
        raise invalid(msg.AMOUNT_INVALID, field_name)
    if value > max_amount():
        raise invalid(msg.AMOUNT_TOO_LARGE.format(limit=rials(max_amount())), field_name, code="amount_too_large")
    return value


def parse_percent(raw: object) -> Decimal:
    """``15``, ``۱۵``, ``+15``, ``-10``, ``12.5``, ``۱۲٫۵`` → Decimal within −50..+200."""
    text = normalize_text(str(raw if raw is not None else "")).replace("٫", ".").replace("%", "").replace("٪", "")
    if not re.fullmatch(r"[+-]?[0-9]{1,3}(\.[0-9]{1,2})?", text.strip()):
        raise invalid(msg.PERCENT_INVALID, "percent")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise invalid(msg.PERCENT_INVALID, "percent") from None
    if not PERCENT_MIN <= value <= PERCENT_MAX:
        raise invalid(msg.PERCENT_INVALID, "percent")
    return value


def parse_step(raw: object) -> int:
    message = msg.STEP_INVALID.format(limit=rials(MAX_STEP))
    if isinstance(raw, bool):
        raise invalid(message, "rounding_step")
    text = re.sub(r"[,\u066c\s]", "", normalize_text(str(raw if raw is not None else "")))
    if not re.fullmatch(r"[0-9]{1,12}", text):
        raise invalid(message, "rounding_step")
    value = int(text)
    if not 1 <= value <= MAX_STEP:
        raise invalid(message, "rounding_step")
    return value


def parse_day(raw: object, *, field_name: str = "day") -> dt.date:
    if raw in (None, ""):
        raise invalid(msg.DAY_REQUIRED, field_name, code="required")
    try:
        return parse_date(raw)
    except ValidationError as exc:
        raise invalid(exc.messages[0], field_name, code="date_invalid") from None


def invalid(message: str, field_name: str, *, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field_name: [message]})


def forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)
