from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "daftar.services"
    label = "services"
    verbose_name = "درآمد دفاتر"
