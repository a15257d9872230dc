"""The licence certificate as a PDF (WeasyPrint): Persian, right to left, A4 landscape.

The page is ``templates/licences/certificate.html``; the Vazirmatn font comes from the vendored
static files by ``file://`` URL and the QR code is an inline SVG data URI, so rendering never
touches the network (the URL fetcher allows only ``file:`` and ``data:`` URLs).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from PIL import ImageFile

from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_number

from .models import Licence
from .services import licence_qr_text, licence_sign, site_url

FONT_FILES = {"regular": "vendor/vazirmatn/Vazirmatn-Regular.woff2", "bold": "vendor/vazirmatn/Vazirmatn-Bold.woff2"}


def _static_path(name: str) -> Path:
    found = finders.find(name)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return Path(found)
    return Path(settings.BASE_DIR) / "daftar" / "static" / name


def qr_svg_data_uri(text: str) -> str:
    """``text`` as a QR code (error correction M), an SVG data URI."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def certificate_html(licence: Licence) -> str:
    if not licence.payload or not licence.signature:
        licence_sign(licence)
    site = site_url()
    area = licence.premises_area_m2
    return render_to_string(
        "licences/certificate.html",
        {
            "licence": licence,
            "font_regular": _static_path(FONT_FILES["regular"]).as_uri(),
            "font_bold": _static_path(FONT_FILES["bold"]).as_uri(),
            "issued": to_jalali(licence.issued_at),
            "valid_from": to_jalali(licence.valid_from),
            "valid_until": to_jalali(licence.valid_until),
            "area": persian_number(float(area)) if area is not None else "",
            "qr_data_uri": qr_svg_data_uri(licence_qr_text(licence)),
            "verify_url": f"{site}/licences/verify/{licence.number}",
            "public_key_url": f"{site}/licences/public-key.pem",
        },
    )


def certificate_pdf(licence: Licence) -> bytes:
    """The certificate of ``licence`` as PDF bytes."""
    # WeasyPrint is a heavy import, made only when a certificate is drawn. Importing it sets
    # Pillow's global LOAD_TRUNCATED_IMAGES, which would let truncated uploads pass the
    # documents' image check in this process: put the flag back (the certificate has no raster
    # image; its QR is SVG).
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML  # heavy: imported only when a certificate is drawn (above)
    from weasyprint.urls import URLFetcher  # likewise

    ImageFile.LOAD_TRUNCATED_IMAGES = truncated

    static_root = _static_path(FONT_FILES["regular"]).parent
    # file: and data: only — rendering never reaches the network
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    pdf = HTML(string=certificate_html(licence), base_url=static_root.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return bytes(pdf)
