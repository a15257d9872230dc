from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "daftar.core"
    label = "core"
    verbose_name = "هسته"

    def ready(self) -> None:
        from daftar.core import checks  # noqa: F401  (registers deployment checks)
