from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "daftar.inspections"
    label = "inspections"
    verbose_name = "بازدید میدانی"
