"""Helpers for the tests of the HTML login: read the captcha off the page and ask for a code."""

from __future__ import annotations

import re

from django.test import Client

from conftest import captcha_answer

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
