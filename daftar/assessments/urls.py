"""HTML pages of the assessments app: exam sessions for the examiners of a municipality."""

from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("exams/", views.sessions, name="sessions"),
    path("exams/<int:pk>/", views.session, name="session"),
    path("exams/<int:pk>/seats/", views.assign, name="assign"),
    path("exams/<int:pk>/seats/<int:seat_id>/score/", views.score, name="score"),
    path("exams/<int:pk>/import/", views.import_scores, name="import"),
    path("exams/<int:pk>/decide/", views.decide, name="decide"),
    path("exams/interviews/<int:application_id>/", views.interview, name="interview"),
    path("exams/interviews/<int:application_id>/schedule/", views.interview_schedule, name="interview_schedule"),
    path("exams/interviews/<int:application_id>/decide/", views.interview_decide, name="interview_decide"),
]
