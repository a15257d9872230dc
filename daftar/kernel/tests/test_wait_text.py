"""How a wait is said to a person: Persian digits, and the unit that fits its length."""

from __future__ import annotations

import pytest

from daftar.kernel.normalize import wait_text


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0, "۱ ثانیهٔ"),
        (45, "۴۵ ثانیهٔ"),
        (60, "۱ دقیقهٔ"),
        (130, "۳ دقیقهٔ"),
        (3540, "۵۹ دقیقهٔ"),
        (3600, "۱ ساعت"),
        (5400, "۱ ساعت و ۳۰ دقیقهٔ"),
        (86399, "۲۴ ساعت"),
    ],
)
def test_a_wait_is_said_in_persian_digits_and_a_fitting_unit(seconds, said):
    assert wait_text(seconds) == said
