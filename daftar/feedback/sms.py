"""The SMS the feedback app sends (issue 22 §1), declared once (``daftar.notifications.texts``).
Sent with ``notify`` to the citizen, with the office's municipality, whose administrator may
have edited the text. The link must stay in it (``required``)."""

from __future__ import annotations

from daftar.notifications.texts import define

REQUEST = define(
    "feedback_request",
    title="نظرسنجی پس از خدمت",
    when="وقتی دفتر خدمتی را برای شهروند ثبت می‌کند (با شمارهٔ همراه او) یا نوبت رزروشده‌ای انجام می‌شود",
    audience="citizen",
    default="از خدمت «{service}» در {office} چقدر راضی بودید؟ با یک لمس امتیاز دهید: {link} (تا {until})",
    fields={
        "service": ("نام خدمت", "استعلام ملک"),
        "office": ("نام دفتر", "دفتر خدمات الکترونیک شهر پاسداران"),
        "link": ("پیوند یک‌بارمصرف نظرسنجی", "https://daftar.tehran.ir/f/42-3f9a0c1b2d4e5f607182"),
        "until": ("پایان اعتبار پیوند (تاریخ شمسی)", "۱۴۰۵/۰۳/۲۵"),
    },
    required=("link",),
)
