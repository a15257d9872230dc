"""The picture of the login captcha («عدد امنیتی», S15.3), drawn with Pillow (decision 0028).

Made for people who read Persian and against off-the-shelf OCR (``bench/captcha_ocr.py``):
the digits are drawn in Persian forms (۳–۹) in two weights of Vazirmatn (shipped with the
code), each at its own size and tilt, packed so that neighbours touch, on a wavy
baseline; two dark strokes of the text's own colour cross the digits, and a few pale
Latin digits sit behind them as decoys. The whole picture is then bent by a smooth warp.

Everything random comes from ``random.Random(seed)``: the server derives the seed from
the challenge key and ``SECRET_KEY`` (``captcha.py``), so the same key always gives the same
picture (a reload cannot be used to average several drawings) and nobody can predict it.
"""

from __future__ import annotations

import io
import math
import random
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS_DIR = Path(__file__).resolve().parent / "captcha_assets" / "fonts"
# Subsets (Latin and Persian digits only) of Vazirmatn 33.0.3, SIL OFL (its licence beside them).
FONT_FILES = ("Vazirmatn-Medium-Digits.ttf", "Vazirmatn-Bold-Digits.ttf")
WIDTH, HEIGHT = 240, 90
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS_DIR / name), size)


def _ink(rng: random.Random) -> tuple[int, int, int]:
    """A dark colour: a person reads it against the pale background (contrast above 7:1)."""
    return (rng.randint(10, 70), rng.randint(10, 70), rng.randint(40, 110))


def _glyph(char: str, rng: random.Random) -> Image.Image:
    font = _font(rng.choice(FONT_FILES), rng.randint(50, 58))
    left, top, right, bottom = (int(v) for v in font.getbbox(char))
    pad = 8
    tile = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(tile).text((pad - left, pad - top), char, font=font, fill=255)
    tile = tile.rotate(rng.uniform(-15, 15), resample=Image.Resampling.BICUBIC, expand=True)
    return tile.crop(tile.getbbox())


def _stroke(draw: ImageDraw.ImageDraw, rng: random.Random, ink: tuple[int, int, int], width: int) -> None:
    """A smooth curve across the whole picture, through the band of the digits."""
    x0, x1 = rng.randint(-10, 20), rng.randint(WIDTH - 20, WIDTH + 10)
    y0, y1 = rng.randint(20, HEIGHT - 20), rng.randint(20, HEIGHT - 20)
    amplitude, period, phase = rng.uniform(6, 14), rng.uniform(60, 140), rng.uniform(0, math.tau)
    points = []
    for step in range(41):
        t = step / 40
        x = x0 + (x1 - x0) * t
        y = y0 + (y1 - y0) * t + amplitude * math.sin(x / period * math.tau + phase)
        points.append((x, y))
    draw.line(points, fill=ink, width=width, joint="curve")


def _warp(image: Image.Image, rng: random.Random) -> Image.Image:
    """Bend the picture: each column moves up or down, each row left or right, smoothly."""
    amp_y, per_y, ph_y = rng.uniform(3, 5), rng.uniform(50, 110), rng.uniform(0, math.tau)
    amp_x, per_x, ph_x = rng.uniform(1.5, 3), rng.uniform(30, 60), rng.uniform(0, math.tau)
    step = 15
    mesh = []
    for x in range(0, WIDTH, step):
        for y in range(0, HEIGHT, step):
            box = (x, y, x + step, y + step)

            def src(px: float, py: float) -> tuple[float, float]:
                return (
                    px + amp_x * math.sin(py / per_x * math.tau + ph_x),
                    py + amp_y * math.sin(px / per_y * math.tau + ph_y),
                )

            quad = (*src(x, y), *src(x, y + step), *src(x + step, y + step), *src(x + step, y))
            mesh.append((box, quad))
    return image.transform(
        image.size, Image.Transform.MESH, mesh, resample=Image.Resampling.BICUBIC, fillcolor=image.getpixel((0, 0))
    )


def draw_png(text: str, seed: int) -> bytes:
    """The PNG of ``text`` (Latin digits; drawn in Persian forms) for the seed ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - drawing noise from a secret seed (the answer is from secrets)
    background = (rng.randint(236, 250), rng.randint(236, 250), rng.randint(228, 246))
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    ink = _ink(rng)
    # Pale decoys behind the digits: Latin digits a reader's eye skips (light) but a
    # recogniser trained on Latin captchas picks up.
    for _ in range(rng.randint(6, 9)):
        decoy = str(rng.randint(0, 9))
        font = _font(FONT_FILES[0], rng.randint(16, 26))
        shade = rng.randint(150, 190)
        draw.text(
            (rng.randint(0, WIDTH - 14), rng.randint(0, HEIGHT - 24)), decoy, font=font, fill=(shade, shade, shade)
        )
    glyphs = [_glyph(char, rng) for char in text.translate(PERSIAN)]
    overlap = [rng.randint(-3, 2) for _ in glyphs]
    total = sum(g.width for g in glyphs) - sum(overlap[1:])
    x = max(2, (WIDTH - total) // 2)
    for index, glyph in enumerate(glyphs):
        if index:
            x -= overlap[index]
        y = (HEIGHT - glyph.height) // 2 + rng.randint(-7, 7)
        image.paste(ink, (x, y), glyph)
        x += glyph.width
    for width in (2, 1):
        _stroke(draw, rng, ink, width)
    image = _warp(image, rng)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
