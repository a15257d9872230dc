"""The certificate PDF: its text, and page 1 drawn to test-artifacts/60-certificate.png."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from PIL import ImageFile
from pypdf import PdfReader

from daftar.kernel.jalali import to_jalali
from daftar.licences.certificate import certificate_html, certificate_pdf

from .helpers import issue_through_api

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


@pytest.fixture(autouse=True)
def signing_key(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "licence-ed25519.pem"
    settings.LICENCE_SIGNING_KEY_FILE = str(path)
    return path


def test_certificate_pdf(tehran_rules, django_capture_on_commit_callbacks) -> None:
    licence = issue_through_api(django_capture_on_commit_callbacks)
    html = certificate_html(licence)
    assert "http://" not in html.split("<body>")[0] and "file://" in html  # fonts from disk
    assert to_jalali(licence.issued_at) in html  # Persian digits in the page
    pdf = certificate_pdf(licence)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert licence.number in text
    issued = to_jalali(licence.issued_at).translate(LATIN)  # 1404/09/03
    flat = text.translate(LATIN)
    # pypdf extracts right-to-left runs in visual order, so a date can come out reversed
    assert issued in flat or issued[::-1] in flat, text
    fonts = {str(font) for page in reader.pages for font in _fonts(page)}
    assert any("Vazirmatn" in font for font in fonts), fonts

    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=1.6).to_pil()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "60-certificate.png")
    assert image.width > image.height  # A4 landscape
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # WeasyPrint's import must not loosen uploads


def _fonts(page: Any) -> list[str]:
    resources = page.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    return [fonts[name].get_object().get("/BaseFont", "") for name in fonts]
