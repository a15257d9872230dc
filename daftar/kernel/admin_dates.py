"""Jalali dates in the Django admin: every registered ModelAdmin reads its default form field
per model field from ``FORMFIELD_FOR_DBFIELD_DEFAULTS`` (its own ``formfield_overrides`` win), so
setting the date and date-time entries there gives each admin, present and future, the project's
Jalali text box and picker (``static/js/jalali-picker.js``, loaded by ``admin/base_site.html``)
instead of Django's Gregorian calendar. Typed dates in any digits still work: the fields parse
them with ``daftar.kernel.jalali``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import options, widgets
from django.db import models

from daftar.kernel.forms import JalaliDateField, JalaliDateInput, JalaliDateTimeField, JalaliDateTimeInput

JALALI: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateTimeField: {"form_class": JalaliDateTimeField, "widget": JalaliDateTimeInput},
    models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput},
}
DJANGO_DATE_WIDGETS = (widgets.AdminDateWidget, widgets.AdminSplitDateTime)


def use_jalali_dates_in_admin() -> None:
    """For admins registered from now on (the defaults) and for those the admin app already
    registered (their merged overrides): an admin's own date override is kept."""
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS.update(JALALI)
    for model_admin in admin.site._registry.values():
        for field_class, override in JALALI.items():
            current = model_admin.formfield_overrides.get(field_class, {})
            if current.get("widget") in (None, *DJANGO_DATE_WIDGETS):
                model_admin.formfield_overrides[field_class] = dict(override)  # type: ignore[index]
