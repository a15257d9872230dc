from django.urls import path

from . import views

app_name = "offices"

urlpatterns = [
    path("offices/", views.finder, name="finder"),
    path("offices/mine/", views.mine, name="mine"),
    path("offices/<int:pk>/", views.detail, name="detail"),
    path("offices/<int:pk>/manage/", views.manage, name="manage"),
    path("offices/<int:pk>/staff/", views.register, name="register"),
]
