from django.urls import path

from . import api

urlpatterns = [
    path("tariffs", api.TariffTableView.as_view(), name="tariffs-table"),
    path("offices/<int:pk>/transactions", api.OfficeTransactionsView.as_view(), name="office-transactions"),
    path("offices/<int:pk>/closings", api.OfficeClosingsView.as_view(), name="office-closings"),
]
