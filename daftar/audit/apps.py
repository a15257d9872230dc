from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "daftar.audit"
    label = "audit"
    verbose_name = "رویدادنگاری"
