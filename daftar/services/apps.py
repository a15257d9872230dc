from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "daftar.services"
    label = "services"
    verbose_name = "خدمات، تعرفه‌ها و درآمد"
    audit_labels: dict[str, str] = {}
