"""The login captcha (S15.3, decision 0028): its picture and sound, what minting and refusing
cost, and the per-address caps on both."""

from __future__ import annotations

import array
import io
import math
import random
import re
import wave
from unittest import mock

import pytest
from PIL import Image

from conftest import captcha_answer
from daftar.accounts import messages as msg
from daftar.accounts.captcha_audio import speak_wav

pytestmark = pytest.mark.django_db


def new_captcha(api, **extra):
    return api.get("/api/v1/auth/captcha", **extra).json()


def test_the_picture_is_a_png_the_same_on_every_load(api):
    body = new_captcha(api)
    first, again = api.get(body["image_url"]), api.get(body["image_url"])
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    assert first["Cache-Control"].startswith("max-age=0") and "no-store" in first["Cache-Control"]
    # The same key draws the same picture: reloading gives an OCR nothing to average.
    assert first.content == again.content
    image = Image.open(io.BytesIO(first.content))
    assert image.size == (240, 90)
    other = api.get(new_captcha(api)["image_url"])
    assert other.content != first.content


def test_the_answer_uses_digits_a_person_tells_apart(api):
    answers = {captcha_answer(new_captcha(api)["key"]) for _ in range(20)}
    assert all(re.fullmatch(r"[3-9]{5}", answer) for answer in answers)


def wav(content: bytes) -> tuple[tuple[int, int, int], array.array]:
    """(channels, sample width, rate) and the samples of a WAV."""
    with wave.open(io.BytesIO(content)) as clip:
        samples = array.array("h", clip.readframes(clip.getnframes()))
        return (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()), samples


def test_the_sound_is_a_short_wav_the_same_on_every_load(api):
    body = new_captcha(api)
    sound = api.get(body["audio_url"])
    assert sound.status_code == 200 and sound["Content-Type"] == "audio/wav"
    params, samples = wav(sound.content)
    assert params == (1, 2, 8000)  # mono 16-bit 8 kHz, which every browser plays
    # five spoken digits with pauses between them: a few seconds, not a blip and not a minute
    assert 3 < len(samples) / 8000 < 10
    # The same key, the same sound: reloading gives a listener nothing to average.
    assert api.get(body["audio_url"]).content == sound.content
    other = new_captcha(api)
    assert api.get(other["audio_url"]).content != sound.content


@pytest.mark.parametrize("seed", range(6))
def test_the_spoken_digits_stand_out_from_the_babble_under_them(seed):
    answer = "".join(random.Random(seed).choice("3456789") for _ in range(5))
    _, samples = wav(speak_wav(answer, seed))
    # Loudness of every 50 ms: the digits (the loudest tenth) are well over the bed of other
    # words and noise that fills the rest (its median), so a person hears which words count.
    n = 400
    levels = sorted(math.sqrt(sum(s * s for s in samples[i : i + n]) / n) for i in range(0, len(samples) - n, n))
    loud, bed = levels[int(0.9 * (len(levels) - 1))], levels[len(levels) // 2]
    assert 20 * math.log10(loud / bed) >= 8


def test_a_malformed_key_is_refused_before_any_query(api, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api.get("/captcha/image/not-a-key/").status_code == 410
        assert api.get("/captcha/audio/" + "z" * 40 + ".wav").status_code == 410
    body = {"mobile": "09121234567", "captcha_key": "x" * 64, "captcha_value": "12345"}
    with django_assert_num_queries(0):  # the wrong-captcha answer of the API costs no query either
        response = api.post("/api/v1/auth/otp/request", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "captcha_invalid"


def test_an_unknown_key_costs_one_look_up_and_no_drawing(api, django_assert_num_queries):
    with mock.patch("daftar.accounts.captcha.draw_png") as draw, django_assert_num_queries(1):
        assert api.get("/captcha/image/" + "a" * 40 + "/").status_code == 410
    draw.assert_not_called()


def test_minting_draws_nothing(api, client):
    with mock.patch("daftar.accounts.captcha.draw_png") as draw, mock.patch("daftar.accounts.captcha.speak_wav") as say:
        assert api.get("/api/v1/auth/captcha").status_code == 200
        assert client.get("/login/").status_code == 200
        assert client.get("/login/captcha/").status_code == 200
    draw.assert_not_called()
    say.assert_not_called()


def test_the_unlimited_refresh_of_the_captcha_library_is_gone(client):
    assert client.get("/captcha/refresh/").status_code == 404


def test_minting_is_refused_past_a_far_ceiling_with_a_wait(api, client, settings):
    settings.CAPTCHA_PER_ADDRESS_CEILING = 3
    for _ in range(3):
        assert api.get("/api/v1/auth/captcha").status_code == 200
    refused = api.get("/api/v1/auth/captcha")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    refresh = client.get("/login/captcha/")
    assert refresh.status_code == 429 and int(refresh["Retry-After"]) > 0
    page = client.get("/login/")
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert 'name="captcha_key" value=""' not in page.content.decode()  # no captcha row was made
    # Another address is not affected.
    assert api.get("/api/v1/auth/captcha", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_drawing_is_capped_per_address(api, settings):
    settings.CAPTCHA_RENDERS_PER_ADDRESS_HOURLY = 2
    url = new_captcha(api)["image_url"]
    assert api.get(url).status_code == 200
    assert api.get(url).status_code == 200
    refused = api.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert msg.CAPTCHA_THROTTLED.split("؛")[0] in refused.content.decode()


def test_the_login_page_offers_the_sound_with_a_persian_label(client):
    html = client.get("/login/").content.decode()
    audio = re.search(r"<audio [^>]*>", html)
    assert audio and 'aria-labelledby="captcha-audio-label"' in audio.group(0)
    assert re.search(r'id="captcha-audio-label">[^<]*به فارسی', html)
    key = re.search(r'name="captcha_key" value="([0-9a-f]{40})"', html).group(1)
    assert f'src="/captcha/audio/{key}.wav"' in audio.group(0)
