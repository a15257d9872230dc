from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "daftar.accounts"
    label = "accounts"
    verbose_name = "حساب‌های کاربری"
