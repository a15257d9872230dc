from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "daftar.catalogue"
    label = "catalogue"
    verbose_name = "فهرست خدمات و تعرفه‌ها"
