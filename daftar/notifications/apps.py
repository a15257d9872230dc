from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "daftar.notifications"
    label = "notifications"
    verbose_name = "اعلان‌ها"

    def ready(self) -> None:
        from daftar.runtime.housekeeping import register_purge  # it imports the runtime's models

        from . import checks  # noqa: F401  (registers the outbox lease check)
        from .services import outbox_purge  # it imports the outbox's model

        register_purge("outbox", outbox_purge, "sent or failed SMS older than RETENTION_OUTBOX_DAYS (never pending)")
        # every app declares the SMS texts it sends in its own ``sms.py`` (texts.define); found here
        # by name, so this low package names none of the apps above it
        autodiscover_modules("sms")
