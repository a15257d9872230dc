from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "daftar.feedback"
    label = "feedback"
    verbose_name = "نظر شهروندان"
    audit_labels: dict[str, str] = {
        "feedback.requested": "فرستادن پیوند نظرسنجی به شهروند",
        "feedback.rated": "ثبت نظر شهروند دربارهٔ خدمت",
        "feedback.published": "انتشار نظر نگه‌داشته پس از بازبینی",
        "feedback.hidden": "پنهان ماندن نظر نگه‌داشته پس از بازبینی",
    }

    def ready(self) -> None:
        from . import handlers, sms  # noqa: F401  (the handlers subscribe, the SMS texts declare themselves)

        handlers.connect()
