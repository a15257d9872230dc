from django.apps import AppConfig


class RevenueConfig(AppConfig):
    name = "daftar.revenue"
    label = "revenue"
    verbose_name = "درآمد دفاتر"
