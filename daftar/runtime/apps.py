from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "daftar.runtime"
    # The label of the app these modules and the IdempotencyRecord model came from (daftar.core):
    # the migration history (django_migrations "core") and the table core_idempotencyrecord keep
    # their names, so an existing database needs no migration.
    label = "core"
    verbose_name = "هسته"

    def ready(self) -> None:
        from daftar.runtime import checks  # noqa: F401  (registers deployment checks)
