from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "daftar.ledger"
    label = "ledger"
    verbose_name = "تراکنش‌ها و هزینه‌های دفاتر"
