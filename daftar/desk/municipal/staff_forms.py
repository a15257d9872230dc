"""The grant form of the staff roles page (``staff.py``); the checks are the service's
(``accounts.services.role_grant_check``), shared with the Django admin."""

from __future__ import annotations

from typing import Any

from django import forms

from daftar.accounts.constants import Role
from daftar.accounts.messages import ROLE_NOT_GRANTABLE
from daftar.kernel.forms import PersianForm


class RoleGrantForm(PersianForm):
    mobile = forms.CharField(
        label="شمارهٔ همراه",
        max_length=32,
        help_text="اگر این شماره هنوز در سامانه حسابی نداشته باشد، حسابش ساخته می‌شود.",
        widget=forms.TextInput(
            attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "off", "placeholder": "۰۹۱۲۳۴۵۶۷۸۹"}
        ),
    )
    role = forms.ChoiceField(label="نقش", error_messages={"invalid_choice": ROLE_NOT_GRANTABLE})

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "نقش را برگزینید")] + [(r.value, r.label) for r in Role if r.value in roles]
