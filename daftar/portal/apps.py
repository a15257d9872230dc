from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "daftar.portal"
    label = "portal"
    verbose_name = "درگاه ملی مجوزها"

    def ready(self) -> None:
        from daftar.runtime.housekeeping import register_purge  # it imports the runtime's models

        from . import handlers  # they import the services, which import this app's models
        from .retention import portal_purge  # it imports this app's models

        handlers.connect()
        register_purge("portal", portal_purge, "portal messages taken RETENTION_PORTAL_DAYS ago (never unsent)")
