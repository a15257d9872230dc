"""Persian messages of the inquiries (asserted on by the tests).

``{label}`` is the kind's Persian label (``Kind``), which already begins with «استعلام».
"""

# What the simulator answers (shown to staff and the applicant as the inquiry's reason).
SIM_PASSED = "مورد تأیید است."
SIM_BAD_CODE = "کد ملی در سامانه یافت نشد."
SIM_NO_BIRTH_DATE = "تاریخ تولد با کد ملی تطبیق داده نشد؛ تاریخ تولد ثبت نشده است."
SIM_OWNER = "شمارهٔ همراه به نام دارندهٔ این کد ملی ثبت است."
SIM_NOT_OWNER = "شمارهٔ همراه به نام دارندهٔ این کد ملی ثبت نیست."
SIM_FAILED = {
    "criminal_record": "سابقهٔ کیفری مؤثر ثبت شده است.",
    "addiction": "گواهی عدم اعتیاد صادر نشد؛ آزمایش مثبت بوده است.",
    "health": "گواهی سلامت صادر نشد.",
    "degree": "مدرک تحصیلی در سامانهٔ وزارت علوم یافت نشد.",
}

# Why an inquiry could not be made.
CIRCUIT_OPEN = "سامانهٔ «{label}» موقتاً در دسترس نیست؛ پس از مدتی دوباره تلاش می‌شود."
GAVE_UP = "سامانهٔ «{label}» پاسخ نداد؛ کارشناس می‌تواند دوباره درخواست کند."

# What blocks approval of a case.
BLOCKER_FAILED = "{label} رد شد: {reason}"
BLOCKER_UNANSWERED = "{label} هنوز پاسخ نگرفته است."

# Staff asking again.
RETRY_NOT_ERROR = "تنها استعلامی را که پاسخ نگرفته است می‌توان دوباره درخواست کرد."
NOT_PERMITTED = "درخواست دوبارهٔ استعلام با کارشناس بررسی یا مرجع صدور مجوز همین شهرداری است."

# In the SMS to the applicant (sms.py) for a case without a tracking code yet.
NO_CODE_YET = "پیش‌نویس"
