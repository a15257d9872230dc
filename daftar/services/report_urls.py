"""Pages of revenue, costs, the municipality revenue report and the planner (S18)."""

from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("offices/<str:pk>/revenue/", report_views.office_revenue_page, name="office_revenue"),
    path("offices/<str:pk>/costs/", report_views.office_cost_add, name="office_cost_add"),
    path("offices/<str:pk>/costs/<str:cost_id>/delete/", report_views.office_cost_delete, name="office_cost_delete"),
    path("reports/revenue/", report_views.municipality_revenue_page, name="revenue"),
    path("reports/revenue/export.csv", report_views.municipality_revenue_export, {"fmt": "csv"}, name="export_csv"),
    path("reports/revenue/export.xlsx", report_views.municipality_revenue_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("planner/", report_views.planner_page, name="planner"),
]
