"""The inquiries' SMS to the applicant, declared once (issue 21 §4); a municipality's
administrator may reword it. It is sent as sensitive (its text is blanked once sent): it says
which check failed. The reason is never a field (a criminal record or an addiction test is not
for a text message): the applicant reads it on the case page."""

from __future__ import annotations

from daftar.notifications.texts import define

FAILED = define(
    "inquiry_failed",
    title="تأییدنشدن استعلام",
    when="وقتی پاسخ استعلام از یک مرجع بیرونی (هویت، سوء پیشینه، اعتیاد، سلامت، مدرک تحصیلی) منفی است",
    audience="applicant",
    default="{label} پروندهٔ {code} تأیید نشد. دلیل را در صفحهٔ پرونده ببینید.",
    fields={
        "label": ("عنوان استعلام", "استعلام سوء پیشینهٔ کیفری"),
        "code": ("کد رهگیری پرونده", "AB2C-DE4F-9H"),
        "municipality_name": ("نام شهرداری پرونده", "شهرداری تهران"),
    },
)
