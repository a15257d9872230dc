from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Health, readiness and metrics (docs/operations.md «Health, readiness and metrics»)."""

    name = "daftar.ops"
    label = "ops"
    verbose_name = "پایش"
