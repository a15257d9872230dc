from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "daftar.licences"
    label = "licences"
    verbose_name = "مجوزها"
