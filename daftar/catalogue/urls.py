from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("tariffs/", views.tariffs, name="tariffs"),
    path("tariffs/revisions/", views.revisions, name="revisions"),
    path("tariffs/revisions/<int:pk>/cancel/", views.revision_cancel_view, name="revision_cancel"),
]
