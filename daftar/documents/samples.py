"""Small, valid sample files (a one-page PDF, a PNG) for tests, the demo and benchmarks."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from pypdf import PdfWriter


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


# --- the demo's look-alike documents (daftar/demo/review.py): no text, only the shapes of one --


def _form_page(page: int, size: tuple[int, int] = (595, 842)) -> Image.Image:
    """An A4-like page drawn as a filled-in form: a header band, a stamp, ruled lines of "text"."""

    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((30, 30, width - 30, 110), fill=(21, 87, 36) if page == 1 else (52, 58, 64))
    draw.ellipse((width - 100, 45, width - 50, 95), outline=(255, 255, 255), width=4)
    y = 150
    for line in range(18):
        length = width - 80 - (line * 37 % 160)
        draw.rectangle((width - 40 - length, y, width - 40, y + 9), fill=(173, 181, 189))
        y += 32
    draw.rectangle((40, height - 190, 240, height - 60), outline=(13, 110, 253), width=3)
    draw.ellipse((width - 200, height - 200, width - 60, height - 60), outline=(220, 53, 69), width=5)
    return image


def demo_pdf_bytes(pages: int = 1) -> bytes:
    """A PDF of ``pages`` form-like pages (images), as a scanned paper would be."""
    images = [_form_page(n + 1) for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=72.0)
    return out.getvalue()


def demo_card_png() -> bytes:
    """An identity card's look: a rounded card with a photo box and lines."""

    image = Image.new("RGB", (640, 400), (248, 249, 250))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((10, 10, 630, 390), radius=24, fill=(207, 226, 255), outline=(13, 110, 253), width=4)
    draw.rectangle((40, 80, 200, 290), fill=(173, 181, 189))
    draw.ellipse((85, 110, 155, 180), fill=(108, 117, 125))
    for n, length in enumerate((320, 260, 300, 200)):
        draw.rectangle((600 - length, 100 + n * 50, 600, 118 + n * 50), fill=(73, 80, 87))
    draw.rectangle((40, 320, 600, 350), fill=(25, 135, 84))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def demo_photo_jpeg() -> bytes:
    """A room's look: a floor, a window, two desks with screens."""

    image = Image.new("RGB", (800, 600), (233, 236, 239))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(173, 136, 96))
    draw.rectangle((520, 60, 760, 260), fill=(158, 197, 254), outline=(255, 255, 255), width=10)
    for left in (60, 300):
        draw.rectangle((left, 330, left + 200, 350), fill=(73, 80, 87))
        draw.rectangle((left + 20, 350, left + 35, 440), fill=(73, 80, 87))
        draw.rectangle((left + 165, 350, left + 180, 440), fill=(73, 80, 87))
        draw.rectangle((left + 60, 250, left + 150, 320), fill=(33, 37, 41))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
