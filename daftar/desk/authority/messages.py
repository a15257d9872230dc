"""Persian texts of the licensing authority's pages (asserted on by their tests). The refusals
of the services come with their own messages (``daftar.licences.messages``,
``daftar.supervision.messages``)."""

NOT_AUTHORITY = "این صفحه برای مرجع صدور مجوز شهرداری است."
NOT_REGISTER_READER = "دفتر ثبت مجوزها فقط برای مرجع صدور مجوز، ناظر و مدیر سامانهٔ شهرداری است."
FILTER_INVALID = "پالایه‌ها نادرست است؛ آن‌ها را دوباره برگزینید."
EXPIRING_INVALID = "شمار روزها باید عددی از ۱ تا ۳۶۵۰ باشد."
ACTION_UNKNOWN = "چنین اقدامی برای مجوز تعریف نشده است."
ACTION_NOT_NOW = "این اقدام در وضعیت کنونی مجوز («{status}») ممکن نیست."
UNTIL_REQUIRED = "پایان تعلیق را به تاریخ شمسی بنویسید یا از تقویم برگزینید."

# what was done (the message after the move)
DONE = {
    "suspend": "مجوز {number} تا پایان {until} تعلیق شد؛ {cancelled} نوبت لغو و به شهروندان پیامک شد.",
    "reinstate": "تعلیق مجوز {number} برداشته شد؛ دفتر دوباره نوبت می‌پذیرد.",
    "revoke": "مجوز {number} لغو شد؛ {cancelled} نوبت لغو و به شهروندان پیامک شد.",
    "renew": "مجوز {number} تمدید شد و تا {valid_until} معتبر است.",
}
DECIDED = "تصمیم «{outcome}» دربارهٔ مجوز {number} ثبت شد و به دارندهٔ مجوز پیامک شد."

# the kinds of waiting work in the decisions queue
KINDS = {
    "approve": "تأیید نهایی",
    "issue": "صدور مجوز",
    "renew": "تمدید مجوز",
}

# the confirmation: what the move will do, in numbers
STOPS_SUSPEND = "از امروز تا پایان {until} دفتر «{office}» نوبت نمی‌پذیرد و ثبت خدمت و دریافت وجه در آن ممکن نیست."
STOPS_REVOKE = "از امروز دفتر «{office}» برای همیشه نوبت نمی‌پذیرد و ثبت خدمت و دریافت وجه در آن ممکن نیست."
FINAL = "لغو مجوز برگشت‌پذیر نیست؛ دفتر برای ادامهٔ کار باید از نو مجوز بگیرد."
BOOKINGS_CANCELLED = "{count} نوبت آینده در این روزها لغو می‌شود و به هر شهروند پیامک می‌رود."
NO_BOOKINGS = "در این روزها نوبتی برای دفتر ثبت نشده است؛ نوبتی لغو نمی‌شود."
NO_OFFICE = "برای این مجوز دفتری در سامانه ثبت نشده است؛ نوبتی لغو نمی‌شود."
REGISTRY_MARKED = "در فهرست عمومی دفاتر، دفتر با نشان «تعلیق» دیده می‌شود و نوبت‌گیری آن بسته است."
REGISTRY_REMOVED = "دفتر از فهرست عمومی دفاتر برداشته می‌شود و در استعلام اصالت، مجوز «لغوشده» خوانده می‌شود."
SUSPENSION_ENDS = "پس از پایان {until} تعلیق خودبه‌خود برداشته می‌شود."
REOPENS = "تعلیق از امروز برداشته می‌شود: دفتر «{office}» دوباره نوبت می‌پذیرد و ثبت خدمت در آن ممکن است."
NOT_RESTORED = "نوبت‌هایی که با تعلیق لغو شده‌اند بازنمی‌گردند؛ شهروندان می‌توانند دوباره نوبت بگیرند."
VALID_UNTIL = "مجوز تا {valid_until} معتبر است."
RENEWS = "اعتبار مجوز از {old} به {new} ({years} سال دیگر) می‌رسد و گواهی مجوز دوباره امضا می‌شود."
RENEW_CHECKS = (
    "پیش از تمدید، پرونده با شرایط نافذ امروز سنجیده می‌شود و استعلام‌هایی که کهنه شده‌اند دوباره فرستاده می‌شوند."
)
WARNING = "به دفتر «{office}» تذکر داده می‌شود؛ مجوز، نوبت‌ها و کار دفتر دست نمی‌خورند."
VIOLATIONS_DECIDED = "{count} تخلف استنادشدهٔ این اخطاریه رسیدگی‌شده ثبت می‌شود."
HOLDER_SMS = "به دارندهٔ مجوز ({holder}) پیامک می‌رود."

# the notice's state
DECIDABLE_RESPONDED = "دفتر در {at} پاسخ داده است؛ اکنون می‌توان تصمیم گرفت."
DECIDABLE_LAPSED = "مهلت پاسخ دفتر در {due} گذشت و پاسخی نرسید؛ اکنون می‌توان تصمیم گرفت."
NOT_YET = "مهلت پاسخ دفتر تا {due} است؛ پیش از آن، بدون پاسخ دفتر، نمی‌توان تصمیم گرفت."
NO_RESPONSE_YET = "دفتر هنوز پاسخی نداده است؛ مهلت پاسخ تا {due} است."
NO_RESPONSE = "دفتر تا پایان مهلت پاسخ ({due}) پاسخی نداد."
LADDER_STEP = "پلهٔ {ordinal} نردبان انضباطی: {outcome}"
SUSPENSION_DAYS = "{outcome} {days} روزه"
ORDINALS = ["اول", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم", "دهم"]
