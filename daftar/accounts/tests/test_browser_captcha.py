"""Browser journey: the login page of a busy address (decision 0028) in Debian's Chromium, on a
phone (360 px) and a desktop (1366 px): the captcha's picture and its spoken twin, the proof of
work solved by the page itself, then the code. axe-core (npm, dev only) finds no serious or
critical problem; any CSP violation fails the test."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import axe_findings, captcha_answer, screenshot
from daftar.accounts import messages as msg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1366])
def test_a_busy_address_logs_in_after_the_page_solves_the_proof_of_work(
    live_server: Any, browser: Any, csp_guard: Any, settings: Any, width: int
) -> None:
    settings.OTP_CHALLENGE_AFTER = 0  # this address is busy: every request needs the proof of work
    settings.POW_MAX_NUMBER = 3000
    context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": width, "height": 900}))
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    assert page.locator("#captcha-image").evaluate("img => img.naturalWidth") == 240
    audio = page.locator("audio#captcha-audio")
    assert audio.get_attribute("aria-labelledby") == "captcha-audio-label"
    assert "به فارسی" in page.locator("#captcha-audio-label").inner_text()
    # The sound is there to be played: its address answers with a WAV.
    src = audio.get_attribute("src")
    assert src is not None
    assert page.request.get(live_server.url + src).headers["content-type"] == "audio/wav"
    # and the browser can play it: it decodes the WAV and knows its length (a few seconds)
    seconds = audio.evaluate(
        """a => new Promise((done, failed) => {
            a.addEventListener("loadedmetadata", () => done(a.duration));
            a.addEventListener("error", () => failed(new Error("the browser cannot decode the sound")));
            a.preload = "metadata";
            a.load();
        })"""
    )
    assert 3 < seconds < 10

    expect(page.locator("#pow-status")).to_have_text(msg.CHALLENGE_DONE, timeout=20_000)
    assert page.locator("#id_pow_solution").input_value()
    assert axe_findings(page) == []
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width, f"the login page is {width_used}px wide on a {width}px screen"
    screenshot(page, f"07-login-busy-address-{width}")

    page.get_by_label("شماره تلفن همراه").fill("09120000017")
    page.get_by_label("عدد امنیتی").fill(captcha_answer(page.locator("#id_captcha_key").input_value()))
    page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
    page.wait_for_url("**/login/code/")
    context.close()


def test_a_missing_proof_of_work_is_explained_on_the_page(live_server: Any, page: Any, settings: Any) -> None:
    settings.OTP_CHALLENGE_AFTER = 0
    settings.POW_MAX_NUMBER = 3000
    page.route("**/pow-worker*.js", lambda route: route.abort())  # a browser whose worker never runs
    page.goto(live_server.url + "/login/")
    page.get_by_label("شماره تلفن همراه").fill("09120000018")
    page.get_by_label("عدد امنیتی").fill(captcha_answer(page.locator("#id_captcha_key").input_value()))
    expect(page.locator("#login-submit")).to_be_enabled()  # a failed worker does not block the form
    page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
    expect(page.get_by_text(msg.CHALLENGE_REQUIRED).first).to_be_visible()
    assert axe_findings(page) == []
    screenshot(page, "08-login-challenge-required")
