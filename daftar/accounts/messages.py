"""Persian messages of the login and profile flows (asserted on by the tests); the SMS are
declared in ``sms.py``."""

# The nationality field (daftar.kernel.fields) says it; the profile flows and their tests use it here.
from daftar.kernel.messages import NATIONALITY_INVALID as NATIONALITY_INVALID

from . import sms as _sms

CAPTCHA_WRONG = "عدد امنیتی نادرست یا منقضی شده است؛ تصویر تازه را بخوانید و دوباره وارد کنید."
CAPTCHA_REQUIRED = "عدد امنیتی را وارد کنید."
CAPTCHA_THROTTLED = "از این نشانی تصویر امنیتی زیادی خواسته شده است؛ {wait} دیگر دوباره تلاش کنید."
CHALLENGE_REQUIRED = (
    "درخواست‌های زیادی از این نشانی اینترنتی رسیده است؛ برای ادامه، مرورگر یا برنامهٔ شما باید"
    " یک بررسی خودکار کوتاه را هم انجام دهد. چند ثانیه صبر کنید و دوباره بفرستید."
)
CHALLENGE_WORKING = "مرورگر شما در حال انجام یک بررسی خودکار کوتاه است؛ چند ثانیه صبر کنید."
CHALLENGE_DONE = "بررسی خودکار انجام شد؛ اکنون می‌توانید درخواست را بفرستید."
OTP_SENT = "اگر شماره درست باشد، رمز یکبار مصرف به آن پیامک شد."
OTP_RESEND_WAIT = "رمز تازه را {wait} دیگر می‌توانید درخواست کنید."
OTP_HOURLY_CAP = "در این ساعت بیش از حد مجاز رمز درخواست شده است؛ {wait} دیگر دوباره تلاش کنید."
OTP_DAILY_CAP = "برای این شماره امروز بیش از حد مجاز رمز فرستاده شده است؛ {wait} دیگر دوباره تلاش کنید."
OTP_ADDRESS_CAP = "درخواست‌های این نشانی بیش از حد مجاز است؛ {wait} دیگر دوباره تلاش کنید."
OTP_FORMAT = "رمز یکبار مصرف باید ۶ رقم باشد."
# The one answer to every failed check a stranger could make (issue 17: it must not tell a number
# that has logged in from one never seen, nor a used, expired or dead code from a wrong one).
OTP_WRONG = "رمز یکبار مصرف نادرست است یا دیگر اعتبار ندارد؛ رمز آخرین پیامک را وارد کنید یا رمز تازه بخواهید."
OTP_EXPIRED = "رمز یکبار مصرف منقضی شده است؛ رمز تازه درخواست کنید."
OTP_USED = "این رمز قبلاً به کار رفته است؛ رمز تازه درخواست کنید."
OTP_LOCKED = "به دلیل تلاش‌های نادرست پیاپی این رمز باطل شد؛ رمز تازه درخواست کنید."
# The login code's SMS is declared in sms.py (``OTP``); this name is its default text, kept for the
# outbox's provider tests, which build a login-code SMS from it.
OTP_SMS_TEXT = _sms.OTP.default
PERSON_TYPE_INVALID = "نوع شخصیت باید «حقیقی» (natural) یا «حقوقی» (legal) باشد."
NATIONAL_ID_TAKEN = "این شناسه ملی برای حساب دیگری ثبت شده است؛ برای پیگیری با پشتیبانی شهرداری تماس بگیرید."
# The mobile-ownership inquiry (S15.3; decision 0030). A refusal speaks only of the person's own
# number: it reads the same whether or not the code is on another account.
OWNERSHIP_NOT_PROVEN = (
    "استعلام مالکیت نشان داد این شمارهٔ همراه به نام دارندهٔ این کد ملی ثبت نیست؛ مشخصات ذخیره نشد. "
    "کد ملی خودتان را وارد کنید، یا با شماره‌ای که به نام خودتان ثبت است وارد سامانه شوید."
)
OWNERSHIP_UNAVAILABLE = (
    "سامانهٔ استعلام مالکیت شمارهٔ همراه اکنون پاسخ نمی‌دهد؛ چیزی ذخیره نشد. {wait} دیگر دوباره تلاش کنید."
)
OWNERSHIP_CAP = "امروز بیش از حد مجاز کد ملی برای استعلام فرستاده‌اید؛ {hours} ساعت دیگر دوباره تلاش کنید."
OWNERSHIP_RACE = "هم‌زمان تغییری در ثبت این کد ملی رخ داد؛ چند ثانیهٔ دیگر دوباره ذخیره کنید."
# Only a person the inquiry has just proven to own the code reads this (both numbers are theirs).
NATIONAL_CODE_ON_OWN_ACCOUNT = (
    "این کد ملی در حساب دیگری ثبت است که شمارهٔ همراه آن هم به نام شماست. با همان شماره وارد شوید، "
    "یا برای یکی کردن حساب‌ها با پشتیبانی شهرداری تماس بگیرید."
)
OWNERSHIP_VERIFIED = "کد ملی با استعلام مالکیت شمارهٔ همراه تأیید شده است ({date})."
OWNERSHIP_UNVERIFIED = "این کد ملی هنوز با استعلام مالکیت شمارهٔ همراه تأیید نشده است؛ با ذخیرهٔ همین فرم استعلام می‌شود."
OWNERSHIP_HELP = "کد ملی کسی که این شمارهٔ همراه به نام اوست؛ هنگام ذخیره از سامانهٔ ملی استعلام می‌شود."
NATIONAL_CODE_FOR_NATURAL = "کد ملی فقط برای اشخاص حقیقی ایرانی ثبت می‌شود."
NATIONAL_ID_FOR_LEGAL = "شناسه ملی فقط برای اشخاص حقوقی ثبت می‌شود."
BIRTH_DATE_RANGE = "تاریخ تولد باید در گذشته و پس از ۱۲۸۰ شمسی باشد."
NAME_TOO_LONG = "نام بیش از حد طولانی است."
ROLE_NEEDS_MUNICIPALITY = "برای این نقش شهرداری را مشخص کنید."
PROFILE_SAVED = "مشخصات شما ذخیره شد."
LOGGED_OUT = "از سامانه خارج شدید."
FIELD_NOT_EDITABLE = "این فیلد ناشناخته است یا از این راه تغییر نمی‌کند."

# Sessions and the mobile number (issue 8, docs/security.md)
SESSION_ENDED = "نشست شما به پایان رسیده است؛ برای ادامه دوباره وارد شوید."
REAUTH_NEEDED = "برای تغییر شمارهٔ همراه، دوباره با رمز یکبار مصرف شمارهٔ فعلی خود وارد شوید."
MOBILE_SAME = "این شماره همان شمارهٔ فعلی حساب شماست."
MOBILE_CODE_SENT = "رمز تأیید به شمارهٔ تازه فرستاده شد."
MOBILE_NO_PENDING = "ابتدا شمارهٔ تازه را وارد کنید تا رمز تأیید فرستاده شود."
MOBILE_TAKEN = "این شماره به حساب دیگری متصل است؛ نمی‌توان آن را به این حساب داد."
MOBILE_CHANGED = "شمارهٔ همراه حساب شما تغییر کرد. از این پس با شمارهٔ تازه وارد شوید."
MOBILE_CHANGE_CAP = "درخواست رمز تأیید بیش از حد مجاز بوده است؛ {wait} دیگر دوباره تلاش کنید."

# --- the municipality's staff roles (issue 18 §3) ----------------------------------------------
ROLE_MOBILE_INVALID = "شمارهٔ همراه نادرست است؛ آن را مانند ۰۹۱۲۳۴۵۶۷۸۹ بنویسید."
ROLE_NOT_GRANTABLE = "این نقش را مدیر سامانهٔ شهرداری نمی‌دهد؛ نقش‌های دفتر را مدیر همان دفتر می‌دهد."
ROLE_SELF = "به خودتان نمی‌توانید نقش بدهید."
ROLE_HELD = "این شخص هم‌اکنون همین نقش را در این شهرداری دارد."
ROLE_LAST_ADMIN = "آخرین مدیر سامانهٔ شهرداری را نمی‌توان برداشت؛ نخست این نقش را به شخص دیگری بدهید."
