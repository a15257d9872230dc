from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "daftar.notifications"
    label = "notifications"
    verbose_name = "اعلان‌ها"
