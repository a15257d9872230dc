from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "daftar.catalogue"
    label = "catalogue"
    verbose_name = "فهرست خدمات و تعرفه‌ها"
    # the action codes kept the former app's prefix: they are stored in the audit log
    audit_labels: dict[str, str] = {
        "services.tariff_set": "تعیین تعرفه",
        "services.tariff_update": "تغییر تعرفهٔ آینده",
        "services.tariff_delete": "حذف تعرفهٔ آینده",
        "services.revision_schedule": "زمان‌بندی بازنگری تعرفه‌ها",
        "services.revision_cancel": "لغو بازنگری تعرفه‌ها",
    }

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the tariff-cache invalidation)
