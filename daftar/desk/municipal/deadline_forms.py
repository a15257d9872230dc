"""The form of the deadline rules page (``deadlines.py``). It only carries what was typed
(normalised: any digits); the checks are ``applications.deadline_settings``', shared with the
Django admin, which names a bad input by these fields' names."""

from __future__ import annotations

from typing import Any

from django import forms

from daftar.applications.deadline_settings import MAX_DAYS_BEFORE, MAX_REMINDERS, consequence_field
from daftar.applications.models import DeadlineConsequence
from daftar.kernel.forms import PersianForm
from daftar.kernel.normalize import persian_digits

Kind = DeadlineConsequence.Kind
CONFIRM_LABEL = "می‌دانم که با «صدور مجوز به حکم قانون» سامانه خودش مجوز «{title}» را صادر می‌کند."
ALL_HEADS = "همهٔ مرجعان صدور مجوز"
DAYS_HELP = (
    f"روزهای کاری پیش از پایان مهلت، از ۰ (روز آخر مهلت) تا {persian_digits(MAX_DAYS_BEFORE)}، "
    f"دست‌بالا {persian_digits(MAX_REMINDERS)} روز، جدا با ویرگول؛ مانند «{{example}}». "
    "خالی بگذارید تا پیش‌فرض نمونهٔ سامانه ({default}) به کار رود."
)


def confirm_field(licence_type_id: int) -> str:
    return f"confirm_{licence_type_id}"


def days_box(label: str, help_text: str) -> forms.CharField:
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "rtl"})
    return forms.CharField(label=label, required=False, widget=widget, help_text=help_text)


class DeadlineRulesForm(PersianForm):
    staff_days = days_box("یادآوری به کارشناس مسئول", DAYS_HELP)
    head_days = days_box("یادآوری به مرجع بالاتر", DAYS_HELP)
    head = forms.CharField(
        label="مرجع بالاتر",
        required=False,
        widget=forms.Select,
        help_text="کسی که پروندهٔ گذشته از مهلت به او ارجاع می‌شود و یادآوری‌های مرجع بالاتر را می‌گیرد؛ "
        "از میان مرجعان صدور مجوز همین شهرداری. اگر کسی را برنگزینید، همهٔ آنان.",
    )

    def __init__(
        self,
        *args: Any,
        heads: list[tuple[str, str]],
        licence_types: list[Any],
        confirmable: set[int],
        defaults: dict[str, str],
        escalation_days: str,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["staff_days"].help_text = DAYS_HELP.format(example="۲، ۱", default=defaults["staff"])
        self.fields["head_days"].help_text = DAYS_HELP.format(example="۰", default=defaults["head"])
        select = self.fields["head"].widget
        assert isinstance(select, forms.Select)
        select.choices = [("", ALL_HEADS), *heads]
        kinds = [
            (Kind.ESCALATION, f"ارجاع به مرجع بالاتر، که {escalation_days} روز کاری برای تصمیم فرصت دارد"),
            (Kind.DEEMED_APPROVAL, "صدور مجوز به حکم قانون، اگر پرونده شرایط را داشته باشد"),
        ]
        for licence_type in licence_types:  # radios and a check box: not styled by PersianForm
            self.fields[consequence_field(licence_type.pk)] = forms.CharField(
                label=licence_type.title, required=False, widget=forms.RadioSelect(choices=kinds)
            )
            if licence_type.pk in confirmable:
                self.fields[confirm_field(licence_type.pk)] = forms.BooleanField(
                    label=CONFIRM_LABEL.format(title=licence_type.title),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
