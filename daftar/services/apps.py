from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "daftar.services"
    label = "services"
    verbose_name = "خدمات، تعرفه‌ها و درآمد"
    audit_labels: dict[str, str] = {
        "services.tariff_set": "تعیین تعرفه",
        "services.tariff_update": "تغییر تعرفهٔ آینده",
        "services.tariff_delete": "حذف تعرفهٔ آینده",
        "services.revision_schedule": "زمان‌بندی بازنگری تعرفه‌ها",
        "services.revision_cancel": "لغو بازنگری تعرفه‌ها",
        "services.transaction_record": "ثبت تراکنش خدمت",
        "services.overcharge_refused": "رد تراکنش بیش از تعرفه و گزارش به نظارت",
        "services.day_close": "بستن روز دفتر",
        "services.cost_added": "ثبت هزینهٔ دفتر",
        "services.cost_deleted": "حذف هزینهٔ دفتر",
    }

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the tariff-cache invalidation)
