from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "daftar.appointments"
    label = "appointments"
    verbose_name = "نوبت‌دهی"
    audit_labels: dict[str, str] = {}
