from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.mine, name="mine"),
    path("complaints/new/", views.new, name="new"),
    path("complaints/<str:code>/", views.detail, name="detail"),
    path("desk/complaints/", views.desk, name="desk"),
    path("desk/complaints/<str:code>/", views.desk_detail, name="desk_detail"),
    path("desk/complaints/<str:code>/violation/", views.desk_violation, name="desk_violation"),
]
