from django.urls import path

from . import api

urlpatterns = [
    path("offices", api.OfficeListView.as_view(), name="offices-list"),
    path("offices/<int:pk>", api.OfficeDetailView.as_view(), name="offices-detail"),
    path("offices/<int:pk>/hours", api.OfficeHoursView.as_view(), name="offices-hours"),
    path("offices/<int:pk>/staff", api.OfficeStaffView.as_view(), name="offices-staff"),
    path("offices/<int:pk>/staff/<int:staff_id>", api.OfficeStaffMemberView.as_view(), name="offices-staff-member"),
    path("offices/<int:pk>/closures", api.OfficeClosuresView.as_view(), name="offices-closures"),
    path("offices/<int:pk>/closures/<int:closure_id>", api.OfficeClosureView.as_view(), name="offices-closure"),
]
