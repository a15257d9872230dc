from django.urls import path

from . import api

urlpatterns = [
    path("licences/<str:number>/violations", api.LicenceViolationsView.as_view(), name="supervision-violations"),
    path("licences/<str:number>/notices", api.LicenceNoticesView.as_view(), name="supervision-notices"),
    path("licences/<str:number>/reports", api.LicenceReportsView.as_view(), name="supervision-reports"),
    path("notices/<int:pk>/response", api.NoticeResponseView.as_view(), name="supervision-notice-response"),
    path("notices/<int:pk>/decision", api.NoticeDecisionView.as_view(), name="supervision-notice-decision"),
]
