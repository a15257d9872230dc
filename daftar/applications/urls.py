from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.mine, name="mine"),
    path("applications/start/", views.start, name="start"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/documents/", views.upload, name="upload"),
    path("applications/<int:pk>/documents/<int:document_id>/", views.document_viewer, name="document"),
    path("applications/<int:pk>/documents/<int:document_id>/file/", views.document_file, name="document_file"),
    path("applications/<int:pk>/documents/<int:document_id>/review/", views.review, name="review"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/inquiries/<slug:kind>/retry/", views.retry_inquiry, name="retry_inquiry"),
    path("applications/<int:pk>/actions/<slug:action>/", views.act, name="act"),
    path("staff/queue/", views.queue_page, name="queue"),
    path("staff/queue/export/", views.export, name="export"),
    path("staff/queue/acknowledge/", views.acknowledge, name="acknowledge"),
]
