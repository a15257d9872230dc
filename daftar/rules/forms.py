"""The self-check form (S15.6): a short Persian form of facts. It only gathers input; the
facts are validated by ``facts.validate_facts``, the same path as the API."""

from __future__ import annotations

from typing import Any

from django import forms

from daftar.accounts.constants import COMMON_NATIONALITIES
from daftar.kernel.forms import PersianForm

from .constants import BOOLEAN_FACTS, DEGREE_FIELDS, DEGREE_LEVELS, EQUIPMENT, PERSON_TYPES, PREMISES_USES

YES_NO = [("", "نمی‌دانم / بعداً"), ("yes", "بله"), ("no", "خیر")]


def _choices(vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    return [("", "— انتخاب کنید —"), *vocabulary.items()]


def _yes_no(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO, required=False, widget=forms.RadioSelect)


def _number(label: str, max_length: int, help_text: str = "") -> forms.CharField:
    """A number typed in any digits (۵۹٫۹, 59.9); parsed in ``to_facts``."""
    widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"})
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget, help_text=help_text)


class SelfCheckForm(PersianForm):
    nationality = forms.ChoiceField(
        label="تابعیت", choices=[("", "— انتخاب کنید —"), *COMMON_NATIONALITIES], required=False
    )
    person_type = forms.ChoiceField(label="نوع شخصیت", choices=_choices(PERSON_TYPES), required=False)
    has_criminal_record = _yes_no("سوء پیشینهٔ کیفری مؤثر دارید؟")
    has_addiction_certificate = _yes_no("گواهی عدم اعتیاد دارید؟")
    health_certified = _yes_no("گواهی سلامت جسمی و روانی دارید؟")
    government_employee = _yes_no("کارمند دولت هستید؟")
    represents_other_office = _yes_no("نمایندهٔ دفتر دیگری هستید؟")
    degree_level = forms.ChoiceField(label="بالاترین مدرک تحصیلی", choices=_choices(DEGREE_LEVELS), required=False)
    degree_field = forms.ChoiceField(label="رشتهٔ تحصیلی", choices=_choices(DEGREE_FIELDS), required=False)
    experience_years = _number("سابقهٔ کار مرتبط (سال)", 10)
    training_completed = _yes_no("دوره‌های آموزشی مصوب شهرداری را گذرانده‌اید؟")
    training_hours = _number("ساعت دوره‌های آموزشی", 10)
    premises_use = forms.ChoiceField(label="کاربری محل", choices=_choices(PREMISES_USES), required=False)
    premises_area_m2 = _number("مساحت مفید محل (متر مربع)", 12)
    equipment = forms.MultipleChoiceField(
        label="تجهیزات موجود", choices=list(EQUIPMENT.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    lat = _number("عرض جغرافیایی محل", 20, help_text="مثلاً ۳۵٫۷۴۵ (از نقشهٔ گوشی یا کروکی)")
    lng = _number("طول جغرافیایی محل", 20, help_text="مثلاً ۵۱٫۵۵۳")

    BOOLEAN_FIELDS = tuple(name for name in BOOLEAN_FACTS if name not in {"exam_passed", "interview_passed"})

    def to_facts(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Raw facts for ``validate_facts``; numbers that do not parse are reported per field."""
        data = self.cleaned_data
        facts: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in ("nationality", "person_type", "degree_level", "degree_field", "premises_use"):
            facts[name] = data.get(name) or None
        for name in self.BOOLEAN_FIELDS:
            facts[name] = {"yes": True, "no": False}.get(data.get(name) or "")
        for name in ("experience_years", "training_hours", "premises_area_m2"):
            facts[name] = self._number(name, errors)
        facts["equipment"] = list(data.get("equipment") or []) or None
        lat, lng = self._number("lat", errors), self._number("lng", errors)
        if lat is not None and lng is not None:
            facts["location"] = {"lat": lat, "lng": lng}
        elif (lat is None) != (lng is None) and "lat" not in errors and "lng" not in errors:
            errors["lng" if lng is None else "lat"] = "عرض و طول جغرافیایی را با هم وارد کنید."
        return facts, errors

    def _number(self, name: str, errors: dict[str, str]) -> float | None:
        raw = (self.cleaned_data.get(name) or "").replace("٫", ".").replace("/", ".")
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            errors[name] = f"«{self.fields[name].label}» باید عدد باشد."
            return None
