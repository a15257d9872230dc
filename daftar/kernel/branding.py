"""The platform's name as every page shows it: the ``site`` context processor's, and that of the
pages rendered without a request (the 429 of the admission gate, the 503 of a lost database)."""

SITE_NAME = "دفتر"
SITE_TITLE = "سامانهٔ دفاتر خدمات الکترونیک شهر"


def site_context() -> dict[str, object]:
    return {"SITE_NAME": SITE_NAME, "SITE_TITLE": SITE_TITLE}
