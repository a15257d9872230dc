"""The spoken login captcha: the accessible twin of the picture (decision 0028, S15.3).

The digits are Persian number words recorded with espeak-ng's Persian voice in several voices,
speeds and pitches (``scripts/make_captcha_audio.sh``; the clips are committed, 8 kHz 16-bit
mono). Each answer is mixed at request time with the standard library alone (``wave``,
``array``). Every committed clip is public, so no answer may play one as it is: a matcher that
compares the sound against the clips read 200 of 200 answers when it could (decision 0028,
«The spoken twin against a matcher»). So each spoken digit is

* one of the recordings of its digit, its start and end trimmed by a random few milliseconds;
* resampled at a random rate (slower and lower or faster and higher, ±13%) that itself wavers
  a little within the word, so no single stretched copy of a clip lines up with all of it;
* at a random loudness, after a random pause;

and under all of it runs a bed of quieter «babble», the other digits' words (never one of the
answer's, so a person does not hear a wrong digit) at least 7 dB below the answer (``BABBLE_GAIN``),
and a little noise. As with the picture, the randomness comes from the seed
the server derives from the challenge key: the same key always sounds the same, so reloading
gives nothing to average.
"""

from __future__ import annotations

import array
import io
import math
import random
import sys
import wave
from functools import cache
from pathlib import Path

AUDIO_DIR = Path(__file__).resolve().parent / "captcha_assets" / "audio"
RATE = 8000
DIGITS = "3456789"
VARIANTS = (1, 2, 3, 4)  # the recordings per digit (scripts/make_captcha_audio.sh)
SPEECH_RMS = 4500.0  # an answer digit at full gain; babble and noise are set relative to it
SPEECH_GAIN = (0.8, 1.0)
BABBLE_GAIN = (0.2, 0.35)  # of SPEECH_RMS: at worst 0.8 / 0.35, 7.2 dB under the quietest digit
RATE_RANGE = (0.87, 1.13)  # playback rate of a digit: >1 faster and higher
WAVER = (0.03, 0.06)  # depth of the rate's wavering within a word
WAVER_HZ = (2.0, 4.5)
TRIM_START_S, TRIM_END_S = 0.03, 0.05  # at most, off each recording's start and end
LEAD_S, GAP_S, TAIL_S = (0.3, 0.6), (0.35, 0.8), (0.3, 0.5)
NOISE_LEVEL = (400, 900)  # uniform noise of ± this much


@cache
def _clip(digit: str, variant: int) -> tuple[float, ...]:
    """One recording, scaled to ``SPEECH_RMS``."""
    with wave.open(str(AUDIO_DIR / f"fa-{digit}-{variant}.wav"), "rb") as clip:
        assert clip.getframerate() == RATE and clip.getsampwidth() == 2 and clip.getnchannels() == 1
        samples = array.array("h")
        samples.frombytes(clip.readframes(clip.getnframes()))
    if sys.byteorder == "big":  # WAV samples are little-endian
        samples.byteswap()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    return tuple(s * SPEECH_RMS / rms for s in samples)


def _reshaped(rng: random.Random, digit: str, waver: bool) -> list[float]:
    """A recording of ``digit``, trimmed and resampled at a random (wavering) rate, gain 1."""
    clip = _clip(digit, rng.choice(VARIANTS))
    start = rng.randint(0, int(TRIM_START_S * RATE))
    end = len(clip) - rng.randint(0, int(TRIM_END_S * RATE))
    rate = rng.uniform(*RATE_RANGE)
    depth = rng.uniform(*WAVER) if waver else 0.0
    step = 2 * math.pi * rng.uniform(*WAVER_HZ) / RATE
    phase = rng.uniform(0, 2 * math.pi)
    out: list[float] = []
    position, t = float(start), 0
    while position < end - 1:
        whole = int(position)
        frac = position - whole
        out.append(clip[whole] * (1 - frac) + clip[whole + 1] * frac)
        position += rate * (1 + depth * math.sin(phase + step * t))
        t += 1
    # a few milliseconds' fade at each end: the trimmed edges would otherwise click
    fade = min(40, len(out) // 4)
    for i in range(fade):
        out[i] *= i / fade
        out[-1 - i] *= i / fade
    return out


def _mix(track: list[float], sound: list[float], at: int, gain: float) -> None:
    for i, sample in enumerate(sound[: max(0, len(track) - at)]):
        track[at + i] += sample * gain


def speak_wav(text: str, seed: int) -> bytes:
    """A WAV saying the digits of ``text`` (Latin digits 3-9) in Persian, over babble and noise."""
    rng = random.Random(seed)  # noqa: S311 - drawing noise from a secret seed (the answer is from secrets)
    spoken = []
    at = int(rng.uniform(*LEAD_S) * RATE)
    for digit in text:
        sound = _reshaped(rng, digit, waver=True)
        spoken.append((at, sound, rng.uniform(*SPEECH_GAIN)))
        at += len(sound) + int(rng.uniform(*GAP_S) * RATE)
    length = spoken[-1][0] + len(spoken[-1][1]) + int(rng.uniform(*TAIL_S) * RATE)
    track = [0.0] * length
    for start, sound, gain in spoken:
        _mix(track, sound, start, gain)
    others = [d for d in DIGITS if d not in text] or list(DIGITS)
    at = rng.randint(0, RATE // 4)
    while at < length:  # the babble: other digits' words, one after another, under everything
        sound = _reshaped(rng, rng.choice(others), waver=False)
        _mix(track, sound, at, rng.uniform(*BABBLE_GAIN))
        at += len(sound) + rng.randint(0, RATE // 8)
    level = rng.randint(*NOISE_LEVEL)
    samples = array.array("h", (max(-32768, min(32767, round(s + rng.uniform(-level, level)))) for s in track))
    out = io.BytesIO()
    with wave.open(out, "wb") as answer:
        answer.setnchannels(1)
        answer.setsampwidth(2)
        answer.setframerate(RATE)
        if sys.byteorder == "big":  # WAV samples are little-endian
            samples.byteswap()
        answer.writeframes(samples.tobytes())
    return out.getvalue()
