"""Forms of the supervisor's reports inbox, visits and compliance pages. They only gather input:
the services decide (their refusals are put on the forms with ``errors_to_form``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from daftar.inspections.messages import INSPECTOR_REQUIRED
from daftar.inspections.models import InspectionStatus
from daftar.kernel.forms import JalaliDateField, JalaliDateTimeField, PersianForm
from daftar.supervision.reports import INBOX_FILTERS, period_label

WHEN_HELP = "تاریخ و ساعت شمسی به وقت تهران، مانند ۱۴۰۵/۰۹/۲۰ ۱۰:۰۰"


class PeriodForm(PersianForm):
    """Which half-year the inbox shows and which of its licences."""

    period = forms.ChoiceField(label="دورهٔ گزارش")
    show = forms.ChoiceField(label="نمایش", choices=list(INBOX_FILTERS.items()), required=False)

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = [(p, period_label(p)) for p in periods]


class ReviewForm(PersianForm):
    outcome = forms.ChoiceField(label="نتیجهٔ بررسی", widget=forms.RadioSelect)
    note = forms.CharField(
        label="یادداشت بررسی",
        required=False,
        help_text="برای درخواست توضیح بنویسید دفتر دربارهٔ چه چیزی توضیح دهد؛ این متن برای دارندهٔ مجوز پیامک می‌شود.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, moves: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [(m.action, m.label) for m in moves]


class VisitFilterForm(PersianForm):
    status = forms.ChoiceField(label="وضعیت", required=False, choices=[("", "همه"), *InspectionStatus.choices])
    inspector = forms.TypedChoiceField(label="بازرس", required=False, coerce=int, empty_value=None)
    since = JalaliDateField(label="از تاریخ", required=False)
    until = JalaliDateField(label="تا تاریخ", required=False)

    def __init__(self, *args: Any, inspectors: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["inspector"]).choices = [("", "همه"), *inspectors]


class LicenceSearchForm(PersianForm):
    q = forms.CharField(
        label="شمارهٔ مجوز یا نام دفتر",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
    )


class AssignVisitForm(PersianForm):
    # any id is taken: the service says why an inspector may not go (another municipality's,
    # or of the office's own people), so the select only offers the ones who may
    inspector = forms.IntegerField(label="بازرس", widget=forms.Select)
    scheduled_at = JalaliDateTimeField(label="زمان بازدید", help_text=WHEN_HELP)

    def __init__(self, *args: Any, inspectors: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].widget.choices = [("", "— برگزینید —"), *inspectors]
        self.fields["inspector"].error_messages.update(required=INSPECTOR_REQUIRED, invalid=INSPECTOR_REQUIRED)
        self.fields["scheduled_at"].error_messages["required"] = "زمان بازدید را وارد کنید."


class OfficeSearchForm(PersianForm):
    q = forms.CharField(label="نام دفتر یا شمارهٔ مجوز", max_length=100, required=False)
