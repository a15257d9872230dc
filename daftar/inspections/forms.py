"""Page forms of site inspections; the services decide (the forms only gather input)."""

from __future__ import annotations

from typing import Any

from django import forms

from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import JalaliDateTimeInput, PersianForm
from daftar.rules.constants import EQUIPMENT, PREMISES_USES

FIELD_OF = {"location.lat": "lat", "location.lng": "lng", "scheduled_at": "scheduled_at"}


class DecimalTextField(forms.FloatField):
    """A number typed in a text box with the numeric keyboard, in any digits and with «٫» or «/»
    as the decimal separator (``۳۵٫۷۴۵``, ``35.745``): what the map picker writes. A
    ``type=number`` box would empty itself on Persian digits. The form has made the digits
    Latin already (``PersianForm``)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("٫", ".").replace("/", ".")
        return super().to_python(value)


class ScheduleForm(PersianForm):
    scheduled_at = forms.CharField(
        label="زمان بازدید",
        max_length=40,
        help_text="به شکل ۱۴۰۵/۰۱/۱۵ ۰۹:۳۰ (به وقت تهران)",
        widget=JalaliDateTimeInput(attrs={"placeholder": "۱۴۰۵/۰۱/۱۵ ۰۹:۳۰"}),
    )


class ResultForm(PersianForm):
    premises_use = forms.ChoiceField(label="کاربری محل", choices=[("", "— برگزینید —"), *PREMISES_USES.items()])
    measured_area_m2 = DecimalTextField(label="مساحت مفید اندازه‌گیری‌شده (متر مربع)", min_value=0.01, max_value=100_000)
    equipment = forms.MultipleChoiceField(
        label="تجهیزات موجود", choices=list(EQUIPMENT.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    lat = DecimalTextField(label="عرض جغرافیایی", min_value=-90, max_value=90, help_text="مثلاً ۳۵٫۷۴۵")
    lng = DecimalTextField(label="طول جغرافیایی", min_value=-180, max_value=180, help_text="مثلاً ۵۱٫۵۵۳")

    def measurements(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "premises_use": data["premises_use"],
            "measured_area_m2": data["measured_area_m2"],
            "equipment": list(data["equipment"]),
            "location": {"lat": data["lat"], "lng": data["lng"]},
        }


YES_NO = [("true", "بله"), ("false", "خیر")]


class VisitResultForm(PersianForm):
    """What the inspector sees at a licensed office (S11.3, S17, P6)."""

    equipment = forms.MultipleChoiceField(
        label="تجهیزات موجود", choices=list(EQUIPMENT.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    hours_posted = forms.ChoiceField(
        label="ساعات کار مصوب در معرض دید نصب شده است؟", choices=YES_NO, widget=forms.RadioSelect
    )
    tariff_posted = forms.ChoiceField(
        label="جدول تعرفه در معرض دید نصب شده است؟", choices=YES_NO, widget=forms.RadioSelect
    )
    premises_use = forms.ChoiceField(label="کاربری کنونی محل", choices=[("", "— برگزینید —"), *PREMISES_USES.items()])

    def observations(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "equipment": list(data["equipment"]),
            "hours_posted": data["hours_posted"] == "true",
            "tariff_posted": data["tariff_posted"] == "true",
            "premises_use": data["premises_use"],
        }


class PhotoForm(PersianForm):
    file = forms.FileField(
        label="عکس محل (JPEG یا PNG، حداکثر ۱۰ مگابایت)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )


def errors_to_form(form: forms.Form, exc: ApplicationError) -> None:
    placed = False
    for key, texts in (exc.fields or {}).items():
        name = FIELD_OF.get(key, key)
        if name in form.fields:
            for text in texts if isinstance(texts, list) else [texts]:
                form.add_error(name, str(text))
                placed = True
    if not placed:
        form.add_error(None, exc.message)
