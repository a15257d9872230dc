from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "daftar.ledger"
    label = "ledger"
    verbose_name = "تراکنش‌ها و هزینه‌های دفاتر"
    # the action codes kept the former app's prefix: they are stored in the audit log
    audit_labels: dict[str, str] = {
        "services.transaction_record": "ثبت تراکنش خدمت",
        "services.overcharge_refused": "رد تراکنش بیش از تعرفه و گزارش به نظارت",
        "services.day_close": "بستن روز دفتر",
        "services.cost_added": "ثبت هزینهٔ دفتر",
        "services.cost_deleted": "حذف هزینهٔ دفتر",
    }
