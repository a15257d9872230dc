from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "daftar.assessments"
    label = "assessments"
    verbose_name = "آزمون و مصاحبه"

    def ready(self) -> None:
        from . import handlers  # imports the models: loaded once the registry is ready

        handlers.connect()
