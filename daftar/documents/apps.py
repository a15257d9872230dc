from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "daftar.documents"
    label = "documents"
    verbose_name = "مدارک"
