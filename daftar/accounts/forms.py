"""HTML forms of login (S15.2-S15.4) and profile. They validate; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from daftar.kernel.forms import JalaliDateInput, PersianForm
from daftar.kernel.jalali import parse_date, to_jalali
from daftar.kernel.validators import normalize_legal_national_id, normalize_mobile, normalize_national_code

from . import messages as msg
from .constants import COMMON_NATIONALITIES, PersonType

MIN_BIRTH_DATE = dt.date(1901, 3, 21)  # 1280/01/01


def check_birth_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not (MIN_BIRTH_DATE <= value < timezone.localdate()):
        raise ValidationError(msg.BIRTH_DATE_RANGE, code="invalid")
    return value


class LoginStartForm(PersianForm):
    person_type = forms.ChoiceField(
        label="نوع شخصیت", choices=PersonType.choices, initial=PersonType.NATURAL, widget=forms.RadioSelect
    )
    nationality = forms.ChoiceField(label="تابعیت", choices=COMMON_NATIONALITIES, initial="IR")
    mobile = forms.CharField(
        label="شماره تلفن همراه",
        max_length=32,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr", "placeholder": "09123456789"}
        ),
        help_text="شماره‌ای که به نام خودتان ثبت شده است.",
    )
    captcha_key = forms.CharField(widget=forms.HiddenInput)
    captcha_value = forms.CharField(
        label="عدد امنیتی",
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
        help_text="عددی را که در تصویر می‌بینید یا می‌شنوید وارد کنید.",
        error_messages={"required": msg.CAPTCHA_REQUIRED},
    )
    # A busy address's proof of work (decision 0028), filled in by static/js/pow.js.
    pow_solution = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1024)

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])


class CodeForm(PersianForm):
    code = forms.CharField(
        label="رمز یکبار مصرف",
        max_length=16,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr", "autofocus": True}
        ),
    )


class IdentifierCleanMixin:
    """Optional national code / national ID fields, normalised and checked (S15.2)."""

    cleaned_data: dict[str, Any]

    def clean_national_code(self) -> str:
        value = self.cleaned_data["national_code"]
        return normalize_national_code(value) if value else ""

    def clean_national_id(self) -> str:
        value = self.cleaned_data["national_id"]
        return normalize_legal_national_id(value) if value else ""


class ProfileForm(IdentifierCleanMixin, PersianForm):
    person_type = forms.ChoiceField(label="نوع شخصیت", choices=PersonType.choices, widget=forms.RadioSelect)
    nationality = forms.ChoiceField(label="تابعیت", choices=COMMON_NATIONALITIES)
    first_name = forms.CharField(label="نام", max_length=100, required=False)
    last_name = forms.CharField(label="نام خانوادگی", max_length=100, required=False)
    national_code = forms.CharField(
        label="کد ملی",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=msg.OWNERSHIP_HELP,
    )
    birth_date = forms.CharField(
        label="تاریخ تولد",
        max_length=20,
        required=False,
        widget=JalaliDateInput(attrs={"placeholder": "۱۳۷۰/۰۵/۱۲"}),
        help_text="شمسی، مانند ۱۳۷۰/۰۵/۱۲",
    )
    legal_name = forms.CharField(label="نام شخص حقوقی", max_length=200, required=False)
    national_id = forms.CharField(
        label="شناسه ملی (اشخاص حقوقی)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )

    def __init__(self, *args: Any, current_nationality: str = "IR", **kwargs: Any):
        super().__init__(*args, **kwargs)
        # A nationality set through the API may be outside the short list: keep it selectable.
        field = self.fields["nationality"]
        assert isinstance(field, forms.ChoiceField)
        codes = {code for code, _ in COMMON_NATIONALITIES}
        if current_nationality not in codes:
            field.choices = [*COMMON_NATIONALITIES, (current_nationality, current_nationality)]

    @classmethod
    def initial_for(cls, user: Any) -> dict[str, Any]:
        return {
            "person_type": user.person_type,
            "nationality": user.nationality,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "national_code": user.national_code,
            "birth_date": to_jalali(user.birth_date) if user.birth_date else "",
            "legal_name": user.legal_name,
            "national_id": user.national_id,
        }

    def clean_birth_date(self) -> dt.date | None:
        value = self.cleaned_data["birth_date"]
        return check_birth_date(parse_date(value)) if value else None


class MobileChangeForm(PersianForm):
    mobile = forms.CharField(
        label="شمارهٔ همراه تازه",
        max_length=32,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr", "placeholder": "09123456789"}
        ),
        help_text="رمز تأیید به این شماره پیامک می‌شود.",
    )

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])
