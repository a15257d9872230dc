"""The form of the transactions page. It only carries what was typed (digits and ی/ک normalised
by ``PersianForm``); the rules live in ``services.py`` and come back as ``ApplicationError``
whose fields are put on the form (``daftar.catalogue.forms.errors_to_form``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from daftar.catalogue.models import Service
from daftar.catalogue.templatetags.money import rials
from daftar.kernel.forms import AmountInput, PersianForm


class TransactionForm(PersianForm):
    service = forms.ChoiceField(label="خدمت")
    amount = forms.CharField(
        label="مبلغ دریافتی (ریال)",
        widget=AmountInput(),
    )
    payment_ref = forms.CharField(
        label="شمارهٔ پیگیری پرداخت",
        max_length=80,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
    )
    appointment_code = forms.CharField(
        label="کد نوبت (اختیاری)", required=False, max_length=16, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    citizen_mobile = forms.CharField(
        label="همراه شهروند برای نظرسنجی (اختیاری)",
        required=False,
        max_length=20,
        help_text="پیامکی با پیوند نظرسنجی به این شماره می‌رود؛ دفتر نمی‌بیند چه کسی چه نظری داده است.",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, services: list[tuple[Service, int | None]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not settings.FEEDBACK_ENABLED:  # nobody is asked: the field would promise an SMS
            del self.fields["citizen_mobile"]

        self.fields["service"].choices = [  # type: ignore[attr-defined]
            (s.code, f"{s.title} — {rials(amount)} ریال" if amount else f"{s.title} — بدون تعرفه")
            for s, amount in services
        ]
