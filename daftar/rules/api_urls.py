from django.urls import path

from . import api

urlpatterns = [
    path("licence-types", api.LicenceTypeListView.as_view(), name="api-licence-types"),
    path("licence-types/<slug:code>", api.LicenceTypeDetailView.as_view(), name="api-licence-type"),
    path("licence-types/<slug:code>/map", api.LicenceMapView.as_view(), name="api-licence-map"),
    path("licence-types/<slug:code>/map/check", api.LicenceMapCheckView.as_view(), name="api-licence-map-check"),
    path("eligibility", api.EligibilityView.as_view(), name="api-eligibility"),
]
