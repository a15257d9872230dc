from django.urls import path

from . import api

urlpatterns = [
    path("applications/<int:pk>/inspections", api.ApplicationInspectionsView.as_view(), name="inspections-schedule"),
    path("inspections/<int:pk>", api.InspectionView.as_view(), name="inspections-detail"),
    path("inspections/<int:pk>/photos", api.InspectionPhotosView.as_view(), name="inspections-photos"),
    path("inspections/<int:pk>/result", api.InspectionResultView.as_view(), name="inspections-result"),
]
