"""The public figures pages (issue 21 §5), under ``/figures/``."""

from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.municipality_page, name="municipality"),
]
