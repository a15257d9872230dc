from django.urls import path

from . import api

urlpatterns = [
    path("feedback/<str:token>", api.FeedbackView.as_view(), name="feedback-rate"),
]
