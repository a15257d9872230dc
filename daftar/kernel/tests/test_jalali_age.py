"""Ages in Jalali years, as people count birthdays (the technical manager's, issue 22 §5)."""

from __future__ import annotations

import datetime as dt

import jdatetime

from daftar.kernel.jalali import jalali_age


def j(y: int, m: int, d: int) -> dt.date:
    return jdatetime.date(y, m, d).togregorian()


def test_the_birthday_itself_counts() -> None:
    assert jalali_age(j(1380, 9, 3), j(1405, 9, 2)) == 24
    assert jalali_age(j(1380, 9, 3), j(1405, 9, 3)) == 25


def test_a_jalali_birthday_not_a_gregorian_one() -> None:
    # 1378/12/10 is 29 February 2000; the 25th birthday is 1403/12/10 (28 February 2025)
    assert j(1378, 12, 10) == dt.date(2000, 2, 29)
    assert jalali_age(j(1378, 12, 10), j(1403, 12, 10)) == 25
    assert jalali_age(j(1378, 12, 10), j(1403, 12, 9)) == 24


def test_esfand_30_counts_on_esfand_29_in_a_common_year() -> None:
    assert jdatetime.date(1399, 1, 1).isleap()  # 1399 has Esfand 30
    born = j(1399, 12, 30)
    assert not jdatetime.date(1400, 1, 1).isleap()
    assert jalali_age(born, j(1400, 12, 29)) == 1
    assert jalali_age(born, j(1400, 12, 28)) == 0
