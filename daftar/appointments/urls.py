from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("offices/<int:pk>/book/", views.book, name="book"),
    path("offices/<int:pk>/book/confirm/", views.confirm, name="confirm"),
    path("offices/<int:pk>/appointments/", views.office_list, name="office_day"),
    path("appointments/", views.mine, name="mine"),
    path("appointments/<str:code>/", views.detail, name="detail"),
    path("appointments/<str:code>/cancel/", views.cancel, name="cancel"),
    path("appointments/<str:code>/status/", views.mark, name="mark"),
]
