from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "daftar.runtime"
    # The label of the app these modules and the IdempotencyRecord model came from (daftar.core):
    # the migration history (django_migrations "core") and the table core_idempotencyrecord keep
    # their names, so an existing database needs no migration.
    label = "core"
    verbose_name = "هسته"

    def ready(self) -> None:
        # checks registers the deployment checks; housekeeping's models need the app registry
        from daftar.runtime import checks, housekeeping, pagecache  # noqa: F401

        pagecache.connect()  # whole pages kept in the cache move on when their rows change

        housekeeping.register_purge("sessions", housekeeping.purge_sessions, "page sessions past their expiry")
        housekeeping.register_purge(
            "idempotency", housekeeping.purge_idempotency, "Idempotency-Key answers past RETENTION_IDEMPOTENCY_HOURS"
        )
