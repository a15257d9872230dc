"""Persian messages for refused document uploads, held once so that code and tests share them."""

EMPTY = "فایل خالی است؛ فایل درست را دوباره بفرستید."
TOO_LARGE = "حجم فایل بیش از {limit} مگابایت است؛ فایل کم‌حجم‌تری بفرستید."
UNSUPPORTED_TYPE = "نوع فایل پذیرفته نیست؛ فقط این نوع‌ها پذیرفته می‌شود: {kinds}."
CORRUPT = "فایل خراب است یا خوانده نمی‌شود؛ آن را دوباره ذخیره کنید و بفرستید."
TOO_MANY_PIXELS = "ابعاد تصویر بیش از {limit} مگاپیکسل است؛ تصویر را کوچک‌تر کنید و دوباره بفرستید."
PDF_ENCRYPTED = "فایل PDF رمزدار است؛ نسخهٔ بدون رمز آن را بفرستید."
PDF_ACTIVE_CONTENT = "فایل PDF اسکریپت، فرمان اجرایی یا فایل پیوست دارد و پذیرفته نمی‌شود."
PDF_TOO_MANY_PAGES = "فایل PDF بیش از {limit} صفحه دارد؛ فایل کوتاه‌تری بفرستید."

KIND_SEPARATOR = "، "
UNNAMED = "فایل"

# Upload and review of a case's documents
TYPE_UNKNOWN = "این نوع مدرک برای این مجوز تعریف نشده یا در این مرحله بارگذاری نمی‌شود."
FILE_REQUIRED = "فایل را برگزینید."
NOT_UPLOADABLE = "در وضعیت کنونی پرونده («{status}») بارگذاری مدرک ممکن نیست."
ALREADY_ACCEPTED = "این مدرک پذیرفته شده است و جایگزینی آن لازم نیست."
REVIEW_NOT_NOW = "بررسی مدارک فقط در مرحلهٔ «بررسی مدارک» ممکن است؛ وضعیت کنونی: «{status}»."
REVIEW_NOT_CURRENT = "این نسخهٔ مدرک جایگزین شده است؛ نسخهٔ جاری را بررسی کنید."
DECISION_INVALID = "تصمیم باید accept (پذیرش) یا reject (رد) باشد."
REJECT_REASON_REQUIRED = "برای رد مدرک دلیل را بنویسید (دست‌کم ۵ نویسه) تا متقاضی بداند چه چیزی را اصلاح کند."
NOT_REVIEWER = "بررسی مدارک کار کارشناس بررسی مدارک همین شهرداری است."
NOT_OWNER = "مدارک پرونده را فقط خود متقاضی بارگذاری می‌کند."

# Uploads per person (issue 17): a limit on how many files one account sends in an hour
UPLOAD_THROTTLED = "بارگذاری‌های شما در یک ساعت گذشته از حد مجاز بیشتر شده است؛ {wait} دیگر دوباره بفرستید."
PDF_TOO_COMPLEX = (
    "ساختار فایل PDF بیش از حد پیچیده یا نادرست است؛ آن را با «چاپ به PDF» یا اسکن دوباره بسازید و بفرستید."
)
