from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "daftar.notifications"
    label = "notifications"
    verbose_name = "اعلان‌ها"

    def ready(self) -> None:
        from daftar.runtime.housekeeping import register_purge  # it imports the runtime's models

        from . import checks  # noqa: F401  (registers the outbox lease check)
        from .services import outbox_purge  # it imports the outbox's model

        register_purge("outbox", outbox_purge, "sent or failed SMS older than RETENTION_OUTBOX_DAYS (never pending)")
