from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from daftar.desk.navigation import menu_for
from daftar.kernel.branding import site_context
from daftar.runtime.pagecache import rendering_for_cache


def site(request: HttpRequest) -> dict[str, object]:
    return site_context()


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role-grouped menu (daftar/desk/navigation.py), built only when a page renders it."""
    return {"menu": SimpleLazyObject(lambda: menu_for(getattr(request, "user", None)))}


def csrf(request: HttpRequest) -> dict[str, Any]:
    """While a page is built to be kept in the cache (``runtime.pagecache``), its CSRF token is
    a placeholder that each answer fills with the visitor's own; otherwise Django's, untouched."""
    placeholder = rendering_for_cache(request)
    return {"csrf_token": placeholder} if placeholder else {}
