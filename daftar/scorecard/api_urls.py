from django.urls import path

from . import api

urlpatterns = [
    path("offices/<int:pk>/scorecard", api.OfficeScorecardView.as_view(), name="offices-scorecard"),
]
