from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "daftar.offices"
    label = "offices"
    verbose_name = "دفاتر خدمات"
    audit_labels: dict[str, str] = {
        "office.create": "ثبت دفتر خدمات",
        "office.update": "ویرایش مشخصات دفتر",
        "office.staff_add": "افزودن کارکن دفتر",
        "office.staff_remove": "برداشتن کارکن دفتر",
        "office.staff_qualify": "ثبت مدرک و رشتهٔ مدیر فنی",
        "office.hours_set": "تعیین ساعات کار هفتگی دفتر",
        "office.closure_add": "اعلام تعطیلی دفتر",
        "office.closure_remove": "حذف تعطیلی دفتر",
        "office.hours_outside_directive": "اعلام ناسازگاری ساعات کار دفتر با دستورالعمل تازهٔ شهرداری",
        "office.standing_publish": "انتشار رده و رتبهٔ دفاتر از کارنامهٔ دوره",
    }

    def ready(self) -> None:
        from . import handlers  # imports the models: loaded once the registry is ready

        handlers.connect()
