"""The API's throttle backstop (issue 17 §7) and the trusted proxy hops (§8).

Sliding windows in the cache; anonymous requests per client address (IPv6 per /64), signed-in
ones per user; a refusal is ``429 {"code", "detail", "fields"}`` in Persian with Retry-After.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from daftar.accounts.tests.factories import UserFactory
from daftar.kernel.normalize import persian_digits
from daftar.runtime.throttles import parse_rate, sliding_hit

pytestmark = pytest.mark.django_db
PUBLIC = "/api/v1/licence-types"  # anonymous, cheap, no throttle of its own


@pytest.fixture
def rates(settings):
    """Set the backstop's rates for one test (DRF reloads its settings on the change)."""

    def set_rates(**rates: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


def test_a_window_admits_its_limit_then_says_how_long_to_wait():
    now = 1_000_020.0  # the start of a minute, and of a bucket of 6 s
    assert [sliding_hit("k", limit=3, window=60, now=now + i) for i in range(3)] == [None, None, None]
    # the first of the three leaves the window 57 s later; the buckets are 6 s wide
    wait = sliding_hit("k", limit=3, window=60, now=now + 3)
    assert wait is not None and 57 <= wait <= 57 + 6


def test_refused_requests_are_not_counted():
    now = 2_000_040.0
    for _ in range(3):
        sliding_hit("r", limit=3, window=60, now=now)
    first = sliding_hit("r", limit=3, window=60, now=now)
    for _ in range(50):
        assert sliding_hit("r", limit=3, window=60, now=now) == first  # hammering changes nothing


def test_the_window_slides_rather_than_resetting_at_once():
    minute = 3_000_000.0 - 3_000_000.0 % 60
    for at in (5, 5, 35, 35):
        assert sliding_hit("s", limit=4, window=60, now=minute + at) is None
    # a new minute has begun, but the last sixty seconds still hold all four: refused
    assert sliding_hit("s", limit=4, window=60, now=minute + 61) is not None
    # once the first two have slid out, two more go through, not four
    first, second, third = (sliding_hit("s", limit=4, window=60, now=minute + 66) for _ in range(3))
    assert first is None and second is None
    assert third is not None and abs(third - 29) <= 6  # those at :35 leave at 1:35, give or take a bucket


def test_rates_read_as_drf_writes_them():
    assert parse_rate("600/min") == (600, 60)
    assert parse_rate("30/m") == (30, 60)
    assert parse_rate("100/10m") == (100, 600)
    assert parse_rate("5/hour") == (5, 3600)
    assert parse_rate("0/min") is None and parse_rate(None) is None


def test_an_address_past_the_anonymous_backstop_gets_a_persian_429_with_retry_after(rates):
    rates(anon="5/min")
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    assert [client.get(PUBLIC).status_code for _ in range(5)] == [200] * 5
    refused = client.get(PUBLIC)
    assert refused.status_code == 429
    body = refused.json()
    wait = int(refused["Retry-After"])
    assert body == {
        "code": "throttled",
        "detail": f"تعداد درخواست‌ها بیش از حد مجاز است؛ {persian_digits(wait)} ثانیهٔ دیگر دوباره تلاش کنید.",
        "fields": {},
    }
    assert APIClient(REMOTE_ADDR="203.0.113.8").get(PUBLIC).status_code == 200  # another address


def test_one_ipv6_host_cannot_rotate_through_its_64(rates):
    rates(anon="5/min")
    for host in range(5):
        assert APIClient(REMOTE_ADDR=f"2001:db8:7:7::{host + 1:x}").get(PUBLIC).status_code == 200
    assert APIClient(REMOTE_ADDR="2001:db8:7:7:abcd::99").get(PUBLIC).status_code == 429
    assert APIClient(REMOTE_ADDR="2001:db8:7:8::1").get(PUBLIC).status_code == 200  # the next /64


def test_signed_in_requests_are_counted_per_person(rates):
    rates(user="4/min", anon="1000/min")
    alice, bob = APIClient(REMOTE_ADDR="203.0.113.9"), APIClient(REMOTE_ADDR="203.0.113.9")
    alice.force_authenticate(UserFactory())
    bob.force_authenticate(UserFactory())
    assert [alice.get("/api/v1/me").status_code for _ in range(4)] == [200] * 4
    refused = alice.get("/api/v1/me")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled" and refused["Retry-After"]
    assert bob.get("/api/v1/me").status_code == 200  # behind the same address


def test_the_default_rates_leave_room_for_a_crowd_behind_one_address(settings):
    """An address may be a carrier-grade NAT: a thousand people logging in within one minute
    (a captcha, a code request, a code each) fit under the anonymous backstop; a person
    clicking as fast as they can (a request a second) never meets the signed-in one."""
    anon = parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"])
    user = parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"])
    assert anon is not None and anon[0] / anon[1] >= 3 * 1000 / 60
    assert user is not None and user[0] / user[1] >= 1


# --- trusted proxy hops (issue 17 §8; docs/security.md «Trusted proxies») --------------------


def test_a_forged_x_forwarded_for_cannot_lift_the_limit_behind_one_trusted_proxy(rates, settings):
    """TRUSTED_PROXY_COUNT=1: the proxy appends the address it saw to whatever the client sent,
    so only the last entry counts. A client writing a new address into the header each time is
    still counted at its real one."""
    settings.TRUSTED_PROXY_COUNT = 1
    rates(anon="5/min")
    proxy = "10.0.0.2"

    def through_proxy(forged: str) -> int:
        client = APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.20")
        return client.get(PUBLIC).status_code

    statuses = [through_proxy(f"1.2.3.{n}") for n in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    # another real client behind the same proxy is not held back
    assert APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.21").get(PUBLIC).status_code == 200


def test_without_a_trusted_proxy_the_header_is_ignored(rates, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    rates(anon="5/min")
    statuses = [
        APIClient(REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").get(PUBLIC).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_with_the_cache_down_the_api_still_answers(rates, monkeypatch):
    """A Redis outage must not close the API: the backstop lets requests through (and logs)."""
    rates(anon="1/min")

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr("daftar.runtime.throttles.incr_and_get_many", down)
    client = APIClient(REMOTE_ADDR="203.0.113.77")
    assert [client.get(PUBLIC).status_code for _ in range(3)] == [200, 200, 200]
