from django.urls import path

from . import api

urlpatterns = [
    path("tariffs", api.TariffTableView.as_view(), name="tariffs-table"),
]
