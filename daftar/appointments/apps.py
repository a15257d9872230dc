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
    }
