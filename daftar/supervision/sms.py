"""The SMS supervision sends (issue 21 §4), declared once; an administrator may edit each text
(``daftar.notifications.texts``). Sent with ``notify`` from ``services.py`` and ``reports.py``,
to the licence holder and, for notices, their deadlines and the six-monthly report reminder,
also to the active managers of the licence's office (``services.office_people``)."""

from __future__ import annotations

from daftar.notifications.texts import define

_OFFICE = ("نام دفتر", "دفتر خدمات الکترونیک شهر — منطقهٔ ۱")
_NUMBER = ("شمارهٔ مجوز", "TEH-1404-000042")
_OUTCOME = ("پیامد پیشنهادی یا تصمیم‌گرفته‌شده (تذکر، تعلیق موقت، لغو مجوز)", "تذکر")
_PERIOD = ("نیم‌سال گزارش", "نیمهٔ دوم ۱۴۰۴ (مهر تا اسفند)")
# a notice and its reminder carry the same values
NOTICE_FIELDS = {
    "office": _OFFICE,
    "number": _NUMBER,
    "outcome": _OUTCOME,
    "due": ("پایان مهلت پاسخ", "۱۴۰۴/۰۹/۱۷، ساعت ۲۳:۵۹"),
}

VIOLATION = define(
    "supervision_violation",
    title="ثبت تخلف دفتر",
    when="وقتی ناظر یا بازرس تخلفی برای دفتر ثبت می‌کند یا سامانه آن را شناسایی می‌کند",
    audience="holder",
    default="دفتر {office} (مجوز {number}): تخلف «{title}» در تاریخ {at} برای شما ثبت شد.",
    fields={
        "office": _OFFICE,
        "number": _NUMBER,
        "title": ("عنوان نوع تخلف", "کار در خارج از ساعات مجاز"),
        "at": ("تاریخ مشاهدهٔ تخلف", "۱۴۰۴/۰۹/۱۰"),
    },
)

NOTICE = define(
    "supervision_notice",
    title="صدور اخطاریهٔ تصمیم",
    when="وقتی اخطاریهٔ تصمیم انضباطی برای مجوز صادر می‌شود؛ به دارندهٔ مجوز و مدیران فعال دفتر",
    audience="holder",
    default=(
        "دفتر {office} (مجوز {number}): اخطاریهٔ تصمیم «{outcome}» برای شما صادر شد. "
        "تا {due} می‌توانید در سامانه پاسخ دهید."
    ),
    fields=NOTICE_FIELDS,
    required=("due",),
)

NOTICE_REMINDER = define(
    "notice_deadline_reminder",
    title="یادآوری مهلت پاسخ به اخطاریه",
    when=(
        "چند روز کاری پیش از پایان مهلت پاسخ به اخطاریه، اگر دفتر هنوز پاسخ نداده باشد (یک بار)؛ "
        "به دارندهٔ مجوز و مدیران فعال دفتر"
    ),
    audience="holder",
    default=(
        "دفتر {office} (مجوز {number}): مهلت پاسخ به اخطاریهٔ تصمیم «{outcome}» تا {due} است "
        "و هنوز پاسخی ثبت نشده است. پاسخ را در سامانه بفرستید."
    ),
    fields=NOTICE_FIELDS,
    required=("due",),
)

DECISION = define(
    "supervision_decision",
    title="تصمیم انضباطی",
    when="وقتی مرجع صدور مجوز دربارهٔ اخطاریه تصمیم می‌گیرد",
    audience="holder",
    default="دفتر {office} (مجوز {number}): تصمیم انضباطی «{outcome}» گرفته شد. دلیل: {reason}",
    fields={
        "office": _OFFICE,
        "number": _NUMBER,
        "outcome": _OUTCOME,
        "reason": ("دلیل تصمیم", "کار در خارج از ساعات مجاز برای بار دوم"),
    },
)

REPORT_RECEIVED = define(
    "supervision_report",
    title="دریافت گزارش شش‌ماهه",
    when="وقتی دارندهٔ مجوز گزارش شش‌ماههٔ دفتر را می‌فرستد",
    audience="holder",
    default="دفتر {office}: گزارش شش‌ماههٔ {period} دریافت شد.",
    fields={"office": _OFFICE, "period": _PERIOD},
)

REPORT_REMINDER = define(
    "supervision_report_reminder",
    title="یادآوری مهلت گزارش شش‌ماهه",
    when=(
        "چند روز پیش از پایان نیم‌سال، اگر گزارش آن هنوز فرستاده نشده باشد (یک بار)؛ به دارندهٔ مجوز و مدیران فعال دفتر"
    ),
    audience="holder",
    default="دفتر {office} (مجوز {number}): مهلت ارسال گزارش شش‌ماههٔ {period} تا {due} است.",
    fields={
        "office": _OFFICE,
        "number": _NUMBER,
        "period": _PERIOD,
        "due": ("آخرین روز مهلت", "۱۴۰۴/۱۲/۲۹"),
    },
    required=("due",),
)

REPORT_CLARIFY = define(
    "supervision_report_clarify",
    title="درخواست توضیح دربارهٔ گزارش شش‌ماهه",
    when="وقتی ناظر شهرداری دربارهٔ گزارش شش‌ماههٔ دفتر توضیح می‌خواهد",
    audience="holder",
    default="دفتر {office}: ناظر شهرداری دربارهٔ گزارش شش‌ماههٔ {period} توضیح خواسته است: {note}",
    fields={
        "office": _OFFICE,
        "period": ("نیم‌سال گزارش", "نیمهٔ دوم ۱۴۰۴"),
        "note": ("آنچه ناظر می‌خواهد توضیح داده شود", "شمار خدمات ماه آذر با صورت‌حساب‌ها نمی‌خواند."),
    },
    required=("note",),
)
