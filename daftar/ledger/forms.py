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

from . import messages as msg


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

    def __init__(
        self,
        *args: Any,
        services: list[tuple[Service, int | None]],
        chosen: tuple[str, int | None] | None = None,
        **kwargs: Any,
    ):
        """``chosen``: the code of the service to start with and its tariff today (``None``: it
        has none); the amount box then holds the tariff, and says it underneath."""
        if chosen is not None:
            code, tariff = chosen
            kwargs["initial"] = {
                **kwargs.get("initial", {}),
                "service": code,
                "amount": "" if tariff is None else tariff,
            }
        super().__init__(*args, **kwargs)
        if chosen is not None:
            amount = self.fields["amount"]
            tariff = chosen[1]
            amount.help_text = (
                msg.AMOUNT_TARIFF_HELP.format(amount=rials(tariff)) if tariff is not None else msg.AMOUNT_NO_TARIFF_HELP
            )
            amount.widget.attrs["aria-describedby"] = "id_amount_help"
        if not settings.FEEDBACK_ENABLED:  # nobody is asked: the field would promise an SMS
            del self.fields["citizen_mobile"]

        self.fields["service"].choices = [  # type: ignore[attr-defined]
            (s.code, f"{s.title} — {rials(amount)} ریال" if amount else f"{s.title} — بدون تعرفه")
            for s, amount in services
        ]
