from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "daftar.appointments"
    label = "appointments"
    verbose_name = "نوبت‌دهی"
    audit_labels: dict[str, str] = {
        "appointment.booked": "رزرو نوبت",
        "appointment.cancelled": "لغو نوبت",
        "appointment.no_show": "ثبت «حاضر نشد» برای نوبت",
        "appointment.done": "ثبت «انجام شد» برای نوبت",
        "appointment.cancelled_by_office": "لغو نوبت به سبب بسته بودن دفتر در آن زمان",
    }

    def ready(self) -> None:
        from . import handlers, signals  # noqa: F401  (signals connect their receivers)

        handlers.connect()
