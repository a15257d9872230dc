"""The spoken login captcha: the accessible twin of the picture (decision 0028, S15.3).

The digits are Persian number words, recorded once with espeak-ng's Persian voice
(``scripts/make_captcha_audio.sh``; the clips are committed, 8 kHz 16-bit mono). Each answer
mixes them at request time with the standard library alone (``wave``, ``array``): a random
pause before each digit, a random loudness per digit, and a bed of noise under all of it, so no
two answers are the same bytes. As with the picture, the randomness comes from the seed the
server derives from the challenge key: the same key always sounds the same.
"""

from __future__ import annotations

import array
import io
import random
import sys
import wave
from functools import cache
from pathlib import Path

AUDIO_DIR = Path(__file__).resolve().parent / "captcha_assets" / "audio"
RATE = 8000


@cache
def _clip(digit: str) -> array.array:
    with wave.open(str(AUDIO_DIR / f"fa-{digit}.wav"), "rb") as clip:
        assert clip.getframerate() == RATE and clip.getsampwidth() == 2 and clip.getnchannels() == 1
        samples = array.array("h")
        samples.frombytes(clip.readframes(clip.getnframes()))
    return samples


def _silence(seconds: float) -> array.array:
    return array.array("h", bytes(2 * int(RATE * seconds)))


def speak_wav(text: str, seed: int) -> bytes:
    """A WAV saying the digits of ``text`` (Latin digits 3-9) in Persian, with noise."""
    rng = random.Random(seed)  # noqa: S311 - drawing noise from a secret seed (the answer is from secrets)
    track = _silence(rng.uniform(0.4, 0.7))
    for digit in text:
        gain = rng.uniform(0.7, 1.0)
        track.extend(array.array("h", (int(s * gain) for s in _clip(digit))))
        track.extend(_silence(rng.uniform(0.45, 0.9)))
    level = rng.randint(500, 1100)
    noisy = array.array("h", (max(-32768, min(32767, s + rng.randint(-level, level))) for s in track))
    out = io.BytesIO()
    with wave.open(out, "wb") as answer:
        answer.setnchannels(1)
        answer.setsampwidth(2)
        answer.setframerate(RATE)
        if sys.byteorder == "big":  # WAV samples are little-endian
            noisy.byteswap()
        answer.writeframes(noisy.tobytes())
    return out.getvalue()
