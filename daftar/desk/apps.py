from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "daftar.desk"
    label = "desk"
    verbose_name = "میز کار کارکنان شهرداری"

    def ready(self) -> None:
        # registers the dashboard's "what needs me now" handlers (daftar.kernel.events)
        from . import work  # noqa: F401
