"""The SMS of appointments (issue 21 §4), declared once; an administrator may edit each text
(``daftar.notifications.texts``). Sent with ``notify`` from ``services.py`` to the citizen, in the
words of the office's municipality. Dates are Jalali; the booking code stays in Latin letters so
it can be typed back."""

from __future__ import annotations

from daftar.notifications.texts import define

_OFFICE = ("نام دفتر", "دفتر خدمات الکترونیک شهر ونک")
_SERVICE = ("نام خدمت", "استعلام ملک")
_WEEKDAY = ("روز هفتهٔ نوبت", "شنبه")
_DATE = ("تاریخ نوبت", "۱۴۰۵/۰۹/۰۸")
_TIME = ("ساعت نوبت", "۰۸:۳۰")
_CODE = ("کد نوبت", "K7QM-3XPA")

BOOKED = define(
    "appointment_booked",
    title="ثبت نوبت",
    when="وقتی شهروند نوبتی در دفتر می‌گیرد",
    audience="citizen",
    default="دفتر: نوبت شما در «{office}» برای «{service}» در {weekday} {date} ساعت {time} ثبت شد. کد نوبت: {code}",
    fields={"office": _OFFICE, "service": _SERVICE, "weekday": _WEEKDAY, "date": _DATE, "time": _TIME, "code": _CODE},
    required=("code",),
)

CANCELLED = define(
    "appointment_cancelled",
    title="لغو نوبت به خواست شهروند",
    when="وقتی شهروند نوبت خود را لغو می‌کند",
    audience="citizen",
    default="دفتر: نوبت {code} در «{office}» برای {weekday} {date} ساعت {time} لغو شد.",
    fields={"office": _OFFICE, "weekday": _WEEKDAY, "date": _DATE, "time": _TIME, "code": _CODE},
)

CANCELLED_BY_OFFICE = define(
    "appointment_cancelled_by_office",
    title="لغو نوبت از سوی دفتر",
    when="وقتی دفتر در زمان نوبت باز نیست (تغییر ساعات کار، تعطیلی، غیرفعال شدن یا تعلیق دفتر) و نوبت لغو می‌شود",
    audience="citizen",
    default=(
        "دفتر: نوبت {code} شما در «{office}» برای {weekday} {date} ساعت {time} لغو شد، چون دفتر در آن زمان "
        "باز نیست ({reason}). پوزش می‌خواهیم؛ می‌توانید نوبت دیگری بگیرید."
    ),
    fields={
        "office": _OFFICE,
        "weekday": _WEEKDAY,
        "date": _DATE,
        "time": _TIME,
        "code": _CODE,
        "reason": ("چرا دفتر در آن زمان باز نیست", "ساعات کار دفتر تغییر کرده است"),
    },
)

REMINDER = define(
    "appointment_reminder",
    title="یادآوری نوبت فردا",
    when="روز پیش از نوبت، از ساعت تعیین‌شده در تنظیمات (یک بار)",
    audience="citizen",
    default="دفتر: یادآوری نوبت فردا، {weekday} {date} ساعت {time}، در «{office}» برای «{service}». کد نوبت: {code}",
    fields={"office": _OFFICE, "service": _SERVICE, "weekday": _WEEKDAY, "date": _DATE, "time": _TIME, "code": _CODE},
    required=("code",),
)
