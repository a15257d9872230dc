from django.http import HttpRequest

from daftar.kernel.branding import site_context


def site(request: HttpRequest) -> dict[str, object]:
    return site_context()
