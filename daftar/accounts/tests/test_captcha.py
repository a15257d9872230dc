"""The login captcha (S15.3, decision 0028): its picture and sound, what minting and refusing
cost, and the per-address caps on both."""

from __future__ import annotations

import io
import re
import wave
from unittest import mock

import pytest
from PIL import Image

from conftest import captcha_answer
from daftar.accounts import messages as msg

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


def test_the_sound_says_the_same_digits_in_persian(api):
    body = new_captcha(api)
    answer = captcha_answer(body["key"])
    sound = api.get(body["audio_url"])
    assert sound.status_code == 200 and sound["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(sound.content)) as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == (1, 2, 8000)
        seconds = clip.getnframes() / clip.getframerate()
    # five spoken digits with pauses between them: a few seconds, not a blip and not a minute
    assert 4 < seconds < 12
    assert api.get(body["audio_url"]).content == sound.content  # the same key, the same sound
    assert len(answer) == 5


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
