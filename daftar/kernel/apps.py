from django.apps import AppConfig


class KernelConfig(AppConfig):
    """Installed for its template library (``{% load persian %}``) and widget templates; it has
    no models. At start it gives every Django admin form the Jalali date inputs."""

    name = "daftar.kernel"
    label = "kernel"

    def ready(self) -> None:
        from daftar.kernel.admin_dates import use_jalali_dates_in_admin  # needs the app registry ready

        use_jalali_dates_in_admin()
