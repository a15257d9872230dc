"""Columns for the Django admin's lists."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from daftar.kernel.jalali import to_jalali


def jalali_column(field: str, description: str) -> Any:
    """A list column showing a date/datetime field in Jalali with Persian digits."""

    @admin.display(description=description, ordering=field)
    def column(self: Any, obj: Any) -> str:
        return to_jalali(getattr(obj, field), with_time=True)

    return column
