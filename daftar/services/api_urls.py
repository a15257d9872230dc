from django.urls import path

from . import api

urlpatterns = [
    path("offices/<int:pk>/transactions", api.OfficeTransactionsView.as_view(), name="office-transactions"),
    path("offices/<int:pk>/closings", api.OfficeClosingsView.as_view(), name="office-closings"),
]
