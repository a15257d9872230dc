"""Persian messages of the login and profile flows (asserted on by the tests)."""

# The nationality field (daftar.kernel.fields) says it; the profile flows and their tests use it here.
from daftar.kernel.messages import NATIONALITY_INVALID as NATIONALITY_INVALID

CAPTCHA_WRONG = "عدد امنیتی نادرست یا منقضی شده است؛ تصویر تازه را بخوانید و دوباره وارد کنید."
CAPTCHA_REQUIRED = "عدد امنیتی را وارد کنید."
OTP_SENT = "اگر شماره درست باشد، رمز یکبار مصرف به آن پیامک شد."
OTP_RESEND_WAIT = "برای دریافت رمز تازه {seconds} ثانیه صبر کنید."
OTP_HOURLY_CAP = "در این ساعت بیش از حد مجاز رمز درخواست شده است؛ {seconds} ثانیهٔ دیگر دوباره تلاش کنید."
OTP_DAILY_CAP = "برای این شماره امروز بیش از حد مجاز رمز فرستاده شده است؛ {seconds} ثانیهٔ دیگر دوباره تلاش کنید."
OTP_ADDRESS_CAP = "درخواست‌های این نشانی بیش از حد مجاز است؛ {seconds} ثانیهٔ دیگر دوباره تلاش کنید."
OTP_FORMAT = "رمز یکبار مصرف باید ۶ رقم باشد."
# The one answer to every failed check a stranger could make (issue 17: it must not tell a number
# that has logged in from one never seen, nor a used, expired or dead code from a wrong one).
OTP_WRONG = "رمز یکبار مصرف نادرست است یا دیگر اعتبار ندارد؛ رمز آخرین پیامک را وارد کنید یا رمز تازه بخواهید."
OTP_EXPIRED = "رمز یکبار مصرف منقضی شده است؛ رمز تازه درخواست کنید."
OTP_USED = "این رمز قبلاً به کار رفته است؛ رمز تازه درخواست کنید."
OTP_LOCKED = "به دلیل تلاش‌های نادرست پیاپی این رمز باطل شد؛ رمز تازه درخواست کنید."
OTP_SMS_TEXT = "دفتر: رمز ورود شما {code}\nاین رمز تا {minutes} دقیقه معتبر است. آن را به کسی ندهید."
PERSON_TYPE_INVALID = "نوع شخصیت باید «حقیقی» (natural) یا «حقوقی» (legal) باشد."
NATIONAL_CODE_TAKEN = "این کد ملی برای حساب دیگری ثبت شده است؛ برای پیگیری با پشتیبانی شهرداری تماس بگیرید."
NATIONAL_ID_TAKEN = "این شناسه ملی برای حساب دیگری ثبت شده است؛ برای پیگیری با پشتیبانی شهرداری تماس بگیرید."
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
MOBILE_CHANGE_SMS = (
    "دفتر: رمز تأیید شمارهٔ تازهٔ حساب شما {code}\nاین رمز تا {minutes} دقیقه معتبر است. آن را به کسی ندهید."
)
MOBILE_CHANGED_SMS = "دفتر: شمارهٔ همراه حساب شما در سامانه تغییر کرد. اگر این کار شما نبوده، به شهرداری اطلاع دهید."
MOBILE_CHANGE_CAP = "درخواست رمز تأیید بیش از حد مجاز بوده است؛ {seconds} ثانیه دیگر دوباره تلاش کنید."
