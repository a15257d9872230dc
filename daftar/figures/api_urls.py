"""The public figures under ``/api/v1/`` (API.md «National portal, complaints and public figures»)."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "municipalities/<slug:slug>/statistics.csv",
        api.MunicipalityStatisticsCSVView.as_view(),
        name="api-municipality-statistics-csv",
    ),
    path(
        "municipalities/<slug:slug>/statistics",
        api.MunicipalityStatisticsView.as_view(),
        name="api-municipality-statistics",
    ),
]
