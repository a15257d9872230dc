"""Every SMS the complaints app sends (issue 21 §4), declared once: its key (the outbox's kind),
a Persian title and "when" for the administrator, the default text and the fields an edited text
may use. Sent with ``daftar.notifications.services.notify`` to the complainant, with the
complaint's municipality, whose administrator may have edited the text."""

from __future__ import annotations

from daftar.notifications.texts import define

CODE = ("کد پیگیری شکایت", "SHK-1405-000042")

RECEIVED = define(
    "complaint_received",
    title="ثبت شکایت",
    when="وقتی شهروند شکایتی دربارهٔ پرونده‌اش یا یک دفتر ثبت می‌کند",
    audience="citizen",
    default="شکایت شما با کد پیگیری {code} ثبت شد. پاسخ تا {due} داده می‌شود.",
    fields={"code": CODE, "due": ("مهلت پاسخ شهرداری (تاریخ شمسی)", "۱۴۰۵/۰۳/۲۵")},
    required=("code",),
)
ANSWERED = define(
    "complaint_answered",
    title="پاسخ به شکایت",
    when="وقتی ناظر شهرداری به شکایت پاسخ مستدل می‌دهد",
    audience="citizen",
    default="به شکایت {code} پاسخ داده شد: {decision}. متن پاسخ را در صفحهٔ پیگیری ببینید.",
    fields={"code": CODE, "decision": ("نتیجهٔ رسیدگی", "وارد است")},
    required=("code",),
)

DUE_FIELDS = {
    "code": CODE,
    "ground": ("زمینهٔ شکایت", "دریافت مبلغ بیش از تعرفه"),
    "about": ("پرونده یا دفتری که شکایت دربارهٔ آن است", "دفتر خدمات الکترونیک شهر منطقهٔ ۶"),
    "due": ("مهلت پاسخ (تاریخ و ساعت شمسی)", "۱۴۰۵/۰۳/۲۵ ساعت ۱۴:۰۰"),
}
DUE_REMINDER = define(
    "complaint_due_reminder",
    title="یادآوری مهلت پاسخ به شکایت",
    when="پیش از پایان مهلت پاسخ به شکایتی که هنوز پاسخ نگرفته، به ناظران شهرداری",
    audience="staff",
    default="یادآوری: مهلت پاسخ به شکایت {code} ({ground}، {about}) تا {due} است.",
    fields=DUE_FIELDS,
    required=("code",),
)
OVERDUE = define(
    "complaint_overdue",
    title="گذشتن مهلت پاسخ به شکایت",
    when="وقتی مهلت پاسخ به شکایتی می‌گذرد و پاسخی داده نشده، به ناظران شهرداری",
    audience="staff",
    default="مهلت پاسخ به شکایت {code} ({ground}، {about}) در {due} گذشت و شکایت هنوز بی‌پاسخ است.",
    fields=DUE_FIELDS,
    required=("code",),
)
