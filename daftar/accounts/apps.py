from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "daftar.accounts"
    label = "accounts"
    verbose_name = "حساب‌های کاربری"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save
        from knox.models import AuthToken

        from daftar.runtime.admission import register_api_authentication

        from .authentication import CachedTokenAuthentication, token_deleted, user_changed
        from .models import User
        from .session import stamp_login

        post_delete.connect(token_deleted, sender=AuthToken, dispatch_uid="knox-token-cache")
        post_save.connect(user_changed, sender=User, dispatch_uid="knox-token-cache-user-saved")
        post_delete.connect(user_changed, sender=User, dispatch_uid="knox-token-cache-user-deleted")
        user_logged_in.connect(stamp_login, dispatch_uid="session-login-stamp")
        register_api_authentication(CachedTokenAuthentication)  # who the admission gate counts
