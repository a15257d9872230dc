"""The portal outbox page, mounted at ``/desk/portal/``."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
