from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save

from .session import stamp_login


class AccountsConfig(AppConfig):
    name = "daftar.accounts"
    label = "accounts"
    verbose_name = "حساب‌های کاربری"

    def ready(self) -> None:
        # models can be imported only once the app registry is ready: knox's token, this app's
        # user, and what imports them (the token authentication; the admission gate through DRF)
        from knox.models import AuthToken

        from daftar.runtime.admission import register_api_authentication  # DRF's settings load knox's models
        from daftar.runtime.housekeeping import register_purge  # it imports the runtime's models

        from .authentication import CachedTokenAuthentication, token_deleted, user_changed  # knox's models
        from .models import User  # a model, likewise
        from .services import captchas_purge, otp_codes_purge  # they import models

        post_delete.connect(token_deleted, sender=AuthToken, dispatch_uid="knox-token-cache")
        post_save.connect(user_changed, sender=User, dispatch_uid="knox-token-cache-user-saved")
        post_delete.connect(user_changed, sender=User, dispatch_uid="knox-token-cache-user-deleted")
        user_logged_in.connect(stamp_login, dispatch_uid="session-login-stamp")
        register_api_authentication(CachedTokenAuthentication)  # who the admission gate counts
        register_purge("captchas", captchas_purge, "captcha challenges past their expiry")
        register_purge("one_time_codes", otp_codes_purge, "one-time code rows older than OTP_RETENTION_DAYS")
