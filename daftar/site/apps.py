from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Installed for its admin module (the admin site's Persian titles and OTP login)."""

    name = "daftar.site"
    label = "site"
