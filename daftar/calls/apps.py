from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "daftar.calls"
    label = "calls"
    verbose_name = "فراخوان‌ها"
