from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/ranking/", views.call_ranking, name="ranking"),
]
