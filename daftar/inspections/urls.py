from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("inspections/", views.visits, name="list"),
    path("inspections/schedule/<int:pk>/", views.schedule, name="schedule"),
    path("inspections/<int:pk>/", views.detail, name="detail"),
    path("inspections/visits/<int:pk>/", views.visit_detail, name="visit"),
    path("inspections/<int:pk>/photos/", views.photos, name="photos"),
    path("inspections/<int:pk>/photos/<int:photo_id>/", views.photo_download, name="photo"),
]
