from django.http import HttpRequest

from .branding import site_context


def site(request: HttpRequest) -> dict[str, object]:
    return site_context()
