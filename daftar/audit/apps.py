from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "daftar.audit"
    label = "audit"
    verbose_name = "رویدادنگاری"

    def ready(self) -> None:
        from daftar.runtime.backup import register_verifier

        from .backup import AUDIT_CHAIN

        register_verifier(AUDIT_CHAIN)  # every backup records the chain's head; a restore walks it
