from django.urls import path

from . import api

urlpatterns = [
    path("applications/<int:pk>/inspections", api.ApplicationInspectionsView.as_view(), name="inspections-schedule"),
    path("inspections/<int:pk>", api.InspectionView.as_view(), name="inspections-detail"),
    path("inspections/<int:pk>/photos", api.InspectionPhotosView.as_view(), name="inspections-photos"),
    path("inspections/<int:pk>/photos/<int:photo_id>", api.InspectionPhotoView.as_view(), name="inspections-photo"),
    path("inspections/<int:pk>/result", api.InspectionResultView.as_view(), name="inspections-result"),
    path("licences/<str:number>/visits", api.LicenceVisitsView.as_view(), name="supervision-visits-schedule"),
    path("visits/<int:pk>", api.VisitView.as_view(), name="supervision-visits-detail"),
    path("visits/<int:pk>/result", api.VisitResultView.as_view(), name="supervision-visits-result"),
]
