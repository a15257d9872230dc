"""Forms of the municipality administrator's calendar pages (``calendar.py``). They only carry
what was typed (normalised: any digits); the checks are the services' (``offices.calendar``),
shared with the Django admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from daftar.kernel.forms import JalaliDateField, PersianForm
from daftar.kernel.normalize import persian_digits


class TimeInput(forms.TextInput):
    """A time typed as ۰۸:۰۰ or 08:00 (Persian digits accepted)."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        base = {
            "dir": "ltr",
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "۰۸:۰۰",
            "class": "time-input",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.time):
            return persian_digits(value.strftime("%H:%M"))
        return super().format_value(value)


def time_field(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=8, widget=TimeInput, help_text=help_text)


class DirectiveForm(PersianForm):
    day_start = time_field("آغاز کار روزانه (شنبه تا چهارشنبه)")
    day_end = time_field("پایان کار روزانه")
    thursday_end = time_field("پایان کار پنجشنبه", required=False, help_text="خالی یعنی پنجشنبه‌ها تعطیل است.")
    evening_start = time_field("آغاز نوبت عصر", required=False, help_text="خالی یعنی نوبت عصر ندارد.")
    evening_end = time_field("پایان نوبت عصر", required=False)


class ExtendedDayForm(PersianForm):
    date = JalaliDateField(label="تاریخ")
    start = time_field("از ساعت")
    end = time_field("تا ساعت")
    title = forms.CharField(label="عنوان", max_length=128, help_text="مثلاً «ساعت کار تمدیدی روزهای پایانی سال»")


class DayOffForm(PersianForm):
    date = JalaliDateField(label="تاریخ")
    title = forms.CharField(label="عنوان", max_length=128, help_text="مثلاً «تعطیلی به دلیل آلودگی هوا»")


class HolidayCancelForm(PersianForm):
    actual_date = JalaliDateField(
        label="روز درست تعطیل",
        required=False,
        help_text="اگر این مناسبت روز دیگری تعطیل است، آن روز را بنویسید (حداکثر ۷ روز پیش یا پس)؛ وگرنه خالی بگذارید.",
    )
    reason = forms.CharField(label="دلیل", max_length=300, help_text="مثلاً «رؤیت هلال ماه؛ اعلام ستاد استهلال»")
