from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "daftar.inquiries"
    label = "inquiries"
    verbose_name = "استعلام‌ها"

    def ready(self) -> None:
        # the handlers import the services, which import this app's models: only once ready
        from . import handlers

        handlers.connect()
