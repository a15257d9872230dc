"""The shared request counters (daftar/runtime/ratelimit.py): sliding windows and address groups."""

from __future__ import annotations

import pytest

from daftar.runtime import ratelimit

HOUR = 3600
T0 = 1_800_000_000.0  # the start of a bucket (a multiple of an hour)


@pytest.mark.parametrize(
    ("address", "group"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),  # another host of the same /64: the same group
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),  # the next /64: another group
        ("::ffff:203.0.113.7", "203.0.113.7"),  # an IPv4 address written as IPv6
        ("unknown", "unknown"),
    ],
)
def test_an_ipv6_host_counts_as_its_whole_64(address, group):
    assert ratelimit.address_group(address) == group


def test_a_sliding_window_has_no_cliff():
    for _ in range(60):
        ratelimit.sliding_add("k", window=HOUR, now=T0 + 10)
    assert ratelimit.sliding_count("k", window=HOUR, now=T0 + 20) == 60
    # Half an hour into the next bucket, half of the previous one still counts: no reset at
    # the window's edge, so no burst of 2 × limit across it.
    assert ratelimit.sliding_count("k", window=HOUR, now=T0 + HOUR + HOUR / 2) == pytest.approx(30)
    assert ratelimit.sliding_count("k", window=HOUR, now=T0 + 2 * HOUR + 1) == 0


def test_the_wait_is_until_the_estimate_falls_below_the_limit():
    for _ in range(60):
        ratelimit.sliding_add("k", window=HOUR, now=T0 + 10)
    assert ratelimit.sliding_wait("k", limit=61, window=HOUR, now=T0 + 20) is None
    wait = ratelimit.sliding_wait("k", limit=60, window=HOUR, now=T0 + 20)
    # 60 in this bucket: it must become the previous one and fade below 60 (just after the edge)
    assert wait is not None and HOUR - 20 < wait <= HOUR - 20 + 3
    later = ratelimit.sliding_wait("k", limit=30, window=HOUR, now=T0 + 20)
    assert later is not None and abs(later - (HOUR - 20 + HOUR / 2)) <= 3  # half faded: 30 left
    # Once the wait has passed, the estimate is below the limit.
    assert ratelimit.sliding_count("k", window=HOUR, now=T0 + 20 + later) < 30


def test_counts_are_kept_per_key():
    ratelimit.sliding_add("a", window=HOUR, now=T0)
    assert ratelimit.sliding_count("b", window=HOUR, now=T0) == 0
