"""Persian texts of the catalogue, tariffs, revisions, transactions and daily closings (S5, S18,
P6). Tests assert these constants."""

NOT_FOUND = "مورد درخواستی یافت نشد."
NOT_PERMITTED = "شما اجازهٔ انجام این کار را ندارید."

# --- tariffs and revisions (P6) ---------------------------------------------------------------
MUNICIPALITY_REQUIRED = "شهرداری را انتخاب کنید."
MUNICIPALITY_UNKNOWN = "شهرداری پیدا نشد."
SERVICE_UNKNOWN = "خدمت انتخاب‌شده در فهرست خدمات نیست."
AMOUNT_INVALID = "مبلغ باید عددی صحیح و مثبت به ریال باشد."
AMOUNT_TOO_LARGE = "مبلغ بیش از حد مجاز ({limit} ریال) است."
TARIFF_DATE_PAST = "تاریخ اجرای تعرفه نمی‌تواند پیش از امروز باشد."
TARIFF_IN_FORCE_LOCKED = "این تعرفه اجرا شده است و دیگر قابل تغییر یا حذف نیست."
TARIFF_OF_REVISION = "این تعرفه بخشی از یک بازنگری است؛ برای تغییر آن، بازنگری را لغو کنید."
TARIFF_DAY_TAKEN_BY_REVISION = (
    "برای این تاریخ بازنگری تعرفه زمان‌بندی شده است؛ برای تعیین دستی تعرفه، نخست بازنگری را لغو کنید."
)
TARIFF_DAY_TAKEN = "برای این خدمت در همین تاریخ تعرفهٔ دیگری ثبت شده است؛ همان را ویرایش کنید."
PERCENT_INVALID = "درصد تغییر باید عددی بین ۵۰- و ۲۰۰ باشد."
STEP_INVALID = "گام گرد کردن باید عددی صحیح، دست‌کم ۱ ریال و حداکثر {limit} ریال باشد."
REVISION_DATE_NOT_FUTURE = "تاریخ اجرای بازنگری باید بعد از امروز باشد."
REVISION_SAME_DAY = "برای این تاریخ پیش‌تر بازنگری دیگری زمان‌بندی شده است."
REVISION_NOTHING = "هیچ خدمتی تعرفهٔ جاری ندارد؛ بازنگری چیزی را تغییر نمی‌دهد."
REVISION_TOO_LARGE = "تعرفهٔ جدید «{service}» از سقف مجاز ({limit} ریال) بیشتر می‌شود."
REVISION_NOT_CANCELLABLE = "این بازنگری لغو شده یا تاریخ اجرای آن رسیده است و دیگر قابل لغو نیست."
SKIP_NO_TARIFF = "تعرفهٔ جاری ندارد"
SKIP_SET_BY_HAND = "برای همین تاریخ تعرفهٔ جداگانه تعیین شده است"

TARIFF_SAVED = "تعرفهٔ «{service}» از {date} به مبلغ {amount} ریال ثبت شد."
REVISION_SCHEDULED = "بازنگری {percent}٪ از {date} زمان‌بندی شد ({count} خدمت)."
REVISION_CANCELLED = "بازنگری از {date} لغو شد."

# --- transactions and closings (S18) ----------------------------------------------------------
SERVICE_REQUIRED = "خدمت را انتخاب کنید."
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
DAY_CLOSED = "روز {date} بسته شده است و ثبت تراکنش در آن ممکن نیست."
DAY_FUTURE = "روزی را که هنوز نرسیده است نمی‌توان بست."
DAY_ALREADY_CLOSED = "روز {date} پیش‌تر بسته شده است."
DAY_REQUIRED = "روز را وارد کنید."
PAGE_INVALID = "شمارهٔ صفحه معتبر نیست."

TRANSACTION_SAVED = "تراکنش «{service}» به مبلغ {amount} ریال ثبت شد."
TRANSACTION_SAVED_OUTSIDE = "تراکنش ثبت شد، اما بیرون از ساعات کار مصوب دفتر است و نشان‌دار شد."
TRANSACTION_REPEATED = "این تراکنش پیش‌تر با همین شمارهٔ پیگیری ثبت شده بود."
DAY_CLOSED_DONE = "روز {date} بسته شد: {count} تراکنش، جمع {total} ریال."
