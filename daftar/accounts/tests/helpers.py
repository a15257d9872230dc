"""Helpers for the tests of the HTML login: read the captcha off the page and ask for a code, and
log in through the real pages in a browser (Playwright)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from conftest import captcha_answer, sms_code

MOBILE = "09123334455"


def captcha_key(html: str) -> str:
    match = re.search(r'name="captcha_key" value="([0-9a-f]+)"', html)
    assert match, "no captcha on the page"
    return match.group(1)


def start_login(client: Client, mobile: str = MOBILE, **extra: str):
    page = client.get("/login/")
    key = captcha_key(page.content.decode())
    data = {
        "person_type": "natural",
        "nationality": "IR",
        "mobile": mobile,
        "captcha_key": key,
        "captcha_value": captcha_answer(key),
        **extra,
    }
    return client.post("/login/", data)


def browser_login(page: Any, base: str, mobile: str) -> None:
    """The real login in the browser: mobile, captcha, then the SMS code from the outbox."""
    page.goto(base + "/login/")
    page.get_by_label("شماره تلفن همراه").fill(mobile)
    page.get_by_label("عدد امنیتی").fill(captcha_answer(page.locator("#id_captcha_key").input_value()))
    page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
    page.wait_for_url("**/login/code/")
    page.get_by_label("رمز یکبار مصرف").fill(sms_code(mobile))
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/dashboard/")
