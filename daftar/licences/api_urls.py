from django.urls import path

from . import api

urlpatterns = [
    path("licences", api.LicenceListView.as_view(), name="licences-list"),
    path("licences/public-key", api.PublicKeyView.as_view(), name="licences-public-key"),
    path("licences/<str:number>/certificate.pdf", api.CertificateView.as_view(), name="licences-certificate"),
]
