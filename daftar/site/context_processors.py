from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from daftar.desk.navigation import menu_for
from daftar.kernel.branding import site_context


def site(request: HttpRequest) -> dict[str, object]:
    return site_context()


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role-grouped menu (daftar/desk/navigation.py), built only when a page renders it."""
    return {"menu": SimpleLazyObject(lambda: menu_for(getattr(request, "user", None)))}
