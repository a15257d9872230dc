from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "daftar.scorecard"
    label = "scorecard"
    verbose_name = "کارنامه و رتبهٔ دفاتر"
    audit_labels: dict[str, str] = {
        "scorecard.compute": "محاسبهٔ کارنامه و رتبهٔ دفاتر برای یک دوره",
        "scorecard.visit_required": "لازم شدن بازدید نظارتی برای دفتر پایین‌ترین رده",
    }

    def ready(self) -> None:
        from . import checks, sms  # noqa: F401  (the settings' check registers itself; the SMS text declares itself)
