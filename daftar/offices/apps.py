from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "daftar.offices"
    label = "offices"
    verbose_name = "دفاتر خدمات"
    audit_labels: dict[str, str] = {}
