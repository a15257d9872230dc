"""The Persian words of the connector, asserted on by its tests."""

from __future__ import annotations

# what went wrong, as staff read it (PortalMessage.error_code)
ERRORS = {
    "timeout": "درگاه ملی در زمان مقرر پاسخ نداد.",
    "connection": "ارتباط با درگاه ملی برقرار نشد.",
    "server_error": "درگاه ملی با خطای داخلی پاسخ داد.",
    "rejected": "درگاه ملی درخواست را نپذیرفت؛ پشتیبانی فنی باید آن را بررسی کند.",
    "bad_reply": "پاسخ درگاه ملی نامفهوم بود.",
    "unavailable": "درگاه ملی در دسترس نبود.",
}
NOT_TRIED = "هنوز ارسال نشده است."

RETRIED_OK = "پیام به درگاه ملی رسید."
RETRIED_FAILED = "درگاه ملی هنوز پاسخ نمی‌دهد؛ تلاش بعدی خودکار انجام می‌شود."
ALREADY_SENT = "این پیام پیش‌تر به درگاه ملی رسیده است."
NOT_PERMITTED = "شما اجازهٔ دیدن این صفحه را ندارید."
