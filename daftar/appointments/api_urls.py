from django.urls import path

from . import api

urlpatterns = [
    path("offices/<int:pk>/slots", api.SlotsView.as_view(), name="api-office-slots"),
    path("offices/<int:pk>/appointments", api.OfficeAppointmentsView.as_view(), name="api-office-appointments"),
    path("appointments", api.AppointmentListView.as_view(), name="api-appointments"),
    path("appointments/<str:code>", api.AppointmentDetailView.as_view(), name="api-appointment"),
    path("appointments/<str:code>/status", api.AppointmentStatusView.as_view(), name="api-appointment-status"),
]
