"""The licensing authority's pages (issue 18 §1), mounted at ``/desk/authority/``."""

from django.urls import URLPattern, URLResolver, path

from . import notices, views

app_name = "authority"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.decisions, name="decisions"),
    path("decisions/", views.decisions),
    path("licences/", views.register, name="register"),
    path("licences/export/", views.register_export, name="register_export"),
    path("licences/<str:number>/", views.licence_page, name="licence"),
    path("licences/<str:number>/act/", views.licence_action, name="licence_action"),
    path("notices/", notices.notices, name="notices"),
    path("notices/<int:pk>/", notices.notice_page, name="notice"),
]
