"""The period picker of the public figures page: two Jalali months (the Jalali picker)."""

from __future__ import annotations

from django import forms

from daftar.kernel.forms import JalaliMonthInput, PersianForm


class PeriodForm(PersianForm):
    start = forms.CharField(
        label="از ماه",
        required=False,
        max_length=20,
        help_text="ماه شمسی، مثلاً ۱۴۰۵/۰۱ (خالی: ۱۲ ماه پایان‌یافتهٔ اخیر)",
        widget=JalaliMonthInput(),
    )
    end = forms.CharField(
        label="تا ماه",
        required=False,
        max_length=20,
        help_text="ماه شمسی، مثلاً ۱۴۰۵/۰۸ (خالی: تا پایان ماه گذشته؛ ماه جاری پس از پایانش منتشر می‌شود)",
        widget=JalaliMonthInput(),
    )
