"""The SMS of the hall queue (issue 22 §3), declared once (``daftar.notifications.texts``). Sent
with ``notify`` only to a citizen who left their number with the ticket; numbers in Persian
digits, the link to the ticket's own page kept in it (``required``)."""

from __future__ import annotations

from daftar.notifications.texts import define

_OFFICE = ("نام دفتر", "دفتر خدمات الکترونیک شهر ونک")
_NUMBER = ("شمارهٔ نوبت", "۴۲")
_LINK = ("پیوند صفحهٔ نوبت", "https://daftar.tehran.ir/q/Xk3v9QmT2pLw")

ISSUED = define(
    "hall_ticket_issued",
    title="گرفتن نوبت حضوری",
    when="وقتی شهروند در دفتر نوبت حضوری می‌گیرد و شمارهٔ همراه خود را می‌دهد",
    audience="citizen",
    default=(
        "نوبت شما در {office}: شمارهٔ {number}. پیش از شما {ahead} نفر؛ انتظار حدود {wait} دقیقه. جای شما در صف: {link}"
    ),
    fields={
        "office": _OFFICE,
        "number": _NUMBER,
        "ahead": ("شمار نفرات پیش از شما", "۵"),
        "wait": ("زمان تقریبی انتظار به دقیقه", "۲۰"),
        "link": _LINK,
    },
    required=("number",),
)

NEAR = define(
    "hall_turn_near",
    title="نزدیک شدن نوبت حضوری",
    when="وقتی تنها چند نفر پیش از نوبت حضوری شهروند مانده است (شمار آن را مدیر دفتر تعیین می‌کند)",
    audience="citizen",
    default="نوبت {number} در {office} نزدیک است: {ahead} نفر پیش از شما مانده است. لطفاً در سالن دفتر باشید. {link}",
    fields={"office": _OFFICE, "number": _NUMBER, "ahead": ("شمار نفرات پیش از شما", "۲"), "link": _LINK},
    required=("number",),
)
