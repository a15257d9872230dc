"""The SMS the exams and interviews send (issue 21 §4), each a template its municipality's
administrator may edit (``daftar.notifications.texts``). Sent with ``notify`` from ``services``
to the applicant, with the case's municipality."""

from __future__ import annotations

from daftar.notifications.texts import define

_CODE = ("کد رهگیری پرونده", "DFT-1405-0042")
_WHEN = ("تاریخ و ساعت (شمسی، به وقت تهران)", "۱۴۰۵/۰۱/۱۵، ساعت ۰۸:۳۰")

EXAM_INVITATION = define(
    "exam_invitation",
    title="دعوت به آزمون",
    when="وقتی کارشناس آزمون پرونده را در جلسهٔ آزمون می‌نشاند",
    audience="applicant",
    default=(
        "دعوت به آزمون دفتر خدمات الکترونیک شهر، پروندهٔ {code}: {title}، {when}، محل: {place}. "
        "کارت شناسایی همراه داشته باشید."
    ),
    fields={
        "code": _CODE,
        "title": ("عنوان جلسهٔ آزمون", "آزمون کتبی نوبت اول"),
        "when": _WHEN,
        "place": ("محل برگزاری آزمون", "تالار شهرداری منطقهٔ ۱"),
    },
    required=("when", "place"),
)

_INTERVIEW_FIELDS = {
    "code": _CODE,
    "when": _WHEN,
    "place": ("محل مصاحبه", "ساختمان شهرداری، طبقهٔ دوم، اتاق ۲۰۴"),
}

INTERVIEW_INVITATION = define(
    "interview_invitation",
    title="دعوت به مصاحبه",
    when="وقتی کارشناس آزمون زمان و محل مصاحبهٔ پرونده را نخستین بار تعیین می‌کند",
    audience="applicant",
    default=(
        "دعوت به مصاحبهٔ دفتر خدمات الکترونیک شهر، پروندهٔ {code}: {when}، محل: {place}. کارت شناسایی همراه داشته باشید."
    ),
    fields=_INTERVIEW_FIELDS,
    required=("when", "place"),
)

INTERVIEW_RESCHEDULED = define(
    "interview_rescheduled",
    title="تغییر زمان یا محل مصاحبه",
    when="وقتی کارشناس آزمون زمان یا محل مصاحبه‌ای را که پیش‌تر اعلام شده بود تغییر می‌دهد",
    audience="applicant",
    default=(
        "زمان یا محل مصاحبهٔ پروندهٔ {code} تغییر کرد. زمان تازه: {when}، محل: {place}. دعوت پیشین را نادیده بگیرید."
    ),
    fields=_INTERVIEW_FIELDS,
    required=("when", "place"),
)
