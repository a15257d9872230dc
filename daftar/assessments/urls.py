"""HTML pages of the assessments app: none yet (exam sessions are run through the API and the admin)."""

from django.urls import URLPattern

app_name = "assessments"
urlpatterns: list[URLPattern] = []
