from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "daftar.portal"
    label = "portal"
    verbose_name = "درگاه ملی مجوزها"

    def ready(self) -> None:
        # the handlers import the services, which import this app's models: only once ready
        from . import handlers

        handlers.connect()
