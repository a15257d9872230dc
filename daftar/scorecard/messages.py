"""Persian texts of the office scorecard (issue 22 §2). Tests assert these constants."""

NOT_FOUND = "کارنامه‌ای پیدا نشد."
OFFICE_NOT_FOUND = "دفتر پیدا نشد."
NOT_PERMITTED = "کارنامهٔ دفتر را مدیر دفتر، مدیر فنی و کارکنان ناظر شهرداری می‌بینند."
RANKING_NOT_PERMITTED = "رتبه‌بندی دفاتر کار ناظر شهرداری است."
PERIOD_INVALID = "دوره را به شکل «۱۴۰۵-۱» (نیمهٔ نخست ۱۴۰۵) بنویسید."
PERIOD_WRONG_LENGTH = "کارنامهٔ دفاتر این شهرداری {length} حساب می‌شود؛ دوره را به شکل «۱۴۰۵-۱» بنویسید."
PERIOD_LENGTHS = {3: "سه‌ماه به سه‌ماه", 6: "شش‌ماه به شش‌ماه", 12: "سال به سال"}
PERIOD_NOT_ENDED = "این دوره هنوز به پایان نرسیده است؛ کارنامه پس از پایان دوره حساب می‌شود."
PERIOD_NOT_COMPUTED = "کارنامهٔ این دوره هنوز حساب نشده است."
MUNICIPALITY_UNKNOWN = "شهرداری پیدا نشد."
COMPUTED = "کارنامهٔ {period} برای {count} دفتر {municipality} حساب شد."
COMPUTED_VISITS = " برای {visits} دفتر در پایین‌ترین رده، بازدید نظارتی لازم شد."
# who was told: the licence holder, or for an office without a licence its managers; someone
# without a mobile number gets no SMS, and the message says so rather than claim one was sent
COMPUTED_TEXTED_ALL = " به دارندهٔ مجوز (یا مدیران) هر دفتر پیامک شد."
COMPUTED_TEXTED_SOME = " به {texted} دفتر از آن‌ها پیامک شد؛ {untexted} دفتر دارنده یا مدیری با شمارهٔ همراه نداشت."
COMPUTED_TEXTED_NONE = " پیامکی فرستاده نشد: دارنده یا مدیری با شمارهٔ همراه نداشتند."

# the settings (the Django admin's form)
WEIGHT_INVALID = "وزن «{measure}» باید عددی درست از ۰ تا ۱۰۰ باشد."
WEIGHTS_ALL_ZERO = "دست‌کم یکی از سنجه‌ها باید وزنی بیش از صفر داشته باشد."
BANDS_EMPTY = "دست‌کم دو رده لازم است؛ هر رده با کد، عنوان و کمینهٔ امتیاز."
BAND_SHAPE = "ردهٔ {n}: کد (حروف لاتین کوچک)، عنوان فارسی و کمینهٔ امتیاز از ۰ تا ۱۰۰ لازم است."
BAND_CODE_TWICE = "کد رده «{code}» دو بار آمده است."
BANDS_ORDER = "کمینهٔ امتیاز رده‌ها باید از بالا به پایین کم شود (هر رده کمتر از ردهٔ بالاتر)."
BANDS_LAST_ZERO = "کمینهٔ پایین‌ترین رده باید ۰ باشد تا هر دفتری رده‌ای داشته باشد."
PERIOD_MONTHS_INVALID = "طول دوره باید ۳، ۶ یا ۱۲ ماه باشد."
NOTICE_DAYS_INVALID = "روزهای اعلام پیش از تعطیلی باید عددی از ۰ تا ۳۰ باشد."
POINTS_INVALID = "امتیاز کسرشده برای هر تخلف باید عددی از ۰ تا ۱۰۰ باشد."

# why a measure has no figure
NO_DATA = "دادهٔ کافی نیست؛ این سنجه در امتیاز کل نیامد و وزنش میان سنجه‌های دیگر پخش شد."
OFF = "شهرداری این سنجه را خاموش کرده است (وزن صفر)."
