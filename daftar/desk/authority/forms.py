"""Forms of the licensing authority's pages: they gather and check the input a person can get
wrong before the confirmation step; the services decide (and check again) when confirmed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import JalaliDateField, PersianForm
from daftar.licences import messages as licence_msg
from daftar.licences.moves import REASON_MIN_LENGTH
from daftar.supervision import messages as supervision_msg
from daftar.supervision.services import MIN_TEXT

from . import messages as msg

STEPS = ("preview", "confirm", "edit")


def errors_to_form(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal on ``form``: each named field gets its messages; the rest on top."""
    placed = False
    for key, messages in (exc.fields or {}).items():
        if key in form.fields and not form.fields[key].widget.is_hidden:
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(key, str(message))
                placed = True
    if not placed:
        form.add_error(None, exc.message)


def _reason(label: str = "دلیل") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="دلیل در پیامک به دارندهٔ مجوز و در سابقهٔ مجوز می‌آید (دست‌کم ۱۰ نویسه).",
    )


class RegisterFilterForm(PersianForm):
    q = forms.CharField(
        label="جست‌وجو",
        required=False,
        max_length=100,
        help_text="شمارهٔ مجوز، نام دارنده، نام دفتر یا کد ملی دارنده",
    )
    district = forms.TypedChoiceField(label="منطقه", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="وضعیت", required=False)
    expiring = forms.IntegerField(
        label="پایان اعتبار تا چند روز دیگر",
        required=False,
        min_value=1,
        max_value=3650,
        error_messages={
            "invalid": msg.EXPIRING_INVALID,
            "min_value": msg.EXPIRING_INVALID,
            "max_value": msg.EXPIRING_INVALID,
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )

    def __init__(self, *args: Any, districts: list[tuple[int, str]], statuses: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        district = self.fields["district"]
        status = self.fields["status"]
        assert isinstance(district, forms.ChoiceField) and isinstance(status, forms.ChoiceField)
        district.choices = [("", "همهٔ منطقه‌ها"), *districts]
        status.choices = [("", "همهٔ وضعیت‌ها"), *statuses]

    def params(self) -> dict[str, str]:
        """The filters as a query string's parameters (for paging links and the export)."""
        out = {}
        for name in ("q", "district", "status", "expiring"):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                out[name] = str(value)
        return out


class LicenceActionForm(PersianForm):
    """The reason of a licence move and, for a suspension, its last day (Jalali)."""

    reason = _reason()
    until = JalaliDateField(
        label="تعلیق تا پایان روز",
        required=False,
        help_text="روزی پس از امروز، به تاریخ شمسی (مانند ۱۴۰۵/۰۲/۳۰)",
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.action = action
        if action != "suspend":
            del self.fields["until"]

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "").strip()
        if len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(licence_msg.REASON_REQUIRED)
        return reason

    def clean_until(self) -> Any:
        until = self.cleaned_data.get("until")
        if until is None:
            raise forms.ValidationError(msg.UNTIL_REQUIRED)
        if until <= timezone.localdate():
            raise forms.ValidationError(licence_msg.UNTIL_NOT_FUTURE)
        return until


class DecideForm(PersianForm):
    """The reason of a disciplinary decision; its outcome is the notice's proposal (the ladder)."""

    reason = _reason("دلیل تصمیم")
    outcome = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "").strip()
        if len(reason) < MIN_TEXT:
            raise forms.ValidationError(supervision_msg.REASON_REQUIRED)
        return reason
