from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "daftar.applications"
    label = "applications"
    verbose_name = "پرونده‌های درخواست مجوز"

    def ready(self) -> None:
        from . import signals

        signals.connect()
