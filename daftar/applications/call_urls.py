"""The addresses under ``/calls/`` (namespace ``calls``): the list is the calls app's page; one
call and its ranking are the case's (``call_views``), so the calls app never imports the case."""

from django.urls import path

from daftar.calls import views as call_list_views

from . import call_views

app_name = "calls"

urlpatterns = [
    path("", call_list_views.call_list, name="list"),
    path("<int:pk>/", call_views.call_detail, name="detail"),
    path("<int:pk>/ranking/", call_views.call_ranking, name="ranking"),
]
