"""The portal's URL configuration plus a page that fails, for the error pages' tests
(test_error_pages.py): Django reads ``handler500`` from the root URL configuration."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as portal


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a page that fails")


urlpatterns = [path("broken/", broken), *portal]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
