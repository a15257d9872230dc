"""The SMS of site inspections and supervision visits, declared once (issue 21 §4); a
municipality's administrator may reword each. Sent with ``notify`` under the key, with the
municipality of the case or of the licence."""

from __future__ import annotations

from daftar.notifications.texts import define

WHEN = ("تاریخ و ساعت بازدید", "۱۴۰۵/۰۲/۱۵، ساعت ۰۹:۳۰")
MUNICIPALITY = ("نام شهرداری", "شهرداری تهران")
OFFICE = ("نام دفتر", "دفتر خدمات الکترونیک شهر نارمک")
NUMBER = ("شمارهٔ مجوز دفتر", "TEH-1405-000042")
ADDRESS = ("نشانی دفتر (یا منطقهٔ آن، اگر نشانی ثبت نشده باشد)", "تهران، نارمک، خیابان گلبرگ، پلاک ۱۲")

SCHEDULED = define(
    "inspection_scheduled",
    title="زمان بازدید میدانی",
    when="وقتی بازرس زمان بازدید میدانی محل دفتر متقاضی را تعیین می‌کند",
    audience="applicant",
    default=(
        "بازدید میدانی محل دفتر شما (پروندهٔ {code}، {place}) در {when} انجام می‌شود. سامانهٔ دفاتر خدمات الکترونیک شهر"
    ),
    fields={
        "code": ("کد رهگیری پرونده", "AB2C-DE4F-9H"),
        "when": WHEN,
        "place": ("منطقه و شهرداری محل دفتر", "منطقهٔ ۴، شهرداری تهران"),
        "inspector": ("نام بازرس", "مریم احمدی"),
        "municipality_name": MUNICIPALITY,
    },
    required=("when",),
)

VISIT = define(
    "supervision_visit_scheduled",
    title="زمان بازدید نظارتی (به دارندهٔ مجوز)",
    when="وقتی بازدید نظارتی دفتر زمان‌بندی می‌شود",
    audience="holder",
    default="بازدید نظارتی دفتر «{office}» (مجوز {number}) در {when} انجام می‌شود. سامانهٔ دفاتر خدمات الکترونیک شهر",
    fields={"office": OFFICE, "number": NUMBER, "when": WHEN, "address": ADDRESS, "municipality_name": MUNICIPALITY},
    required=("when",),
)

VISIT_ASSIGNED = define(
    "supervision_visit_assigned",
    title="سپردن بازدید نظارتی به بازرس",
    when="وقتی ناظر شهرداری بازدید نظارتی دفتری را به بازرس می‌سپارد",
    audience="staff",
    default="بازدید نظارتی دفتر «{office}» (مجوز {number}، نشانی: {address}) در {when} به شما سپرده شد.",
    fields={"office": OFFICE, "number": NUMBER, "when": WHEN, "address": ADDRESS, "municipality_name": MUNICIPALITY},
    required=("when",),
)
