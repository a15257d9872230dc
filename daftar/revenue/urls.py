"""Pages of revenue, costs, the municipality revenue report and the planner (S18)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("offices/<str:pk>/revenue/", views.office_revenue_page, name="office_revenue"),
    path("offices/<str:pk>/costs/", views.office_cost_add, name="office_cost_add"),
    path("offices/<str:pk>/costs/<str:cost_id>/delete/", views.office_cost_delete, name="office_cost_delete"),
    path("reports/revenue/", views.municipality_revenue_page, name="revenue"),
    path("reports/revenue/export.csv", views.municipality_revenue_export, {"fmt": "csv"}, name="export_csv"),
    path("reports/revenue/export.xlsx", views.municipality_revenue_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("planner/", views.planner_page, name="planner"),
]
