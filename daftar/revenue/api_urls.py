"""API routes of revenue, the municipality revenue report and the planner (S18)."""

from django.urls import path

from . import api

urlpatterns = [
    path("offices/<str:pk>/revenue", api.OfficeRevenueView.as_view(), name="api-office-revenue"),
    path("reports/revenue", api.MunicipalityRevenueView.as_view(), name="api-reports-revenue"),
    path("planner", api.PlannerView.as_view(), name="api-planner"),
]
