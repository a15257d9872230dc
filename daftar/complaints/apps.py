from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "daftar.complaints"
    label = "complaints"
    verbose_name = "شکایت‌ها"
