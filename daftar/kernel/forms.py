"""Form base classes that normalise every submitted string before validation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from daftar.kernel.jalali import parse_date, parse_datetime
from daftar.kernel.normalize import normalize_text, number_in_words, persian_digits_in_text, persian_grouped


def _normalized(data: Any) -> Any:
    if data is None:
        return None
    if isinstance(data, QueryDict):
        out = QueryDict(mutable=True)
        for key, values in data.lists():
            out.setlist(key, [normalize_text(v) if isinstance(v, str) else v for v in values])
        return out
    return {k: normalize_text(v) if isinstance(v, str) else v for k, v in dict(data).items()}


def _persian_echo(format_value: Any) -> Any:
    """Wrap a widget's ``format_value`` so a value sent back to the person reads in Persian digits
    (a word with Latin letters, such as a booking code, is kept as typed)."""

    def wrapped(value: Any) -> Any:
        shown = format_value(value)
        return persian_digits_in_text(shown) if isinstance(shown, str) else shown

    return wrapped


def persian_widget(widget: forms.Widget) -> None:
    """Show a text or number box's value and placeholder in Persian digits. A number box becomes
    a text box with a numeric keyboard (``type=number`` cannot hold Persian digits); the field
    still parses the value after ``normalize_text`` made its digits Latin."""
    if not isinstance(widget, forms.TextInput | forms.NumberInput) or isinstance(widget, AmountInput):
        return
    if isinstance(widget, forms.NumberInput):
        widget.input_type = "text"
        widget.attrs.setdefault("inputmode", "decimal")
        for bound in ("min", "max", "step"):
            widget.attrs.pop(bound, None)
    widget.format_value = _persian_echo(widget.format_value)  # type: ignore[method-assign]
    placeholder = widget.attrs.get("placeholder")
    if isinstance(placeholder, str):
        widget.attrs["placeholder"] = persian_digits_in_text(placeholder)


class PersianFormMixin:
    """Normalise digits, ی/ک and white space of every field; show the values a form sends back,
    and its placeholders, in Persian digits; mark invalid fields for assistive technology
    (``aria-invalid`` + ``aria-describedby`` on the error text)."""

    def __init__(self, *args: Any, **kwargs: Any):
        if args:
            args = (_normalized(args[0]), *args[1:])
        elif "data" in kwargs:
            kwargs["data"] = _normalized(kwargs["data"])
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            persian_widget(widget)
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}_help"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "errors", {}):
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is not None:
                field.widget.attrs["aria-invalid"] = "true"
                described = field.widget.attrs.get("aria-describedby", "")
                field.widget.attrs["aria-describedby"] = f"{described} id_{name}_error".strip()
                css = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{css} is-invalid".strip()


class PersianForm(PersianFormMixin, forms.Form):
    pass


class PersianModelForm(PersianFormMixin, forms.ModelForm):
    pass


class JalaliDateTimeField(forms.Field):
    """A date-time typed in Jalali (``1405/01/15 08:00``, Tehran time; any digits) or ISO."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("widget", JalaliDateTimeInput)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return None
        try:
            return parse_datetime(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code="datetime_invalid") from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M")
        return value


class JalaliDateInput(forms.TextInput):
    """A text box for a Jalali date that ``static/js/jalali-picker.js`` turns into a date picker
    (a button opening a keyboard- and screen-reader-usable calendar dialog). Typed dates still
    work, in any digits: the field parses the text, the picker only fills it in."""

    kind = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        base = {
            "dir": "ltr",
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-jalali": self.kind,
            "placeholder": "۱۴۰۵/۰۱/۱۵" if self.kind == "date" else "۱۴۰۵/۰۱",
            "class": "jalali-input",
        }
        super().__init__({**base, **(attrs or {})})


class JalaliMonthInput(JalaliDateInput):
    kind = "month"


class JalaliDateField(forms.Field):
    """A date typed or picked in Jalali (``1405/01/15``, any digits) or ISO; shown in Jalali."""

    widget = JalaliDateInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        try:
            return parse_date(normalize_text(str(value)))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code="date_invalid") from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d")
        return value


class JalaliMonthField(forms.Field):
    """A Jalali month (``1405/01``, any digits): the value is ``(year, month)``."""

    widget = JalaliMonthInput
    default_error_messages = {"invalid": "ماه را به صورت سال/ماه شمسی بنویسید، مانند ۱۴۰۵/۰۱."}

    def to_python(self, value: Any) -> tuple[int, int] | None:
        if value in (None, ""):
            return None
        text = normalize_text(str(value)).strip().replace("-", "/")
        parts = text.split("/")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="month_invalid")
        year, month = int(parts[0]), int(parts[1])
        if not (1300 <= year <= 1700 and 1 <= month <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="month_invalid")
        return year, month

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, tuple) and len(value) == 2:
            return f"{value[0]:04d}/{value[1]:02d}"
        return value


class JalaliDateTimeInput(JalaliDateInput):
    """A Jalali date and time (``1405/01/15 08:00``): the picker fills the date, the time is typed."""

    kind = "datetime"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"placeholder": "۱۴۰۵/۰۱/۱۵ ۰۸:۰۰", **(attrs or {})})


class AmountInput(forms.TextInput):
    """An amount in rials: shown grouped in Persian digits (``۱٬۲۵۰٬۰۰۰``), with the amount in
    words beside it. ``static/js/amount.js`` groups the digits as they are typed and keeps the
    words (in an ``aria-live`` hint) current; the server takes grouped or plain input, in any
    digits (``value_from_datadict`` drops the separators)."""

    template_name = "kernel/widgets/amount.html"
    # thousands separators only: «٫» is the Persian *decimal* separator, so «۱٫۵» stays a
    # refused fraction, never 15 rials
    SEPARATORS = str.maketrans({"٬": None, ",": None, "،": None, " ": None, "_": None})

    def __init__(self, attrs: dict[str, Any] | None = None):
        base = {"dir": "ltr", "inputmode": "numeric", "autocomplete": "off", "data-amount": "rial"}
        super().__init__({**base, **(attrs or {})})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str):
            return normalize_text(value).translate(self.SEPARATORS)
        return value

    @staticmethod
    def _number(value: Any) -> int | None:
        try:
            return int(normalize_text(str(value)).translate(AmountInput.SEPARATORS))
        except (TypeError, ValueError):
            return None

    def format_value(self, value: Any) -> str | None:
        if value in (None, ""):
            return None
        number = self._number(value)
        return persian_grouped(number) if number is not None else persian_digits_in_text(str(value))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        number = self._number(value) if value not in (None, "") else None
        widget = context["widget"]
        widget["words"] = f"{number_in_words(number)} ریال" if number is not None else ""
        widget["words_id"] = f"{widget['attrs'].get('id') or 'id_' + name}_words"
        described = widget["attrs"].get("aria-describedby", "")
        widget["attrs"]["aria-describedby"] = f"{described} {widget['words_id']}".strip()
        return context
