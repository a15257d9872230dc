from django.apps import AppConfig

from daftar.runtime.backup import register_verifier


class AuditConfig(AppConfig):
    name = "daftar.audit"
    label = "audit"
    verbose_name = "رویدادنگاری"

    def ready(self) -> None:
        from .backup import AUDIT_CHAIN  # imports the models: loaded once the registry is ready

        register_verifier(AUDIT_CHAIN)  # every backup records the chain's head; a restore walks it
