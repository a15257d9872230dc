"""Persian texts of the public figures (issue 21 §5). Tests assert them."""

MUNICIPALITY_NOT_FOUND = "شهرداری پیدا نشد."
DATE_INVALID = "تاریخ را به شکل ۱۴۰۵/۰۸/۱۵، ماه را به شکل ۱۴۰۵/۰۸ یا تاریخ میلادی را به شکل 2026-11-06 بنویسید."
RANGE_REVERSED = "تاریخ آغاز بازه نباید پس از تاریخ پایان آن باشد."
RANGE_TOO_LONG = "بازه نباید بیش از {days} روز باشد."
RANGE_FUTURE = "آغاز بازه نباید در آینده باشد."
FORMAT_INVALID = "قالب خروجی باید json یا csv باشد."
WITHHELD = "کمتر از {minimum}"
