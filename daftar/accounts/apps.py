from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "daftar.accounts"
    label = "accounts"
    verbose_name = "حساب‌های کاربری"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from knox.models import AuthToken

        from .authentication import token_deleted

        post_delete.connect(token_deleted, sender=AuthToken, dispatch_uid="knox-token-cache")
