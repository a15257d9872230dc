"""Persian messages of licence verification and the licence lifecycle (S16; asserted by tests)."""

# --- public verification -------------------------------------------------------------------
NOT_FOUND = "مجوزی با این شماره یافت نشد."
VERIFY_THROTTLED = (
    "شمار استعلام‌های شما از این نشانی در یک ساعت از حد مجاز گذشته است؛ {seconds} ثانیهٔ دیگر دوباره بکوشید."
)
NUMBER_REQUIRED = "شمارهٔ مجوز را بنویسید."
STATUS_TEXT = {
    "active": "این مجوز معتبر و فعال است.",
    "suspended": "این مجوز به‌طور موقت تعلیق شده است و دفتر اکنون اجازهٔ فعالیت ندارد.",
    "revoked": "این مجوز لغو شده است و دیگر اعتبار ندارد.",
    "expired": "اعتبار این مجوز به پایان رسیده است.",
}
QR_VALID = (
    "گواهی اصیل است: دادهٔ کد QR با امضای مرجع صدور سازگار است و با سابقهٔ کنونی مجوز می‌خواند. "
    "اعتبار امروز را از وضعیت بالا بخوانید."
)
QR_STALE = "امضای کد QR درست است، اما با سابقهٔ کنونی مجوز نمی‌خواند (گواهی کهنه است)؛ وضعیت کنونی را ملاک بگیرید."
QR_INVALID = "امضای کد QR نامعتبر است؛ این گواهی ممکن است جعلی یا دست‌کاری‌شده باشد."

# --- lifecycle -----------------------------------------------------------------------------
REASON_REQUIRED = "دلیل را بنویسید (دست‌کم ۱۰ نویسه)."
UNTIL_REQUIRED = "پایان تعلیق را به تاریخ شمسی بنویسید، مانند ۱۴۰۵/۰۳/۱۵."
UNTIL_NOT_FUTURE = "پایان تعلیق باید روزی پس از امروز باشد."
ILLEGAL_MOVE = "این کار در وضعیت کنونی مجوز («{status}») ممکن نیست."
UNKNOWN_ACTION = "چنین اقدامی تعریف نشده است. اقدام‌های ممکن: {actions}."
NOT_PERMITTED_READ = "دفتر ثبت مجوزها فقط برای مرجع صدور مجوز، ناظر و مدیر سامانهٔ همان شهرداری است."
NOT_PERMITTED = "فقط مرجع صدور مجوز همین شهرداری می‌تواند وضعیت این مجوز را تغییر دهد."
RENEWAL_OUTSIDE_WINDOW = (
    "تمدید فقط از {opens} تا {closes} ممکن است ({window} روز پیش از پایان اعتبار تا {grace} روز مهلت پس از آن)."
)
RENEWAL_NO_RULES = "شرایط نافذی برای این نوع مجوز در این شهرداری منتشر نشده است؛ تمدید ممکن نیست."
RENEWAL_CONDITIONS_FAILED = "تمدید ممکن نیست؛ با نسخهٔ {version} شرایط: {reasons}."  # P1

# --- what a sanction stops (S16, P5): shown on the office's pages, the booking page, the
# refused transaction and the cancelled booking's SMS ---------------------------------------
SANCTION_CLOSED = {
    "suspended": "تعلیق مجوز دفتر تا پایان {until}",
    "revoked": "لغو مجوز دفتر",
}
SANCTION_NOTICE = {
    "suspended": "مجوز این دفتر تا پایان {until} تعلیق است و دفتر تا آن روز فعالیت نمی‌کند.",
    "revoked": "مجوز این دفتر لغو شده است و دفتر فعالیت نمی‌کند.",
}
SANCTION_NO_BOOKING = {
    "suspended": "مجوز این دفتر تا پایان {until} تعلیق است؛ دفتر تا آن روز نوبت نمی‌دهد.",
    "revoked": "مجوز این دفتر لغو شده است؛ دفتر نوبت نمی‌دهد.",
}
SANCTION_NO_TRANSACTION = {
    "suspended": "مجوز این دفتر تا پایان {until} تعلیق است؛ تا آن روز ثبت خدمت و دریافت وجه ممکن نیست.",
    "revoked": "مجوز این دفتر لغو شده است؛ ثبت خدمت و دریافت وجه ممکن نیست.",
}

# --- the value of ``remaining`` in the expiry reminder (``sms.EXPIRY_REMINDER``) -------------
REMAINING_DAYS = "{days} روز دیگر"
REMAINING_TODAY = "امروز"

# --- event labels (history lists) ----------------------------------------------------------
EVENT_LABELS = {
    "issue": "صدور",
    "suspend": "تعلیق",
    "reinstate": "رفع تعلیق",
    "suspension_end": "پایان خودکار تعلیق",
    "revoke": "لغو",
    "renew": "تمدید",
    "expire": "انقضا",
}
RENEWAL_INQUIRIES_PENDING = (
    "برای تمدید، استعلام‌های تازه از مراجع درخواست شد؛ پس از رسیدن پاسخ‌ها دوباره تمدید را ثبت کنید."
)
RENEWAL_INQUIRY_FAILED = "تمدید ممکن نیست؛ استعلام تازه رد شد: {reasons}"
