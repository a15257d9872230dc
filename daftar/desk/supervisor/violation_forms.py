"""Forms of the supervisor's violation and notice pages (``violations.py``)."""

from __future__ import annotations

from typing import Any

from django import forms

from daftar.kernel.forms import JalaliDateTimeField, PersianForm
from daftar.kernel.normalize import persian_digits
from daftar.supervision.models import NoticeStatus, ViolationSource, ViolationStatus
from daftar.supervision.services import EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES

ANY = [("", "همه")]
NOTICED = [("", "همه"), ("yes", "دارد"), ("no", "ندارد")]
NOTICE_STATUSES = [
    ("", "همه"),
    (NoticeStatus.OPEN.value, "در انتظار پاسخ یا تصمیم"),
    ("overdue", "مهلت پاسخ گذشته، در انتظار تصمیم"),
    (NoticeStatus.DECIDED.value, "تصمیم‌گیری‌شده"),
]
ACCEPT = "image/jpeg,image/png,application/pdf"


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # declared so below
    return field


class InboxFilterForm(PersianForm):
    source = forms.ChoiceField(label="منشأ", required=False, choices=ANY + list(ViolationSource.choices))
    status = forms.ChoiceField(label="وضعیت", required=False, choices=ANY + list(ViolationStatus.choices))
    type = forms.ChoiceField(label="نوع تخلف", required=False)
    district = forms.TypedChoiceField(label="منطقه", required=False, coerce=int, empty_value=None)
    noticed = forms.ChoiceField(label="اخطاریه", required=False, choices=NOTICED)
    q = forms.CharField(
        label="دفتر یا شمارهٔ مجوز",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, types: list[tuple[str, str]], districts: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice(self, "type").choices = ANY + types
        _choice(self, "district").choices = [("", "همه"), *districts]

    def params(self) -> dict[str, str]:
        """The chosen filters, for links (empty ones left out)."""
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}


class NoticeFilterForm(PersianForm):
    status = forms.ChoiceField(label="وضعیت", required=False, choices=NOTICE_STATUSES)
    q = forms.CharField(
        label="دفتر یا شمارهٔ مجوز",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def params(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files; each is checked by content by the service (``violation_record``)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class RecordForm(PersianForm):
    licence = forms.CharField(
        label="شمارهٔ مجوز",
        max_length=32,
        help_text=(
            "شمارهٔ مجوز دفتر را بنویسید یا از فهرست برگزینید؛ برای یافتن آن با نام دفتر، جست‌وجوی بالا را به کار ببرید."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "list": "licence-options"}),
    )
    type = forms.ChoiceField(label="نوع تخلف")
    observed_at = JalaliDateTimeField(
        label="زمان مشاهده (شمسی)", required=False, help_text="مانند ۱۴۰۵/۰۱/۱۵ ۱۰:۳۰؛ خالی: همین اکنون."
    )
    description = forms.CharField(
        label="شرح تخلف",
        max_length=4000,
        help_text="آنچه دیدید، کجا و چگونه؛ دست‌کم ۱۰ نویسه.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence_files = EvidenceFilesField(
        label="فایل‌های شاهد (عکس یا PDF)",
        required=False,
        help_text=(
            f"عکس (JPEG یا PNG) یا PDF، هر کدام تا {persian_digits(EVIDENCE_MAX_BYTES // (1024 * 1024))} مگابایت، "
            f"دست‌بالا {persian_digits(EVIDENCE_MAX_FILES)} فایل؛ چند فایل را با هم برگزینید."
        ),
    )

    def __init__(self, *args: Any, types: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice(self, "type").choices = [("", "برگزینید"), *types]


class IssueForm(PersianForm):
    confirm = forms.BooleanField(
        label="پیامد پیشنهادی و مهلت پاسخ را دیدم؛ اخطاریه صادر و به دارندهٔ مجوز پیامک شود.",
        error_messages={"required": "برای صدور اخطاریه، نخست آن را تأیید کنید."},
    )
