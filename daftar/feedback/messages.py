"""Persian texts of citizens' feedback (issue 22 §1). Tests assert these constants."""

LINK_UNKNOWN = "این پیوند نظرسنجی معتبر نیست یا مهلت آن گذشته است."
ALREADY_RATED = "نظر شما دربارهٔ این خدمت پیش‌تر ثبت شده است؛ هر پیوند یک بار به کار می‌رود."
RATING_REQUIRED = "امتیازی از ۱ تا ۵ انتخاب کنید."
RATING_INVALID = "امتیاز باید عددی از ۱ تا ۵ باشد."
COMMENT_TOO_LONG = "توضیح شما حداکثر می‌تواند {max} نویسه باشد."
THANKS = "سپاس از نظر شما. امتیاز شما ثبت شد."
THANKS_HELD = "سپاس از نظر شما. امتیاز شما ثبت شد؛ توضیحتان پیش از نمایش به دفتر به بازبینی ناظر شهرداری سپرده شد."
NOT_FOUND = "نظر پیدا نشد."
NOT_PERMITTED = "بازبینی نظرها کار ناظر شهرداری است."
ILLEGAL = "این نظر در وضعیت «{status}» است و این کار روی آن ممکن نیست."
MODERATION_UNKNOWN = "کار خواسته‌شده شناخته نیست؛ «انتشار» یا «پنهان ماندن» را انتخاب کنید."
PUBLISHED = "نظر منتشر شد و دفتر آن را می‌بیند."
HIDDEN = "نظر پنهان ماند؛ امتیازش در میانگین دفتر می‌ماند."

# why a comment was held for the supervisor (``moderation.reasons``)
REASON_ABUSE = "واژهٔ توهین‌آمیز"
REASON_PHONE = "شمارهٔ تلفن یا کد ملی"
REASON_LINK = "پیوند یا نشانی اینترنتی"

RATING_LABELS = {1: "خیلی بد", 2: "بد", 3: "متوسط", 4: "خوب", 5: "عالی"}
