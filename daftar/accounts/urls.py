from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_start, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/captcha/", views.captcha_refresh, name="captcha_refresh"),
    path("logout/", views.logout_view, name="logout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("profile/mobile/", views.mobile_change, name="mobile_change"),
    path("messages/", views.my_messages, name="messages"),  # the SMS sent to me (issue 21 §4)
]
