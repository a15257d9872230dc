from django.apps import AppConfig


class MunicipalitiesConfig(AppConfig):
    name = "daftar.municipalities"
    label = "municipalities"
    verbose_name = "شهرداری‌ها"
