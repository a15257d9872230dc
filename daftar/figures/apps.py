from django.apps import AppConfig


class FiguresConfig(AppConfig):
    """Public figures per municipality (docs/figures.md)."""

    name = "daftar.figures"
    label = "figures"
    verbose_name = "آمار عمومی"
