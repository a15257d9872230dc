"""Helpers for the tests of the login: read the captcha off the page and ask for a code, ask for
and check codes through the API from a given client address, and log in through the real pages
in a browser (Playwright)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.test import Client

from conftest import captcha_answer, sms_code
from daftar.accounts.models import User

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
    """Signed in as ``mobile`` in the browser, on the dashboard. A person with an account gets the
    session the login's last step makes (Django's ``login()``, whose ``user_logged_in`` stamps the
    session's limits) as the browser's cookie: the login pages cost ~1.5 s a test, and their own
    journeys walk them (test_browser_login.py, test_browser_captcha.py). A first login, with no
    account yet, goes through the pages (``browser_login_by_code``)."""
    user = User.objects.filter(mobile=mobile, is_active=True).first()
    if user is None:
        browser_login_by_code(page, base, mobile)
        return
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    page.goto(base + "/dashboard/")
    assert page.url.endswith("/dashboard/"), page.url


def browser_login_by_code(page: Any, base: str, mobile: str) -> None:
    """The real login in the browser: mobile, captcha, then the SMS code from the outbox."""
    page.goto(base + "/login/")
    page.get_by_label("شماره تلفن همراه").fill(mobile)
    page.get_by_label("عدد امنیتی").fill(captcha_answer(page.locator("#id_captcha_key").input_value()))
    page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
    page.wait_for_url("**/login/code/")
    page.get_by_label("رمز یکبار مصرف").fill(sms_code(mobile))
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/dashboard/")


def ask(api: Any, mobile: str, address: str, **extra: str) -> Any:
    key = api.get("/api/v1/auth/captcha", REMOTE_ADDR=address).json()["key"]
    body = {"mobile": mobile, "captcha_key": key, "captcha_value": captcha_answer(key), **extra}
    return api.post("/api/v1/auth/otp/request", body, format="json", REMOTE_ADDR=address)


def check(api: Any, mobile: str, code: str, address: str, **extra: str) -> Any:
    body = {"mobile": mobile, "code": code, **extra}
    return api.post("/api/v1/auth/otp/verify", body, format="json", REMOTE_ADDR=address)


def wrong(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 10**6:06d}"
