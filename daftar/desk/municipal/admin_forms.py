"""Forms of the municipality administrator's calls, rule-set and pass-rule pages. They carry
what was typed (digits and ی/ک normalised by ``PersianForm``); the rules are the services'
(``calls.services``, ``rules.services``, ``assessments.pass_policy``), whose Persian refusals
are put back on the form (``errors_to_form``)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from daftar.assessments.models import PanelRule, PassRule
from daftar.calls import messages as call_msg
from daftar.calls.services import MAX_QUOTA
from daftar.kernel.forms import JalaliDateField, JalaliDateTimeField, PersianForm
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits, persian_number
from daftar.municipalities.models import District
from daftar.rules.editing import CHOICE, CHOICES, NUMBER, parameters_of
from daftar.rules.models import Condition, LicenceType, RuleSet

NUMERIC = {"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}
DECIMAL = {"dir": "ltr", "inputmode": "decimal", "autocomplete": "off"}
QUOTA_PREFIX = "quota_"


def _styled(field: forms.Field) -> forms.Field:
    """A field added after ``PersianForm.__init__`` gets the Bootstrap class it would have had."""
    widget = field.widget
    if not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return field


def rule_set_label(rule_set: RuleSet) -> str:
    return (
        f"{rule_set.licence_type.title} — نسخهٔ {persian_digits(rule_set.version)} "
        f"(اجرا از {to_jalali(rule_set.effective_from)})"
    )


class CallForm(PersianForm):
    """A new call (``licence_type`` shown) or an upcoming call's edit (``licence_type`` fixed)."""

    title = forms.CharField(label="عنوان فراخوان", max_length=200)
    description = forms.CharField(
        label="شرح", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    licence_type = forms.CharField(label="نوع مجوز", widget=forms.Select)
    rule_set = forms.CharField(
        label="نسخهٔ قواعد",
        widget=forms.Select,
        help_text="فقط نسخه‌های منتشرشده؛ فراخوان تا پایان با همین نسخه سنجیده می‌شود.",
    )
    opens_at = JalaliDateTimeField(label="آغاز ثبت‌نام (به وقت تهران)")
    closes_at = JalaliDateTimeField(label="پایان ثبت‌نام (به وقت تهران)")

    def __init__(
        self,
        *args: Any,
        licence_types: list[LicenceType],
        rule_sets: list[RuleSet],
        districts: list[District],
        fixed_licence_type: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if fixed_licence_type:
            del self.fields["licence_type"]
        else:
            self.fields["licence_type"].widget.choices = [("", "— انتخاب کنید —")] + [
                (t.code, t.title) for t in licence_types
            ]
        self.fields["rule_set"].widget.choices = [("", "— انتخاب کنید —")] + [
            (str(r.pk), rule_set_label(r)) for r in rule_sets
        ]
        self.districts = districts
        for district in districts:
            self.fields[f"{QUOTA_PREFIX}{district.pk}"] = _styled(
                forms.CharField(
                    label=district.name, required=False, max_length=8, widget=forms.TextInput(attrs=dict(NUMERIC))
                )
            )

    def quota_fields(self) -> list[Any]:
        return [self[f"{QUOTA_PREFIX}{d.pk}"] for d in self.districts]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quotas: dict[int, int] = {}
        for district in self.districts:
            name = f"{QUOTA_PREFIX}{district.pk}"
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            if not re.fullmatch(r"\d{1,6}", raw) or not 1 <= int(raw) <= MAX_QUOTA:
                self.add_error(name, call_msg.QUOTA_INVALID)
                continue
            quotas[district.pk] = int(raw)
        data["quotas"] = quotas
        return data


class ReasonForm(PersianForm):
    reason = forms.CharField(
        label="دلیل",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="در سابقهٔ فراخوان ثبت می‌شود.",
    )


class NewDraftForm(PersianForm):
    licence_type = forms.CharField(widget=forms.HiddenInput)


def _value_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return persian_number(value)
    return "" if value is None else str(value)


class ConditionsForm(PersianForm):
    """The text and the editable parameters of every condition of a draft, named
    ``c<condition id>-<parameter>`` as the service names its errors."""

    def __init__(self, *args: Any, conditions: list[Condition], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[Condition, list[str]]] = []
        for condition in conditions:
            names = [f"c{condition.pk}-text"]
            self.fields[names[0]] = _styled(
                forms.CharField(
                    label="متن شرط",
                    max_length=500,
                    initial=condition.text,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            )
            for p in parameters_of(condition.check_type, list(condition.facts)):
                name = f"c{condition.pk}-{p.name}"
                current = condition.parameters.get(p.name)
                field: forms.Field
                if p.kind == NUMBER:
                    field = forms.CharField(
                        label=p.label,
                        required=False,
                        max_length=20,
                        initial=_value_text(current),
                        widget=forms.TextInput(attrs=dict(DECIMAL)),
                    )
                elif p.kind == CHOICE:
                    field = forms.ChoiceField(label=p.label, required=False, choices=p.choices, initial=current)
                else:
                    assert p.kind == CHOICES
                    field = forms.MultipleChoiceField(
                        label=p.label,
                        required=False,
                        choices=p.choices,
                        initial=list(current or []),
                        widget=forms.CheckboxSelectMultiple,
                    )
                self.fields[name] = _styled(field)
                names.append(name)
            self.groups.append((condition, names))

    def bound_groups(self) -> list[tuple[Condition, list[Any]]]:
        return [(condition, [self[name] for name in names]) for condition, names in self.groups]


class PublishForm(PersianForm):
    effective_from = JalaliDateField(
        label="اجرا از تاریخ",
        help_text="امروز یا روزی پس از آن؛ فراخوان‌هایی که از این روز باز شوند با این نسخه سنجیده می‌شوند.",
    )


class AssessmentPolicyForm(PersianForm):
    exam_pass_rule = forms.ChoiceField(
        label="قاعدهٔ قبولی آزمون کتبی", choices=PassRule.choices, widget=forms.RadioSelect
    )
    fixed_pass_mark = forms.CharField(
        label="نمرهٔ قبولی ثابت (از ۱۰۰)",
        max_length=12,
        widget=forms.TextInput(attrs=DECIMAL),
        help_text="با قاعدهٔ «نمرهٔ قبولی ثابت» به کار می‌رود.",
    )
    relative_share = forms.CharField(
        label="سهم از میانگین برترین‌ها",
        max_length=12,
        widget=forms.TextInput(attrs=DECIMAL),
        help_text="بزرگ‌تر از صفر و حداکثر ۱؛ نمونه: ۰٫۷ یعنی ۷۰ درصد میانگین برترین‌ها.",
    )
    top_share = forms.CharField(
        label="سهم برترین‌ها",
        max_length=12,
        widget=forms.TextInput(attrs=DECIMAL),
        help_text="بزرگ‌تر از صفر و حداکثر ۱؛ نمونه: ۰٫۰۱ یعنی یک درصدِ برتر.",
    )
    weight_general = forms.CharField(
        label="وزن بخش عمومی",
        max_length=12,
        widget=forms.TextInput(attrs=DECIMAL),
        help_text="نامنفی؛ مجموع دو وزن باید ۱ باشد (نمونه: ۰٫۴).",
    )
    weight_specialised = forms.CharField(
        label="وزن بخش تخصصی", max_length=12, widget=forms.TextInput(attrs=DECIMAL), help_text="نمونه: ۰٫۶."
    )
    interview_rule = forms.ChoiceField(label="قاعدهٔ قبولی مصاحبه", choices=PanelRule.choices, widget=forms.RadioSelect)
    interview_pass_mark = forms.CharField(
        label="نمرهٔ قبولی مصاحبه (از ۱۰۰)", max_length=12, widget=forms.TextInput(attrs=DECIMAL)
    )

    NUMBERS = (
        "fixed_pass_mark",
        "relative_share",
        "top_share",
        "weight_general",
        "weight_specialised",
        "interview_pass_mark",
    )

    @classmethod
    def initial_from(cls, policy: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"exam_pass_rule": policy.exam_pass_rule, "interview_rule": policy.interview_rule}
        for name in cls.NUMBERS:
            initial[name] = persian_number(float(getattr(policy, name)), 4)
        return initial
