"""API routes of revenue, the municipality revenue report and the planner (S18)."""

from django.urls import path

from . import report_api

urlpatterns = [
    path("offices/<str:pk>/revenue", report_api.OfficeRevenueView.as_view(), name="api-office-revenue"),
    path("reports/revenue", report_api.MunicipalityRevenueView.as_view(), name="api-reports-revenue"),
    path("planner", report_api.PlannerView.as_view(), name="api-planner"),
]
