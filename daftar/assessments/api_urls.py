from django.urls import path

from . import api

urlpatterns = [
    path("exam-sessions", api.ExamSessionCreateView.as_view(), name="api-exam-sessions"),
    path("exam-sessions/<int:pk>", api.ExamSessionView.as_view(), name="api-exam-session"),
    path("exam-sessions/<int:pk>/seats", api.SeatAssignView.as_view(), name="api-exam-session-seats"),
    path("exam-sessions/<int:pk>/scores", api.ScoresView.as_view(), name="api-exam-session-scores"),
    path("exam-sessions/<int:pk>/decide", api.SessionDecideView.as_view(), name="api-exam-session-decide"),
    path("applications/<int:pk>/interview", api.InterviewView.as_view(), name="api-interview"),
    path("applications/<int:pk>/interview/scores", api.InterviewScoreView.as_view(), name="api-interview-scores"),
    path(
        "applications/<int:pk>/interview/schedule",
        api.InterviewScheduleView.as_view(),
        name="api-interview-schedule",
    ),
    path("applications/<int:pk>/interview/decide", api.InterviewDecideView.as_view(), name="api-interview-decide"),
    path(
        "applications/<int:pk>/training-credits",
        api.TrainingCreditView.as_view(),
        name="api-training-credits",
    ),
]
