from django.urls import path

from daftar.calls import api as calls_api

from . import api

urlpatterns = [
    path("calls", calls_api.CallListView.as_view(), name="api-calls"),
    path("calls/<int:pk>", calls_api.CallDetailView.as_view(), name="api-call"),
    path("calls/<int:pk>/ranking", api.RankingView.as_view(), name="api-call-ranking"),
    path("applications", api.ApplicationListView.as_view(), name="api-applications"),
    path("applications/export", api.ExportView.as_view(), name="api-applications-export"),
    path("applications/acknowledge", api.AcknowledgeView.as_view(), name="api-applications-acknowledge"),
    path("applications/<int:pk>", api.ApplicationDetailView.as_view(), name="api-application"),
    path("applications/<int:pk>/documents", api.DocumentUploadView.as_view(), name="api-application-documents"),
    path("applications/<int:pk>/submit", api.SubmitView.as_view(), name="api-application-submit"),
    path("applications/<int:pk>/withdraw", api.WithdrawView.as_view(), name="api-application-withdraw"),
    path("applications/<int:pk>/transitions", api.TransitionView.as_view(), name="api-application-transitions"),
    path(
        "applications/<int:pk>/inquiries/<slug:kind>/retry",
        api.InquiryRetryView.as_view(),
        name="api-application-inquiry-retry",
    ),
    path("documents/<int:pk>/review", api.DocumentReviewView.as_view(), name="api-document-review"),
    path("documents/<int:pk>/download", api.DocumentDownloadView.as_view(), name="api-document-download"),
]
