"""Forms of the tariff pages and the tariff admin. They only carry what was typed (digits and ی/ک
normalised by ``PersianForm``); the rules live in ``services.py`` and ``revisions.py`` and come
back as ``ApplicationError`` whose fields are put on the form (``errors_to_form``, used by the
transaction page too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
from django import forms
from django.core.exceptions import ValidationError

from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import PersianForm
from daftar.kernel.jalali import parse_date
from daftar.kernel.normalize import normalize_text


class JalaliDateField(forms.Field):
    """A date typed in Jalali (``1405/01/15``, any digits) or ISO; shown in Jalali."""

    widget = forms.TextInput(attrs={"dir": "ltr", "placeholder": "1405/01/15", "inputmode": "numeric"})

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


def errors_to_form(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service's refusal on the form: on its fields when named, else on the form."""
    placed = False
    for name, messages in (exc.fields or {}).items():
        if name in form.fields:
            for text in messages:
                form.add_error(name, text)
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{attrs.get('aria-describedby', '')} id_{name}_error".strip()
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class TariffTableForm(PersianForm):
    municipality = forms.ChoiceField(label="شهرداری")
    on = forms.CharField(
        label="تاریخ (شمسی)",
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "1405/01/15", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipalities  # type: ignore[attr-defined]


class RevisionForm(PersianForm):
    municipality = forms.ChoiceField(label="شهرداری")
    percent = forms.CharField(
        label="درصد تغییر",
        help_text="مثلاً ۱۵ برای افزایش ۱۵ درصدی یا ۱۰- برای کاهش؛ بین ۵۰- و ۲۰۰",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )
    rounding_step = forms.CharField(
        label="گرد کردن به مضرب (ریال)",
        help_text="مبلغ جدید به نزدیک‌ترین مضرب این عدد گرد می‌شود (نیمه به بالا)",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    effective_from = forms.CharField(
        label="اجرا از تاریخ (شمسی)",
        help_text="باید بعد از امروز باشد",
        widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "1405/01/01", "inputmode": "numeric"}),
    )
    resolution = forms.CharField(label="شمارهٔ مصوبهٔ شورا", required=False, max_length=100)

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipalities  # type: ignore[attr-defined]
