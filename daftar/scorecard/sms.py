"""The SMS the scorecard sends (issue 22 §2), declared once; an administrator may edit the text
(``daftar.notifications.texts``). Sent with ``notify`` from ``services.consequences_apply`` to
the licence holder of an office that fell into the lowest band (or, for an office without a
licence, to its active managers)."""

from __future__ import annotations

from daftar.notifications.texts import define

LOWEST_BAND = define(
    "scorecard_lowest_band",
    title="قرار گرفتن دفتر در پایین‌ترین رده",
    when="وقتی کارنامهٔ دوره حساب می‌شود و دفتر در پایین‌ترین رده است؛ بازدید نظارتی برای دفتر لازم می‌شود",
    audience="holder",
    default=(
        "دفتر {office}: در کارنامهٔ {period} با امتیاز {score} در ردهٔ «{band}» قرار گرفت. "
        "بازدید نظارتی شهرداری از دفتر انجام خواهد شد. دلیل هر امتیاز در صفحهٔ کارنامهٔ دفتر آمده است."
    ),
    fields={
        "office": ("نام دفتر", "دفتر خدمات الکترونیک شهر پاسداران"),
        "period": ("دورهٔ کارنامه", "نیمهٔ نخست ۱۴۰۵"),
        "score": ("امتیاز کل از ۱۰۰", "۴۲٫۵"),
        "band": ("عنوان رده", "ضعیف"),
    },
)
