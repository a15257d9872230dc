from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "daftar.licences"
    label = "licences"
    verbose_name = "مجوزها"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the verification-cache invalidation)
