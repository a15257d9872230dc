"""The connector's SMS, declared once (issue 21 §4); a municipality's administrator may reword it."""

from __future__ import annotations

from daftar.notifications.texts import define

ARRIVED = define(
    "portal_application",
    title="رسیدن درخواست از درگاه ملی مجوزها",
    when="وقتی درخواستی از درگاه ملی مجوزها می‌رسد و پیش از ثبت نهایی مدارکش باید بارگذاری شود",
    audience="applicant",
    default=(
        "درخواست شما در درگاه ملی مجوزها برای «{call}» به سامانهٔ دفتر رسید. "
        "با همین شمارهٔ همراه وارد شوید، مدارک را بارگذاری کنید و درخواست را ثبت نهایی کنید."
    ),
    fields={
        "call": ("عنوان فراخوان", "فراخوان دفاتر خدمات الکترونیک شهر ۱۴۰۵"),
        "municipality_name": ("نام شهرداری فراخوان", "شهرداری تهران"),
    },
)
