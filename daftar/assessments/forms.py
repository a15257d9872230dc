"""Forms of the examiner pages: they only gather input; ``services`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from daftar.applications.forms import parse_number
from daftar.applications.models import Application
from daftar.calls.models import Call
from daftar.kernel.forms import JalaliDateTimeField, PersianForm

from .models import PanelRule, PassRule

REQUIRED = "«{label}» را وارد کنید."
WEIGHTS_BOTH = "وزن هر دو بخش را وارد کنید یا هر دو را خالی بگذارید تا وزن‌های شهرداری به کار رود."


class SessionForm(PersianForm):
    call = forms.ModelChoiceField(queryset=Call.objects.none(), label="فراخوان", empty_label="— برگزینید —")
    title = forms.CharField(label="عنوان جلسه", max_length=200)
    starts_at = JalaliDateTimeField(label="زمان برگزاری", help_text="به صورت ۱۴۰۵/۰۱/۱۵ ۰۸:۰۰ (به وقت تهران)")
    place = forms.CharField(label="محل برگزاری", max_length=300)
    seats = forms.IntegerField(label="ظرفیت (نفر)", min_value=1, max_value=100000)
    # a field left blank takes the municipality's pass rule (``AssessmentPolicy``, shown on the page)
    pass_rule = forms.ChoiceField(
        label="قاعدهٔ قبولی",
        choices=[("", "قاعدهٔ شهرداری"), *PassRule.choices],
        initial="",
        required=False,
        widget=forms.RadioSelect,
    )
    fixed_pass_mark = forms.CharField(
        label="نمرهٔ قبولی ثابت", required=False, help_text="برای قاعدهٔ ثابت؛ خالی: عدد شهرداری"
    )
    relative_share = forms.CharField(
        label="سهم از میانگین برترین‌ها (نمونه: ۰٫۷۰)", required=False, help_text="برای قاعدهٔ نسبی؛ خالی: عدد شهرداری"
    )
    top_share = forms.CharField(
        label="سهم برترین‌ها (نمونه: ۰٫۰۱ یعنی ۱٪)", required=False, help_text="برای قاعدهٔ نسبی؛ خالی: عدد شهرداری"
    )
    weight_general = forms.CharField(label="وزن بخش عمومی (نمونه: ۰٫۴)", required=False, help_text="خالی: عدد شهرداری")
    weight_specialised = forms.CharField(
        label="وزن بخش تخصصی (نمونه: ۰٫۶)", required=False, help_text="خالی: عدد شهرداری"
    )

    def __init__(self, *args: Any, calls: QuerySet[Call], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls  # type: ignore[attr-defined]

    def to_kwargs(self) -> dict[str, Any] | None:
        """The arguments of ``services.session_create`` (without actor), or None with field errors."""
        if not self.is_valid():
            return None
        numbers = {
            name: parse_number(self, name)
            for name in ("fixed_pass_mark", "relative_share", "top_share", "weight_general", "weight_specialised")
        }
        if self.errors:
            return None
        data = self.cleaned_data
        general, specialised = numbers["weight_general"], numbers["weight_specialised"]
        if (general is None) != (specialised is None):
            self.add_error("weight_specialised", WEIGHTS_BOTH)
            return None
        return {
            "call": data["call"],
            "title": data["title"],
            "starts_at": data["starts_at"],
            "place": data["place"],
            "seats": data["seats"],
            "pass_rule": data["pass_rule"] or None,
            "fixed_pass_mark": numbers["fixed_pass_mark"],
            "relative_share": numbers["relative_share"],
            "top_share": numbers["top_share"],
            "weights": None if general is None else {"general": general, "specialised": specialised},
        }


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
        label="پروندهٔ نمره‌ها (CSV یا XLSX)",
        help_text="ستون‌ها: tracking_code,general,specialised؛ یک ردیف نادرست و هیچ نمره‌ای ثبت نمی‌شود.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class InterviewScoreForm(PersianForm):
    """An examiner's own interview score; with the panel's first score, also its rule and mark."""

    score = forms.CharField(
        label="نمرهٔ شما (۰ تا ۱۰۰)",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    rule = forms.ChoiceField(
        label="قاعدهٔ قبولی هیئت", choices=PanelRule.choices, initial=PanelRule.MEAN, widget=forms.RadioSelect
    )
    pass_mark = forms.CharField(
        label="نمرهٔ قبولی مصاحبه",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )

    def __init__(self, *args: Any, first: bool, default_mark: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.first = first
        if first:
            self.fields["pass_mark"].help_text = f"خالی بماند: پیش‌فرض {default_mark}"
            self.fields["pass_mark"].widget.attrs["placeholder"] = default_mark
        else:  # the panel's rule and mark are set by its first score
            del self.fields["rule"]
            del self.fields["pass_mark"]

    def to_kwargs(self) -> dict[str, Any] | None:
        """The arguments of ``services.interview_score`` (without application and examiner)."""
        if not self.is_valid():
            return None
        score = parse_number(self, "score")
        mark = parse_number(self, "pass_mark") if self.first else None
        if self.errors or score is None:
            return None
        kwargs: dict[str, Any] = {"score": score}
        if self.first:
            kwargs["rule"] = self.cleaned_data["rule"]
            kwargs["mark"] = mark
        return kwargs
