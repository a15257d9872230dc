"""Persian texts of the catalogue, tariffs and revisions (S5, S18, P6), and of the inputs the
offices' books read the same way (amounts, days, services). Tests assert these constants."""

NOT_FOUND = "مورد درخواستی یافت نشد."
NOT_PERMITTED = "شما اجازهٔ انجام این کار را ندارید."

# --- tariffs and revisions (P6) ---------------------------------------------------------------
MUNICIPALITY_REQUIRED = "شهرداری را انتخاب کنید."
MUNICIPALITY_UNKNOWN = "شهرداری پیدا نشد."
SERVICE_REQUIRED = "خدمت را انتخاب کنید."
SERVICE_UNKNOWN = "خدمت انتخاب‌شده در فهرست خدمات نیست."
AMOUNT_INVALID = "مبلغ باید عددی صحیح و مثبت به ریال باشد."
AMOUNT_TOO_LARGE = "مبلغ بیش از حد مجاز ({limit} ریال) است."
DAY_REQUIRED = "روز را وارد کنید."
TARIFF_DATE_PAST = "تاریخ اجرای تعرفه نمی‌تواند پیش از امروز باشد."
TARIFF_TODAY_IN_FORCE = (
    "این خدمت امروز تعرفهٔ جاری دارد و تغییر آن از امروز، تراکنش‌های ثبت‌شدهٔ امروز را نادرست می‌کند؛ "
    "تاریخ اجرای تعرفهٔ تازه باید بعد از امروز باشد."
)
TARIFF_BEFORE_REVISION = (
    "بازنگری تعرفه‌ای از {date} زمان‌بندی شده است که مبلغ‌هایش بر پایهٔ تعرفه‌های پیش از آن حساب شده‌اند؛ "
    "برای تعیین تعرفه در این تاریخ یا پیش از آن، نخست آن بازنگری را لغو کنید."
)
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
