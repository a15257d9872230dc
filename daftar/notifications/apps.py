from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "daftar.notifications"
    label = "notifications"
    verbose_name = "اعلان‌ها"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the outbox lease check)
