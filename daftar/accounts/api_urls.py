from django.urls import path

from . import api

urlpatterns = [
    path("auth/captcha", api.CaptchaView.as_view(), name="api-auth-captcha"),
    path("auth/otp/request", api.OtpRequestView.as_view(), name="api-auth-otp-request"),
    path("auth/otp/verify", api.OtpVerifyView.as_view(), name="api-auth-otp-verify"),
    path("auth/logout", api.LogoutView.as_view(), name="api-auth-logout"),
    path("me", api.MeView.as_view(), name="api-me"),
    path("me/messages", api.MyMessagesView.as_view(), name="api-me-messages"),  # issue 21 §4
]
