from django.urls import path

from . import api

urlpatterns = [
    path("offices/<int:pk>/tickets", api.OfficeTicketsView.as_view(), name="offices-tickets"),
    path("offices/<int:pk>/queue", api.OfficeQueueView.as_view(), name="offices-queue"),
    path("offices/<int:pk>/queue/call", api.OfficeQueueCallView.as_view(), name="offices-queue-call"),
    path(
        "offices/<int:pk>/tickets/<int:number>/transitions",
        api.OfficeTicketTransitionView.as_view(),
        name="offices-ticket-transition",
    ),
    path("tickets/<str:token>", api.TicketView.as_view(), name="tickets-detail"),
]
