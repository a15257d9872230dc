from django.urls import path

from . import views

urlpatterns = [
    path("licences/", views.catalogue, name="licence_catalogue"),
    path("licences/<slug:code>/", views.licence_detail, name="licence_detail"),
    path("licences/<slug:code>/check/", views.self_check, name="licence_check"),
]
