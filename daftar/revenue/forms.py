"""Forms of the revenue pages and the planner. They only gather input (normalised Persian
digits, ی/ک); the services decide and their ``ApplicationError`` fields are shown per field."""

from __future__ import annotations

from typing import Any

from django import forms

from daftar.kernel.forms import AmountInput, JalaliMonthInput, PersianForm
from daftar.ledger.models import CostCategory


def errors_to_form(form: forms.Form, fields: dict[str, list[str]]) -> None:
    for name, texts in fields.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


class RangeForm(PersianForm):
    start = forms.CharField(
        label="از ماه",
        required=False,
        max_length=20,
        help_text="ماه شمسی، مثلاً ۱۴۰۵/۰۳ (خالی: ۶ ماه اخیر)",
        widget=JalaliMonthInput(),
    )
    end = forms.CharField(
        label="تا ماه", required=False, max_length=20, help_text="ماه شمسی، مثلاً ۱۴۰۵/۰۸", widget=JalaliMonthInput()
    )


class MunicipalityReportForm(RangeForm):
    municipality = forms.ChoiceField(label="شهرداری", required=False)
    by = forms.ChoiceField(
        label="گروه‌بندی", required=False, choices=[("district", "منطقه"), ("service", "خدمت")], initial="district"
    )

    def __init__(self, *args: Any, municipalities: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.slug, m.name) for m in municipalities]


class CostForm(PersianForm):
    month = forms.CharField(
        label="ماه", max_length=20, help_text="ماه جاری یا ماه گذشتهٔ شمسی، مثلاً ۱۴۰۵/۰۸", widget=JalaliMonthInput()
    )
    category = forms.ChoiceField(label="دسته", choices=CostCategory.choices)
    amount = forms.CharField(label="مبلغ (ریال)", max_length=40, widget=AmountInput())
    note = forms.CharField(label="شرح", required=False, max_length=200)


class PlannerForm(PersianForm):
    district = forms.ChoiceField(label="منطقهٔ محل دفتر")
    staff_costs = forms.CharField(label="حقوق کارکنان در ماه (ریال)", max_length=40, widget=AmountInput())
    rent = forms.CharField(label="اجارهٔ ماهانه (ریال)", max_length=40, widget=AmountInput())
    other_costs = forms.CharField(
        label="سایر هزینه‌های ماهانه (ریال)", required=False, max_length=40, widget=AmountInput()
    )
    equipment = forms.CharField(label="هزینهٔ یک‌بارهٔ تجهیزات (ریال)", max_length=40, widget=AmountInput())

    def __init__(self, *args: Any, districts: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "انتخاب کنید")] + [
            (group, [(str(pk), name) for pk, name in options]) for group, options in districts
        ]
