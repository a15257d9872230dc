from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "daftar.licences"
    label = "licences"
    verbose_name = "مجوزها"

    def ready(self) -> None:
        # signals: the verification-cache invalidation; verification: registers the verification
        # log's spool, so every process (the worker's flush_spools, manage.py spool_flush) knows it
        from . import handlers, signals, verification  # noqa: F401

        handlers.connect()
