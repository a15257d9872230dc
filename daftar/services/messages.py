"""Persian texts of the transactions and daily closings of an office (S18). Tests assert these
constants."""

# --- transactions and closings (S18) ----------------------------------------------------------
SERVICE_NOT_OFFERED = "این دفتر مجاز به ارائهٔ خدمت «{service}» نیست."
NO_TARIFF = "برای خدمت «{service}» در تاریخ {date} تعرفهٔ مصوبی ثبت نشده است؛ تراکنش ثبت نشد."
ABOVE_TARIFF = (
    "مبلغ {amount} ریال از تعرفهٔ مصوب خدمت «{service}» ({tariff} ریال) بیشتر است؛ تراکنش ثبت نشد "
    "و تخلف «دریافت وجه بیش از تعرفه» برای این دفتر در سامانهٔ نظارت ثبت شد."
)
PAYMENT_REF_REQUIRED = "شمارهٔ پیگیری پرداخت را وارد کنید."
PAYMENT_REF_INVALID = "شمارهٔ پیگیری پرداخت فقط می‌تواند رقم، حرف لاتین و - باشد (حداکثر ۶۴ نویسه)."
PAYMENT_REF_USED = "این شمارهٔ پیگیری پیش‌تر برای تراکنش دیگری در این دفتر ثبت شده است."
PERFORMED_IN_FUTURE = "زمان انجام خدمت نمی‌تواند در آینده باشد."
APPOINTMENT_CODE_INVALID = "کد نوبت معتبر نیست."
APPOINTMENT_NOT_MATCHING = (
    "کد نوبت با نوبتی از همین دفتر در روز انجام خدمت مطابقت ندارد؛ کد را بررسی کنید یا آن را خالی بگذارید."
)
PERFORMED_TOO_OLD = "زمان انجام خدمت نمی‌تواند بیش از {days} روز پیش از امروز باشد."
DAY_BEFORE_LAST_CLOSED = "روزهای این دفتر تا {date} بسته شده‌اند؛ ثبت تراکنش در آن روز یا روزهای پیش از آن ممکن نیست."
DAY_CLOSED = "روز {date} بسته شده است و ثبت تراکنش در آن ممکن نیست."
DAY_FUTURE = "روزی را که هنوز نرسیده است نمی‌توان بست."
DAY_ALREADY_CLOSED = "روز {date} پیش‌تر بسته شده است."
PAGE_INVALID = "شمارهٔ صفحه معتبر نیست."

TRANSACTION_SAVED = "تراکنش «{service}» به مبلغ {amount} ریال ثبت شد."
TRANSACTION_SAVED_OUTSIDE = "تراکنش ثبت شد، اما بیرون از ساعات کار مصوب دفتر است و نشان‌دار شد."
TRANSACTION_REPEATED = "این تراکنش پیش‌تر با همین شمارهٔ پیگیری ثبت شده بود."
DAY_CLOSED_DONE = "روز {date} بسته شد: {count} تراکنش، جمع {total} ریال."
