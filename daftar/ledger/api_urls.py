"""API routes of an office's books: transactions, daily closings and costs (S18)."""

from django.urls import path

from . import api

urlpatterns = [
    path("offices/<int:pk>/transactions", api.OfficeTransactionsView.as_view(), name="office-transactions"),
    path("offices/<int:pk>/closings", api.OfficeClosingsView.as_view(), name="office-closings"),
    path("offices/<str:pk>/costs", api.OfficeCostsView.as_view(), name="api-office-costs"),
    path("offices/<str:pk>/costs/<str:cost_id>", api.OfficeCostDetailView.as_view(), name="api-office-cost-detail"),
]
