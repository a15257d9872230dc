from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.mine, name="mine"),
    path("supervision/notices/<int:pk>/", views.notice, name="notice"),
    path("supervision/licences/<str:number>/report/", views.report, name="report"),
]
