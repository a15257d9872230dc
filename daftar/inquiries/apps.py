from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "daftar.inquiries"
    label = "inquiries"
    verbose_name = "استعلام‌ها"
