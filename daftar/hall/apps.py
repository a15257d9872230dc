from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "daftar.hall"
    label = "hall"
    verbose_name = "صف حضوری دفتر"
    audit_labels: dict[str, str] = {
        "hall.issued": "دادن نوبت حضوری",
        "hall.called": "فراخواندن نوبت به باجه",
        "hall.done": "انجام شدن نوبت حضوری",
        "hall.no_show": "حاضر نشدن صاحب نوبت حضوری",
        "hall.cancel": "لغو نوبت حضوری",
        "hall.settings": "تغییر قاعدهٔ صف حضوری",
        "hall.kiosk_key": "ساختن پیوند تازهٔ دستگاه نوبت‌دهی",
    }

    def ready(self) -> None:
        from . import handlers, services, sms  # noqa: F401  (effects bind, texts declare, handlers subscribe)

        handlers.connect()
