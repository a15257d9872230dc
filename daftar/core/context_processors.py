from django.http import HttpRequest

from daftar.core.branding import site_context


def site(request: HttpRequest) -> dict[str, object]:
    return site_context()
