from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "daftar.supervision"
    label = "supervision"
    verbose_name = "نظارت بر دفاتر"
