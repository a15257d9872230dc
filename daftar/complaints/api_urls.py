from django.urls import path

from . import api

urlpatterns = [
    path("complaints", api.ComplaintsView.as_view(), name="complaints-create"),
    path("complaints/<str:code>", api.ComplaintView.as_view(), name="complaints-read"),
    path("complaints/<str:code>/answer", api.ComplaintAnswerView.as_view(), name="complaints-answer"),
    path("complaints/<str:code>/reopen", api.ComplaintReopenView.as_view(), name="complaints-reopen"),
    path("complaints/<str:code>/violation", api.ComplaintViolationView.as_view(), name="complaints-violation"),
]
