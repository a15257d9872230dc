"""Persian texts of an office's books (S18): transactions, daily closings, costs and the Jalali
months they are kept by. Tests assert these constants."""

# --- transactions and closings (S18) ----------------------------------------------------------
SERVICE_NOT_OFFERED = "این دفتر مجاز به ارائهٔ خدمت «{service}» نیست."
NO_TARIFF = "برای خدمت «{service}» در تاریخ {date} تعرفهٔ مصوبی ثبت نشده است؛ تراکنش ثبت نشد."
ABOVE_TARIFF = (
    "مبلغ {amount} ریال از تعرفهٔ مصوب خدمت «{service}» ({tariff} ریال) بیشتر است؛ تراکنش ثبت نشد "
    "و تخلف «دریافت وجه بیش از تعرفه» برای این دفتر در سامانهٔ نظارت ثبت شد."
)
OUTSIDE_HOURS_DESCRIPTION = (
    "ثبت خدمت «{service}» در ساعت {time} روز {date} در دفتر «{office}»، خارج از ساعات مصوب آن روز ({hours})."
)
NO_HOURS_THAT_DAY = "دفتر در این روز ساعت کار مصوب نداشت"
PAYMENT_REF_REQUIRED = "شمارهٔ پیگیری پرداخت را وارد کنید."
PAYMENT_REF_INVALID = "شمارهٔ پیگیری پرداخت فقط می‌تواند رقم، حرف لاتین و - باشد (حداکثر ۶۴ نویسه)."
PAYMENT_REF_USED = "این شمارهٔ پیگیری پیش‌تر برای تراکنش دیگری در این دفتر ثبت شده است."
PERFORMED_IN_FUTURE = "زمان انجام خدمت نمی‌تواند در آینده باشد."
CITIZEN_MOBILE_INVALID = (
    "شمارهٔ همراه شهروند معتبر نیست؛ آن را مانند ۰۹۱۲۱۲۳۴۵۶۷ بنویسید یا برای نفرستادن پیامک نظرسنجی خالی بگذارید."
)
APPOINTMENT_CODE_INVALID = "کد نوبت معتبر نیست."
AMOUNT_TARIFF_HELP = "تعرفهٔ امروز: {amount} ریال؛ بیش از آن پذیرفته نمی‌شود."
AMOUNT_NO_TARIFF_HELP = "برای این خدمت تعرفه‌ای ثبت نشده است."
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

# --- costs ---------------------------------------------------------------------------------
MONTH_INVALID = "ماه را به شکل سال/ماه شمسی بنویسید، مثلاً ۱۴۰۵/۰۸."
MONTH_IN_FUTURE = "هزینهٔ ماه‌های آینده را نمی‌توان ثبت کرد."
MONTH_TOO_OLD = "ماه {month} بسته شده است؛ فقط هزینهٔ ماه جاری و ماه گذشته ثبت یا حذف می‌شود."
CATEGORY_INVALID = "دستهٔ هزینه باید یکی از حقوق کارکنان، اجاره، تجهیزات یا سایر باشد."
COST_AMOUNT_INVALID = "مبلغ را به ریال و به صورت عدد صحیح بزرگ‌تر از صفر بنویسید."
COST_AMOUNT_TOO_LARGE = "مبلغ بیش از حد بزرگ است."
NOTE_TOO_LONG = "شرح حداکثر ۲۰۰ نویسه است."
COST_NOT_FOUND = "هزینه پیدا نشد."
COST_LOCKED = "هزینهٔ ماه {month} بسته شده است و حذف نمی‌شود؛ فقط هزینه‌های ماه جاری و ماه گذشته حذف می‌شوند."
COST_ADDED = "هزینهٔ «{category}» ماه {month} به مبلغ {amount} ریال ثبت شد."
COST_DELETED = "هزینه حذف شد."

# --- months and ranges (months.py) ------------------------------------------------------------
RANGE_INVALID = "بازه را با تاریخ یا ماه شمسی بنویسید، مثلاً ۱۴۰۵/۰۳ تا ۱۴۰۵/۰۸."
RANGE_REVERSED = "آغاز بازه پس از پایان آن است."
RANGE_TOO_LONG = "بازهٔ گزارش حداکثر {months} ماه است."
