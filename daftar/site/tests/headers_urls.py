"""A one-page URL configuration for the production headers test (test_pages.py): no database
and no static files, so the production settings' middleware can be seen on its own."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>t</title>")


urlpatterns = [path("", page)]
