from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "daftar.licences"
    label = "licences"
    verbose_name = "مجوزها"

    def ready(self) -> None:
        # signals: the verification-cache invalidation; verification: registers the verification
        # log's spool, so every process (the worker's flush_spools, manage.py spool_flush) knows it
        from daftar.runtime.housekeeping import register_purge  # it imports the runtime's models

        from . import handlers, signals, verification  # noqa: F401

        handlers.connect()
        register_purge(
            "verification_log",
            verification.verification_log_purge,
            "public licence checks older than RETENTION_VERIFICATION_LOG_DAYS",
        )
