"""Licence verification (public) and lifecycle actions under ``/api/v1/`` (API.md «Licences (S16)»)."""

from django.urls import path

from . import public_api

urlpatterns = [
    path("licences/<str:number>/verify", public_api.LicenceVerifyView.as_view(), name="api-licence-verify"),
    path("licences/<str:number>/actions", public_api.LicenceActionsView.as_view(), name="api-licence-actions"),
]
