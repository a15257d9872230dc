"""Every SMS of the application case, declared once (issue 21 §4): the applicant's along the
case's life and the staff's deadline reminders and escalations (``consequences.py``). A
municipality's administrator may reword each; ``{…}`` are the fields a text may use. Sent with
``daftar.notifications.services.notify`` under the key, with the case's municipality."""

from __future__ import annotations

from daftar.notifications.texts import define

CODE = ("کد رهگیری پرونده", "AB2C-DE4F-9H")
MUNICIPALITY = ("نام شهرداری پرونده", "شهرداری تهران")
STATUS = ("وضعیت کنونی پرونده", "بررسی مدارک")

DRAFT = define(
    "application_draft",
    title="ساخت پیش‌نویس درخواست",
    when="وقتی متقاضی در یک فراخوان پیش‌نویس درخواست می‌سازد",
    audience="applicant",
    default="دفتر: پیش‌نویس درخواست شما در «{call}» ساخته شد. پس از بارگذاری مدارک آن را ثبت نهایی کنید.",
    fields={"call": ("عنوان فراخوان", "فراخوان دفاتر خدمات الکترونیک شهر ۱۴۰۵"), "municipality_name": MUNICIPALITY},
)

SUBMITTED = define(
    "application_submitted",
    title="ثبت نهایی درخواست",
    when="وقتی متقاضی درخواست را ثبت نهایی می‌کند (و پس از اصلاح، دوباره ثبت می‌کند)",
    audience="applicant",
    default="دفتر: درخواست شما در {municipality_name} ثبت شد. کد رهگیری: {code}. مهلت قانونی بررسی آن: {due}.",
    fields={
        "code": CODE,
        "due": ("پایان مهلت قانونی شهرداری برای بررسی این مرحله", "۱۴۰۵/۰۲/۱۰"),
        "municipality_name": MUNICIPALITY,
    },
    required=("code",),
)

CORRECTION = define(
    "application_correction",
    title="درخواست اصلاح مدارک",
    when="وقتی کارشناس بررسی مدارک از متقاضی اصلاح مدارک ردشده را می‌خواهد",
    audience="applicant",
    default=(
        "دفتر: پروندهٔ {code} نیازمند اصلاح است. این مدارک را دوباره بارگذاری کنید: {documents}."
        " توضیح کارشناس: «{reason}» مهلت اصلاح: {due}."
    ),
    fields={
        "code": CODE,
        "documents": ("مدارک ردشده، هر یک با دلیل رد", "کارت ملی (تصویر خوانا نیست)؛ مدرک تحصیلی (مهر دانشگاه ندارد)"),
        "reason": ("توضیح کارشناس دربارهٔ اصلاح", "تصویر کارت ملی و مدرک تحصیلی را خوانا بارگذاری کنید."),
        "due": ("پایان مهلت متقاضی برای اصلاح", "۱۴۰۵/۰۲/۲۴"),
        "municipality_name": MUNICIPALITY,
    },
    required=("code", "documents", "due"),
)

APPROVED = define(
    "application_approved",
    title="تأیید نهایی درخواست",
    when="وقتی مرجع صدور مجوز درخواست را تأیید نهایی می‌کند (پیش از صدور مجوز)",
    audience="applicant",
    default=(
        "دفتر: درخواست شما (پروندهٔ {code}) در {municipality_name} تأیید نهایی شد. صدور مجوز را با پیامک خبر می‌دهیم."
    ),
    fields={"code": CODE, "municipality_name": MUNICIPALITY},
    required=("code",),
)

# P1: a refusal names the approved condition that was not met and states the reason
REJECTED = define(
    "application_rejected",
    title="رد درخواست",
    when="وقتی درخواست رد می‌شود: به تصمیم کارشناس یا مرجع صدور مجوز، یا با مردودی در آزمون، مصاحبه یا بازدید",
    audience="applicant",
    default="دفتر: درخواست شما (پروندهٔ {code}) رد شد. شرط احرازنشده: {conditions}. دلیل: {reason}",
    fields={
        "code": CODE,
        "conditions": ("متن شرط یا شرط‌های احرازنشده", "گذراندن دوره‌های آموزشی مصوب"),
        "reason": ("دلیل رد، به نوشتهٔ تصمیم‌گیرنده", "گواهی دورهٔ آموزشی پیوست نشده است."),
        "municipality_name": MUNICIPALITY,
    },
    required=("code", "conditions", "reason"),
)

STATUS_CHANGED = define(
    "application_status",
    title="تغییر وضعیت پرونده",
    when=(
        "در هر تغییر وضعیت دیگر پرونده: آغاز بررسی، ارجاع به آزمون، مصاحبه، بازدید و بررسی نهایی،"
        " انصراف و انقضا (صدور مجوز پیامک خود را دارد)"
    ),
    audience="applicant",
    default="دفتر: وضعیت پروندهٔ {code}: «{status}».",
    fields={"code": CODE, "status": ("وضعیت تازهٔ پرونده", "آزمون"), "municipality_name": MUNICIPALITY},
)

# P1: the body's silence past the legal time is approval; the law is named
DEEMED_APPROVAL = define(
    "application_deemed_approval",
    title="صدور مجوز به حکم قانون",
    when="وقتی مهلت قانونی شهرداری می‌گذرد و پیامد آن در این شهرداری «تأیید به حکم قانون» است",
    audience="applicant",
    default=(
        "دفتر: مهلت قانونی پروندهٔ {code} گذشت و به حکم قانون تسهیل صدور مجوزهای کسب‌وکار"
        " مجوز شما به شمارهٔ {number} صادر شد."
    ),
    fields={"code": CODE, "number": ("شمارهٔ مجوز صادرشده", "TEH-1405-000042"), "municipality_name": MUNICIPALITY},
    required=("code", "number"),
)

ESCALATED = define(
    "application_escalated",
    title="ارجاع پرونده به مرجع بالاتر",
    when="وقتی مهلت قانونی شهرداری می‌گذرد و پرونده به مرجع صدور مجوز ارجاع می‌شود",
    audience="applicant",
    default="دفتر: مهلت قانونی پروندهٔ {code} گذشت؛ پرونده به مرجع بالاتر ارجاع شد و باید تا {due} تصمیم گرفته شود.",
    fields={
        "code": CODE,
        "due": ("پایان مهلت مرجع بالاتر برای تصمیم", "۱۴۰۵/۰۲/۲۰"),
        "municipality_name": MUNICIPALITY,
    },
    required=("code",),
)

# to the staff (``consequences.py``)
STAFF_FIELDS = {
    "code": CODE,
    "status": STATUS,
    "left": ("زمان باقی‌مانده: «امروز» یا «تا ۲ روز کاری دیگر»", "تا ۲ روز کاری دیگر"),
    "due": ("پایان مهلت قانونی، با ساعت", "۱۴۰۵/۰۲/۱۰، ساعت ۱۴:۰۰"),
    "municipality_name": MUNICIPALITY,
}

ESCALATED_HEAD = define(
    "application_overdue",
    title="ارجاع پرونده به مرجع صدور مجوز (به مرجع)",
    when="وقتی مهلت قانونی پرونده می‌گذرد و پرونده به مرجع صدور مجوز شهرداری ارجاع می‌شود",
    audience="staff",
    default="دفتر: مهلت قانونی پروندهٔ {code} («{status}») گذشت و به شما ارجاع شد؛ تا {due} تصمیم بگیرید.",
    fields={
        "code": CODE,
        "status": STATUS,
        "due": ("پایان مهلت مرجع برای تصمیم", "۱۴۰۵/۰۲/۲۰"),
        "municipality_name": MUNICIPALITY,
    },
    required=("code",),
)

REMINDER_STAFF = define(
    "deadline_reminder",
    title="یادآوری مهلت قانونی به کارشناس",
    when="چند روز کاری پیش از پایان مهلت قانونی مرحله، به کارشناس مسئول آن مرحله (روزها را شهرداری تعیین می‌کند)",
    audience="staff",
    default="دفتر: یادآوری: مهلت قانونی پروندهٔ {code} («{status}») {left} به پایان می‌رسد ({due}).",
    fields=STAFF_FIELDS,
    required=("code",),
)

REMINDER_HEAD = define(
    "deadline_reminder_head",
    title="یادآوری مهلت قانونی به مرجع صدور مجوز",
    when="پیش از پایان مهلت قانونی پرونده‌ای که هنوز تصمیمی نگرفته، به مرجع صدور مجوز شهرداری",
    audience="staff",
    default=(
        "دفتر: مهلت قانونی پروندهٔ {code} («{status}») {left} به پایان می‌رسد ({due}) و هنوز تصمیمی گرفته نشده است."
    ),
    fields=STAFF_FIELDS,
    required=("code",),
)
