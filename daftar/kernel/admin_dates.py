"""Jalali dates in the Django admin: every registered ModelAdmin reads its default form field
per model field from ``FORMFIELD_FOR_DBFIELD_DEFAULTS`` (its own ``formfield_overrides`` win), so
setting the date and date-time entries there gives each admin, present and future, the project's
Jalali text box and picker (``static/js/jalali-picker.js``, loaded by ``admin/base_site.html``)
instead of Django's Gregorian calendar. Typed dates in any digits still work: the fields parse
them with ``daftar.kernel.jalali``."""

from __future__ import annotations

from django.contrib.admin import options
from django.db import models

from daftar.kernel.forms import JalaliDateField, JalaliDateInput, JalaliDateTimeField, JalaliDateTimeInput


def use_jalali_dates_in_admin() -> None:
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField] = {
        "form_class": JalaliDateTimeField,
        "widget": JalaliDateTimeInput,
    }
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField] = {
        "form_class": JalaliDateField,
        "widget": JalaliDateInput,
    }
