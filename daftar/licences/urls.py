"""Public licence pages: verification by number or QR code, and the registry of licensed offices."""

from django.urls import path

from . import views

app_name = "licences"

urlpatterns = [
    path("licences/verify/", views.verify_start, name="verify"),
    path("licences/verify/<str:number>/", views.verify_detail, name="verify_detail"),
    # the QR link of the certificate has no trailing slash (signing.qr_text)
    path("licences/verify/<str:number>", views.verify_detail),
    path("licences/registry/", views.registry, name="registry"),
]
