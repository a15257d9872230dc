"""Persian texts of appointments (S17 «نوبت‌دهی اینترنتی»): refusals the API and the pages
show. Tests assert these constants. The SMS are declared in ``sms.py``."""

from __future__ import annotations

# --- refusals ---------------------------------------------------------------------------------
NOT_FOUND = "نوبت پیدا نشد."
OFFICE_NOT_FOUND = "دفتر پیدا نشد."
SERVICE_REQUIRED = "خدمت را برگزینید."
SERVICE_NOT_OFFERED = "این خدمت در این دفتر نوبت‌دهی نمی‌شود."
DATE_REQUIRED = "روز نوبت را برگزینید."
DATE_INVALID = "تاریخ نادرست است؛ مثلاً ۱۴۰۵/۰۹/۱۰ بنویسید."
DATE_OUT_OF_RANGE = "نوبت فقط برای امروز تا {days} روز آینده داده می‌شود."
START_REQUIRED = "زمان آغاز نوبت را برگزینید."
START_INVALID = "زمان آغاز نوبت نادرست است؛ مثلاً ۱۴۰۵/۰۹/۱۰ ۰۸:۳۰ بنویسید."
SLOT_UNKNOWN = "این زمان یکی از نوبت‌های قابل رزرو این دفتر برای این خدمت نیست؛ نوبت‌های آزاد را دوباره ببینید."
SLOT_FULL = "همهٔ باجه‌ها در این زمان رزرو شده‌اند؛ زمان دیگری را برگزینید."
ONE_PER_DAY = "شما در این روز در همین دفتر نوبت فعال دارید؛ در هر دفتر روزی یک نوبت می‌توان گرفت."
WEEKLY_LIMIT = "در هر هفته (شنبه تا جمعه) بیش از {limit} نوبت فعال نمی‌توان داشت."
CITIZEN_ONLY = "برای گرفتن نوبت باید با حساب شهروندی خود وارد شوید."
CANCEL_NOT_BOOKED = "این نوبت دیگر فعال نیست و لغو نمی‌شود."
CANCEL_TOO_LATE = "نوبت را تا {minutes} دقیقه پیش از زمان آن می‌توان لغو کرد؛ این مهلت گذشته است."
STATUS_INVALID = "وضعیت باید «حاضر نشد» (no_show) یا «انجام شد» (done) باشد."
STATUS_NOT_BOOKED = "وضعیت این نوبت پیش‌تر ثبت شده است («{status}»)."
NO_SHOW_TOO_EARLY = "«حاضر نشد» را فقط پس از زمان آغاز نوبت می‌توان ثبت کرد."
DONE_TOO_EARLY = "«انجام شد» را از روز نوبت به بعد می‌توان ثبت کرد."
NOT_STAFF = "فقط کارکنان همین دفتر وضعیت نوبت را ثبت می‌کنند."
FORBIDDEN_TITLE = "دسترسی مجاز نیست"

# --- why the office cancelled a booking (the SMS's {reason}; day_hours gives closure reasons) -
REASON_HOURS_CHANGED = "ساعات کار دفتر تغییر کرده است"
REASON_OFFICE_INACTIVE = "دفتر غیرفعال شده است"

# --- page texts -------------------------------------------------------------------------------
BOOKED = "نوبت شما ثبت شد. کد نوبت: {code}"
CANCELLED = "نوبت {code} لغو شد."
MARKED = "وضعیت نوبت {code}: «{status}»."
LOGIN_TO_BOOK = "برای رزرو نوبت وارد شوید."
