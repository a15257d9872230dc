from django.urls import path

from . import views

app_name = "scorecard"

urlpatterns = [
    path("offices/<int:pk>/scorecard/", views.office, name="office"),
    path("desk/scorecards/", views.ranking_page, name="ranking"),
    path("desk/scorecards/compute/", views.compute, name="compute"),
]
