from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "daftar.demo"
    label = "demo"
    verbose_name = "داده‌های نمایشی"
