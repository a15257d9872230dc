from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "daftar.rules"
    label = "rules"
    verbose_name = "مجوزها و شرایط"
