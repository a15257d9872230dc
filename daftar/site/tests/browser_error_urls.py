"""The portal's URL configuration plus a page that fails and a page that refuses, for the error
pages' browser test (test_browser_error_pages.py): only there, never in the portal's own URLs."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as portal

from .error_urls import broken


def refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [path("broken/", broken), path("refused/", refused), *portal]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
