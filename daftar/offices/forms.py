"""Forms of the office pages. They only gather input (digits and ی/ک normalised by
``PersianForm``); the services decide (``services.py``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from daftar.kernel.forms import JalaliDateInput, PersianForm, persian_widget
from daftar.kernel.normalize import persian_digits
from daftar.rules.constants import EQUIPMENT

from .models import WEEKDAYS, Degree, Office, StaffRole

TIME_ATTRS = {"dir": "ltr", "placeholder": "--:--", "inputmode": "numeric", "size": "5", "maxlength": "5"}
SHIFTS = 2  # intervals per day on the editor (a morning and an evening shift)


class FinderForm(PersianForm):
    district = forms.ChoiceField(label="منطقه", required=False)
    service = forms.ChoiceField(label="خدمت", required=False)
    open_now = forms.BooleanField(label="فقط دفترهای باز در این لحظه", required=False)
    sort = forms.ChoiceField(
        label="ترتیب",
        required=False,
        choices=[("", "منطقه و نام"), ("wait", "کمترین انتظار (دفترهای باز)"), ("rank", "بهترین رتبه")],
    )

    def __init__(self, *args: Any, districts: list[tuple[str, str]], services: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", "همهٔ مناطق"), *districts]
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", "همهٔ خدمات"), *services]


class ProfileForm(PersianForm):
    name = forms.CharField(label="نام دفتر", max_length=200)
    address = forms.CharField(label="نشانی", max_length=400)
    phone = forms.CharField(label="تلفن", max_length=20, required=False, widget=forms.TextInput(attrs={"dir": "ltr"}))
    lat = forms.CharField(label="عرض جغرافیایی", max_length=20, widget=forms.TextInput(attrs={"dir": "ltr"}))
    lng = forms.CharField(label="طول جغرافیایی", max_length=20, widget=forms.TextInput(attrs={"dir": "ltr"}))
    counters = forms.CharField(label="تعداد باجه", max_length=3, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    equipment = forms.MultipleChoiceField(
        label="تجهیزات",  # S11.3
        required=False,
        choices=list(EQUIPMENT.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "name": office.name,
                "address": office.address,
                "phone": office.phone,
                "lat": office.lat,
                "lng": office.lng,
                "counters": office.counters,
                "equipment": office.equipment,
            },
        )
        super().__init__(*args, **kwargs)


class StaffForm(PersianForm):
    mobile = forms.CharField(
        label="شمارهٔ همراه", max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"})
    )
    role = forms.ChoiceField(label="نقش", choices=StaffRole.choices, initial=StaffRole.CLERK)
    title = forms.CharField(label="عنوان شغلی", max_length=100, required=False)
    # the technical manager's qualifications (P4); the service requires them for that role only
    degree = forms.ChoiceField(
        label="مدرک تحصیلی (برای مدیر فنی)", choices=[("", "—"), *Degree.choices], required=False
    )
    field_of_study = forms.CharField(label="رشتهٔ تحصیلی (برای مدیر فنی)", max_length=120, required=False)
    birth_date = forms.CharField(
        label="تاریخ تولد (برای مدیر فنی)", max_length=20, required=False, widget=JalaliDateInput()
    )


class ClosureForm(PersianForm):
    date = forms.CharField(
        label="تاریخ (شمسی)",
        max_length=20,
        widget=JalaliDateInput(),
    )
    reason = forms.CharField(label="دلیل (به شهروندان نشان داده می‌شود)", max_length=200)


def field_name(weekday: int, shift: int, part: str) -> str:
    return f"d{weekday}_{part}{shift}"


class HoursForm(PersianForm):
    """The week, one row per day, ``SHIFTS`` intervals each (empty = none)."""

    def __init__(self, *args: Any, office: Office | None = None, **kwargs: Any):
        if office is not None and not args and "data" not in kwargs:
            initial: dict[str, str] = {}
            per_day: dict[int, int] = {}
            for row in office.weekly_hours.all():
                shift = per_day.get(row.weekday, 0) + 1
                per_day[row.weekday] = shift
                if shift <= SHIFTS:
                    initial[field_name(row.weekday, shift, "s")] = f"{row.start:%H:%M}"
                    initial[field_name(row.weekday, shift, "e")] = f"{row.end:%H:%M}"
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for weekday in range(7):
            for shift in range(1, SHIFTS + 1):
                for part, label in (("s", "از"), ("e", "تا")):
                    box = forms.TextInput(attrs=TIME_ATTRS)
                    # Added after PersianForm's set-up, so they get its Persian echo here.
                    persian_widget(box)
                    self.fields[field_name(weekday, shift, part)] = forms.CharField(
                        label=f"{WEEKDAYS[weekday]} — نوبت {persian_digits(shift)} — {label}",
                        required=False,
                        max_length=5,
                        widget=box,
                    )

    def rows(self) -> list[dict[str, Any]] | None:
        """The schedule as the service reads it; ``None`` (and a form error) when a start has
        no end or the other way round."""
        out = []
        for weekday in range(7):
            for shift in range(1, SHIFTS + 1):
                start = (self.cleaned_data.get(field_name(weekday, shift, "s")) or "").strip()
                end = (self.cleaned_data.get(field_name(weekday, shift, "e")) or "").strip()
                if bool(start) != bool(end):
                    self.add_error(None, f"برای {WEEKDAYS[weekday]} هم ساعت آغاز و هم ساعت پایان را بنویسید.")
                    return None
                if start:
                    out.append({"weekday": weekday, "start": start, "end": end})
        return out

    def days(self) -> list[dict[str, Any]]:
        return [
            {
                "name": WEEKDAYS[d],
                "shifts": [(self[field_name(d, s, "s")], self[field_name(d, s, "e")]) for s in range(1, SHIFTS + 1)],
            }
            for d in range(7)
        ]
