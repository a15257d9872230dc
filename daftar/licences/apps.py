from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "daftar.licences"
    label = "licences"
    verbose_name = "مجوزها"

    def ready(self) -> None:
        from . import handlers, signals  # noqa: F401  (signals: the verification-cache invalidation)

        handlers.connect()
