"""Forms of the examiner pages: they only gather input; ``services`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from daftar.applications.forms import parse_number
from daftar.applications.models import Application
from daftar.calls.models import Call
from daftar.kernel.forms import JalaliDateTimeField, PersianForm

REQUIRED = "«{label}» را وارد کنید."


class SessionForm(PersianForm):
    """A new session: its pass rule, figures and weights are the municipality's (shown on the
    page), copied into the session; the form has no field for them."""

    call = forms.ModelChoiceField(queryset=Call.objects.none(), label="فراخوان", empty_label="— برگزینید —")
    title = forms.CharField(label="عنوان جلسه", max_length=200)
    starts_at = JalaliDateTimeField(label="زمان برگزاری", help_text="به صورت ۱۴۰۵/۰۱/۱۵ ۰۸:۰۰ (به وقت تهران)")
    place = forms.CharField(label="محل برگزاری", max_length=300)
    seats = forms.IntegerField(label="ظرفیت (نفر)", min_value=1, max_value=100000)

    def __init__(self, *args: Any, calls: QuerySet[Call], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls  # type: ignore[attr-defined]

    def to_kwargs(self) -> dict[str, Any] | None:
        """The arguments of ``services.session_create`` (without actor), or None with field errors."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {name: data[name] for name in ("call", "title", "starts_at", "place", "seats")}


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.tracking_code or obj.pk} — {obj.applicant.display_name}"


class AssignForm(PersianForm):
    application = CaseChoiceField(
        queryset=Application.objects.none(), label="پروندهٔ در مرحلهٔ آزمون", empty_label="— برگزینید —"
    )

    def __init__(self, *args: Any, cases: QuerySet[Application], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = cases  # type: ignore[attr-defined]


class ScoreForm(PersianForm):
    general = forms.CharField(label="نمرهٔ عمومی", max_length=20)
    specialised = forms.CharField(label="نمرهٔ تخصصی", max_length=20)

    def to_parts(self) -> dict[str, float] | None:
        if not self.is_valid():
            return None
        parts = {name: parse_number(self, name) for name in ("general", "specialised")}
        if self.errors:
            return None
        return {k: v for k, v in parts.items() if v is not None}


class ImportForm(PersianForm):
    file = forms.FileField(
        label="فایل نمره‌ها (CSV یا XLSX)",
        help_text=(
            "سطر نخست فایل نام ستون‌ها را به همین شکل دارد: tracking_code (کد رهگیری)، general (نمرهٔ عمومی) و "
            "specialised (نمرهٔ تخصصی). اگر یک ردیف نادرست باشد، هیچ نمره‌ای ثبت نمی‌شود."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class InterviewScoreForm(PersianForm):
    """An examiner's own interview score; the panel's rule and mark are the municipality's."""

    score = forms.CharField(
        label="نمرهٔ شما (۰ تا ۱۰۰)",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )

    def to_kwargs(self) -> dict[str, Any] | None:
        """The arguments of ``services.interview_score`` (without application and examiner)."""
        if not self.is_valid():
            return None
        score = parse_number(self, "score")
        if self.errors or score is None:
            return None
        return {"score": score}


class InterviewScheduleForm(PersianForm):
    """When and where the applicant is interviewed; ``services.interview_schedule`` checks the
    time is ahead (within the municipality's horizon) and sends the applicant the SMS."""

    starts_at = JalaliDateTimeField(label="زمان مصاحبه", help_text="به صورت ۱۴۰۵/۰۱/۱۵ ۰۹:۳۰ (به وقت تهران)")
    place = forms.CharField(
        label="محل مصاحبه",
        max_length=200,
        help_text="همان‌گونه که در پیامک متقاضی می‌آید؛ نمونه: ساختمان شهرداری، طبقهٔ دوم، اتاق ۲۰۴",
    )

    def to_kwargs(self) -> dict[str, Any] | None:
        """The arguments of ``services.interview_schedule`` (without application and actor)."""
        if not self.is_valid():
            return None
        return {"starts_at": self.cleaned_data["starts_at"], "place": self.cleaned_data["place"]}
