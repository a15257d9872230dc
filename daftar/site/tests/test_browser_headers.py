"""The browser reads the Permissions-Policy as meant (issue 17 §8): every feature it names is one
Chromium knows (an unknown name is an error in the console), and a page asking for the position
or the camera is refused by the browser itself."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_carry_a_permissions_policy_the_browser_accepts(live_server: Any, page: Any) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    for path in ("/", "/offices/", "/login/"):
        response = page.goto(live_server.url + path)
        assert response is not None and "geolocation=()" in (response.header_value("Permissions-Policy") or "")
    assert not [text for text in console if "Permissions-Policy" in text or "Permissions policy" in text], console
    allowed = page.evaluate(
        "['camera', 'microphone', 'geolocation', 'payment', 'usb']"
        ".filter((f) => document.featurePolicy ? document.featurePolicy.allowsFeature(f) : true)"
    )
    assert allowed == []
