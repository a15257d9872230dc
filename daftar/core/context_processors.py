from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"SITE_NAME": "دفتر", "SITE_TITLE": "سامانهٔ دفاتر خدمات الکترونیک شهر"}
