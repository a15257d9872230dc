"""Forms of the tariff pages and the tariff admin. They only carry what was typed (digits and ی/ک
normalised by ``PersianForm``); the rules live in ``services.py`` and ``revisions.py`` and come
back as ``ApplicationError`` whose fields are put on the form (``errors_to_form``, used by the
transaction page too)."""

from __future__ import annotations

from typing import Any

from django import forms

from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import AmountInput, JalaliDateField, JalaliDateInput, PersianForm

__all__ = ["JalaliDateField", "RevisionForm", "TariffTableForm", "errors_to_form"]


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
        widget=JalaliDateInput(),
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
        widget=AmountInput(),
    )
    effective_from = forms.CharField(
        label="اجرا از تاریخ (شمسی)",
        help_text="باید بعد از امروز باشد",
        widget=JalaliDateInput(),
    )
    resolution = forms.CharField(label="شمارهٔ مصوبهٔ شورا", required=False, max_length=100)

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipalities  # type: ignore[attr-defined]
