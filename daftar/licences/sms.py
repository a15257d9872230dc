"""Every SMS the licences app sends (issue 21 §4), declared once: its key (the outbox's kind),
a Persian title and "when" for the administrator, the default text and the fields an edited text
may use. Sent with ``daftar.notifications.services.notify`` to the holder (and, for the renewal
reminders, the active managers of the licence's office) with the licence's municipality, whose
administrator may have edited the text.

The moves' texts keep the kinds the outbox has always had: ``licence_<move>``.
"""

from __future__ import annotations

from daftar.notifications.texts import Text, define

# the fields every licence text may use
OFFICE = ("نام دفتر در مجوز", "دفتر خدمات الکترونیک شهر — منطقهٔ ۶")
NUMBER = ("شمارهٔ مجوز", "TEH-1405-000042")
VALID_UNTIL = ("پایان اعتبار مجوز (تاریخ شمسی)", "۱۴۰۸/۰۳/۱۵")
COMMON = {"office": OFFICE, "number": NUMBER, "valid_until": VALID_UNTIL}
REASON = ("دلیلی که مرجع صدور مجوز نوشته است", "دریافت وجه بیش از تعرفهٔ مصوب")
OPENS = ("نخستین روز تمدید (تاریخ شمسی)", "۱۴۰۸/۰۱/۱۵")
CLOSES = ("آخرین روز تمدید، پایان مهلت پس از اعتبار (تاریخ شمسی)", "۱۴۰۸/۰۴/۱۴")

ISSUED = define(
    "licence_issued",
    title="صدور مجوز",
    when="وقتی مرجع صدور مجوز پرونده را تأیید و مجوز صادر می‌شود",
    audience="holder",
    default=(
        "مجوز دفتر خدمات الکترونیک شهر شما صادر شد. شمارهٔ مجوز: {number}؛ اعتبار از {valid_from} تا {valid_until}. "
        "گواهی را از بخش «مجوزهای من» دریافت کنید."
    ),
    fields={**COMMON, "valid_from": ("آغاز اعتبار مجوز (تاریخ شمسی)", "۱۴۰۵/۰۳/۱۵")},
    required=("number",),
)
SUSPENDED = define(
    "licence_suspend",
    title="تعلیق مجوز",
    when="وقتی مرجع صدور مجوز، مجوز را تا روزی معین تعلیق می‌کند",
    audience="holder",
    default="مجوز دفتر «{office}» به شمارهٔ {number} تا {until} تعلیق شد. دلیل: {reason}",
    fields={**COMMON, "until": ("آخرین روز تعلیق (تاریخ شمسی)", "۱۴۰۵/۰۴/۰۱"), "reason": REASON},
    required=("until",),
)
REINSTATED = define(
    "licence_reinstate",
    title="رفع تعلیق مجوز",
    when="وقتی مرجع صدور مجوز تعلیق را پیش از پایانش برمی‌دارد",
    audience="holder",
    default="تعلیق مجوز دفتر «{office}» به شمارهٔ {number} برداشته شد؛ مجوز تا {valid_until} معتبر است.",
    fields={**COMMON, "reason": REASON},
)
SUSPENSION_ENDED = define(
    "licence_suspension_end",
    title="پایان خودکار تعلیق مجوز",
    when="فردای آخرین روز تعلیق، وقتی مجوز خودبه‌خود دوباره فعال می‌شود",
    audience="holder",
    default="مهلت تعلیق مجوز دفتر «{office}» به شمارهٔ {number} پایان یافت؛ مجوز دوباره فعال است.",
    fields=COMMON,
)
REVOKED = define(
    "licence_revoke",
    title="لغو مجوز",
    when="وقتی مرجع صدور مجوز، مجوز را لغو می‌کند",
    audience="holder",
    default="مجوز دفتر «{office}» به شمارهٔ {number} لغو شد. دلیل: {reason}",
    fields={**COMMON, "reason": REASON},
)
RENEWED = define(
    "licence_renew",
    title="تمدید مجوز",
    when="وقتی مرجع صدور مجوز، مجوز را برای دورهٔ تازه تمدید می‌کند",
    audience="holder",
    default="مجوز دفتر «{office}» به شمارهٔ {number} تمدید شد و تا {valid_until} معتبر است.",
    fields={**COMMON, "reason": REASON},
    required=("valid_until",),
)
EXPIRED = define(
    "licence_expire",
    title="انقضای مجوز",
    when="وقتی اعتبار مجوز و مهلت تمدید پس از آن هر دو گذشته است",
    audience="holder",
    default="اعتبار مجوز دفتر «{office}» به شمارهٔ {number} در {valid_until} پایان یافته و مهلت تمدید نیز گذشته است.",
    fields=COMMON,
)
RENEWAL_OPEN = define(
    "licence_renewal_open",
    title="آغاز مهلت تمدید مجوز",
    when="یک بار، از روزی که مهلت تمدید مجوز فعال باز می‌شود؛ به دارنده و مدیران فعال دفتر",
    audience="holder",
    default=(
        "مهلت تمدید مجوز دفتر «{office}» به شمارهٔ {number} از {opens} آغاز شده است. اعتبار مجوز تا {valid_until} است؛ "
        "برای تمدید تا {closes} به مرجع صدور مجوز شهرداری مراجعه کنید."
    ),
    fields={**COMMON, "opens": OPENS, "closes": CLOSES},
    required=("valid_until",),
)
EXPIRY_REMINDER = define(
    "licence_expiry_reminder",
    title="یادآوری پایان اعتبار مجوز",
    when=(
        "چند روز پیش از پایان اعتبار مجوزی که هنوز تمدید نشده (روزهایش را راهبر سامانه تعیین می‌کند)؛ "
        "به دارنده و مدیران فعال دفتر"
    ),
    audience="holder",
    default=(
        "یادآوری: اعتبار مجوز دفتر «{office}» به شمارهٔ {number} {remaining}، در {valid_until}، پایان می‌یابد. "
        "برای تمدید تا {closes} به مرجع صدور مجوز شهرداری مراجعه کنید."
    ),
    fields={
        **COMMON,
        "remaining": ("زمان مانده تا پایان اعتبار، به واژه", "۷ روز دیگر"),
        "opens": OPENS,
        "closes": CLOSES,
    },
    required=("valid_until",),
)

# the holder's SMS of each move of the licence's table (``moves.py``)
MOVES: dict[str, Text] = {
    "suspend": SUSPENDED,
    "reinstate": REINSTATED,
    "suspension_end": SUSPENSION_ENDED,
    "revoke": REVOKED,
    "renew": RENEWED,
    "expire": EXPIRED,
}
