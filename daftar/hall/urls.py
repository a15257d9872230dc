from django.urls import path

from . import views

app_name = "hall"

urlpatterns = [
    path("offices/<int:pk>/hall/", views.counter, name="counter"),
    path("offices/<int:pk>/hall/report/", views.report, name="report"),
    path("offices/<int:pk>/hall/display/", views.display, name="display"),
    path("offices/<int:pk>/kiosk/<str:key>/", views.kiosk, name="kiosk"),
    path("q/<str:token>/", views.ticket, name="ticket"),
]
