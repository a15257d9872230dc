from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("f/<str:token>/", views.rate, name="rate"),
    path("offices/<int:pk>/satisfaction/", views.office, name="office"),
    path("desk/feedback/", views.held, name="held"),
    path("desk/feedback/<int:pk>/", views.moderate, name="moderate"),
]
