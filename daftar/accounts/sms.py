"""The SMS of accounts (issue 21 §4), declared once; an administrator may edit each text
(``daftar.notifications.texts``). Sent with ``notify`` from ``services.py``. The one-time codes
(``otp``, ``mobile_change_code``) are sensitive (their text is wiped once sent) and keep their
``{code}``; they and the account's security messages belong to no municipality."""

from __future__ import annotations

from daftar.notifications.texts import define

_CODE = ("رمز یکبار مصرف شش‌رقمی", "۴۸۲۹۱۳")
_MINUTES = ("چند دقیقه رمز معتبر است", "۲")
_ROLE = ("نام نقش", "ناظر")
_MUNICIPALITY = ("نام شهرداری", "شهرداری تهران")

# The outbox's SMS providers send a login code by their own template (kind "otp"): the code is
# read back out of this text, so the text must keep it.
OTP = define(
    "otp",
    title="رمز ورود یکبار مصرف",
    when="وقتی کسی برای ورود به سامانه رمز یکبار مصرف می‌خواهد",
    audience="account",
    default="دفتر: رمز ورود شما {code}\nاین رمز تا {minutes} دقیقه معتبر است. آن را به کسی ندهید.",
    fields={"code": _CODE, "minutes": _MINUTES},
    required=("code",),
)

MOBILE_CHANGE_CODE = define(
    "mobile_change_code",
    title="رمز تأیید شمارهٔ همراه تازه",
    when="وقتی کاربر شمارهٔ همراه حساب خود را تغییر می‌دهد؛ به شمارهٔ تازه",
    audience="account",
    default="دفتر: رمز تأیید شمارهٔ تازهٔ حساب شما {code}\nاین رمز تا {minutes} دقیقه معتبر است. آن را به کسی ندهید.",
    fields={"code": _CODE, "minutes": _MINUTES},
    required=("code",),
)

MOBILE_CHANGED = define(
    "mobile_changed",
    title="تغییر شمارهٔ همراه حساب",
    when="وقتی شمارهٔ همراه حساب تغییر کرد؛ به شمارهٔ پیشین، تا اگر کار صاحب حساب نبوده آگاه شود",
    audience="account",
    default="دفتر: شمارهٔ همراه حساب شما در سامانه تغییر کرد. اگر این کار شما نبوده، به شهرداری اطلاع دهید.",
    fields={},
)

NATIONAL_CODE_RELEASED = define(
    "national_code_released",
    title="برداشته شدن کد ملی از حساب",
    when="وقتی استعلام مالکیت نشان داد کد ملی ثبت‌شده در حساب از آنِ دارندهٔ شمارهٔ آن نیست و کد به حساب دیگری رفت",
    audience="account",
    default=(
        "دفتر: کد ملی از مشخصات حساب شما برداشته شد، چون شمارهٔ همراه این حساب به نام دارندهٔ آن کد ثبت نیست. "
        "اگر آن کد ملی از آنِ شماست، با شماره‌ای که به نام خودتان است وارد شوید یا با پشتیبانی شهرداری تماس بگیرید."
    ),
    fields={},
)

ROLE_GRANTED = define(
    "role_granted",
    title="دادن نقش در شهرداری",
    when="وقتی مدیر سامانهٔ شهرداری نقشی به کسی می‌دهد",
    audience="staff",
    default="نقش «{role}» در {municipality_name} به شما داده شد. برای کار با آن به سامانه وارد شوید.",
    fields={"role": _ROLE, "municipality_name": _MUNICIPALITY},
)

ROLE_REVOKED = define(
    "role_revoked",
    title="برداشتن نقش در شهرداری",
    when="وقتی مدیر سامانهٔ شهرداری نقش کسی را برمی‌دارد",
    audience="staff",
    default="نقش «{role}» شما در {municipality_name} برداشته شد.",
    fields={"role": _ROLE, "municipality_name": _MUNICIPALITY},
)
