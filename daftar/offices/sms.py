"""Every SMS the offices app sends (issue 21 §4), declared once: its key (the outbox's kind), a
Persian title and "when" for the administrator, the default text and the fields an edited text
may use. Sent with ``daftar.notifications.services.notify`` with the office's municipality,
whose administrator may have edited the text."""

from __future__ import annotations

from daftar.notifications.texts import define

DIRECTIVE_CHANGED = define(
    "hours_directive_changed",
    title="ساعات کار دفتر بیرون از دستورالعمل تازه",
    when=(
        "وقتی شهرداری دستورالعمل ساعات کار را تغییر می‌دهد و ساعات کار هفتگی دفتری بیرون از آن می‌افتد؛ "
        "به مدیران فعال آن دفتر"
    ),
    audience="holder",
    default=(
        "دفتر: دستورالعمل ساعات کار شهرداری تغییر کرد و ساعات کار «{office}» بیرون از آن است. "
        "لطفاً تا {deadline} ساعات کار دفتر را اصلاح کنید."
    ),
    fields={
        "office": ("نام دفتر", "دفتر خدمات الکترونیک شهر — منطقهٔ ۶"),
        "deadline": ("آخرین روز اصلاح ساعات کار (تاریخ شمسی)", "۱۴۰۵/۰۹/۲۸"),
    },
    required=("deadline",),
)
