"""Property tests of normalisation and the two check-digit validators."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from daftar.kernel import messages as m
from daftar.kernel.normalize import normalize_data, normalize_text, persian_digits
from daftar.kernel.validators import (
    legal_national_id_is_valid,
    national_code_is_valid,
    normalize_legal_national_id,
    normalize_mobile,
    normalize_national_code,
)

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC = "٠١٢٣٤٥٦٧٨٩"


def to_persian(s: str) -> str:
    return s.translate(str.maketrans("0123456789", PERSIAN))


def to_arabic(s: str) -> str:
    return s.translate(str.maketrans("0123456789", ARABIC))


def with_check_digit(nine: str) -> str:
    total = sum(int(nine[i]) * (10 - i) for i in range(9)) % 11
    return nine + str(total if total < 2 else 11 - total)


def legal_with_check(ten: str) -> str:
    base = int(ten[9]) + 2
    weights = (29, 27, 23, 19, 17)
    total = sum((base + int(ten[i])) * weights[i % 5] for i in range(10)) % 11
    return ten + str(0 if total == 10 else total)


digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(st.text())
def test_normalize_is_idempotent(value: str) -> None:
    once = normalize_text(value)
    assert normalize_text(once) == once


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_persian_and_arabic_digits_become_latin(value: str) -> None:
    assert normalize_text(to_persian(value)) == value
    assert normalize_text(to_arabic(value)) == value
    assert normalize_text(persian_digits(value)) == value


def test_arabic_letters_become_persian_and_zwnj_is_kept() -> None:
    assert normalize_text("  علي\u200cرضا كريمي  ") == "علی\u200cرضا کریمی"
    assert normalize_data({"a": [" ك٣ "], "b": 3}) == {"a": ["ک3"], "b": 3}


@given(digits)
def test_every_mobile_format_normalises_to_the_same_number(nine: str) -> None:
    canonical = "09" + nine
    forms = [
        canonical,
        "9" + nine,
        "+989" + nine,
        "00989" + nine,
        f"0{nine[:0]}9{nine[:2]} {nine[2:5]}-{nine[5:]}",
        to_persian(canonical),
        to_arabic("+989" + nine),
        f" 0912 {nine} ".replace("0912 " + nine, "09" + nine[:2] + " " + nine[2:]),
    ]
    for raw in forms:
        assert normalize_mobile(raw) == canonical, raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0912345678", m.MOBILE_INVALID),  # too short
        ("091234567890", m.MOBILE_INVALID),  # too long
        ("+447911123456", m.MOBILE_NOT_IRANIAN),
        ("00447911123456", m.MOBILE_NOT_IRANIAN),
        ("0912abc4567", m.MOBILE_NOT_DIGITS),
        ("۰۹۱۲ا۳۴۵۶۷۸۹", m.MOBILE_NOT_DIGITS),
        ("", m.MOBILE_REQUIRED),
        ("02112345678", m.MOBILE_INVALID),  # a landline
    ],
)
def test_bad_mobiles_are_refused_in_persian(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_mobile(raw)
    assert info.value.messages == [message]


@given(digits)
def test_national_code_with_its_check_digit_is_valid(nine: str) -> None:
    code = with_check_digit(nine)
    if len(set(code)) == 1 or code[3:9] == "000000":
        assert not national_code_is_valid(code)
        return
    assert national_code_is_valid(code)
    assert normalize_national_code(to_persian(code)) == code
    wrong = code[:9] + str((int(code[9]) + 1) % 10)
    assert not national_code_is_valid(wrong)


@given(st.text(alphabet="0123456789", min_size=0, max_size=14).filter(lambda s: len(s) != 10))
def test_national_code_of_wrong_length_is_refused(value: str) -> None:
    assert not national_code_is_valid(value)


@pytest.mark.parametrize("digit", "0123456789")
def test_national_code_of_equal_digits_is_refused(digit: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_national_code(digit * 10)
    assert info.value.messages == [m.NATIONAL_CODE_CHECK]


def test_national_code_messages() -> None:
    with pytest.raises(ValidationError) as info:
        normalize_national_code("001234567")
    assert info.value.messages == [m.NATIONAL_CODE_LENGTH]
    with pytest.raises(ValidationError) as info:
        normalize_national_code("0012345678")
    assert info.value.messages == [m.NATIONAL_CODE_CHECK]
    with pytest.raises(ValidationError) as info:
        normalize_national_code("00123x5679")
    assert info.value.messages == [m.NATIONAL_CODE_DIGITS]
    assert normalize_national_code("۰۰۱-۲۳۴۵۶۷-۹") == "0012345679"


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_legal_national_id_with_its_check_digit(ten: str) -> None:
    code = legal_with_check(ten)
    expected = int(code) != 0 and int(code[3:9]) != 0
    assert legal_national_id_is_valid(code) is expected
    if expected:
        wrong = code[:10] + str((int(code[10]) + 1) % 10)
        assert not legal_national_id_is_valid(wrong)
        assert normalize_legal_national_id(to_arabic(code)) == code


def test_known_legal_national_id() -> None:
    # Vectors used by the persian-tools project's tests.
    assert legal_national_id_is_valid("10380284790")
    for bad in ("10380284792", "10380285692", "09748208301", "11111111111", "12300000000"):
        assert not legal_national_id_is_valid(bad), bad
    with pytest.raises(ValidationError) as info:
        normalize_legal_national_id("1038028479")
    assert info.value.messages == [m.LEGAL_ID_LENGTH]


# --- parse_datetime: Jalali, Gregorian and the ISO forms the API returns (review #14) ----------


class TestParseDatetime:
    def test_the_api_s_own_iso_output_is_read_back(self) -> None:
        import datetime as dt

        from daftar.kernel.jalali import TEHRAN, parse_datetime

        expected = dt.datetime(2026, 11, 24, 9, 0, tzinfo=TEHRAN)
        assert parse_datetime("2026-11-24T09:00:00+03:30") == expected
        assert parse_datetime("2026-11-24T05:30:00Z") == expected  # aware input keeps its instant
        assert parse_datetime("2026-11-24T09:00:00") == expected  # naive ISO → Tehran time
        assert parse_datetime("2026-11-24 09:00:00") == expected
        assert parse_datetime("2026-11-24T09:00:00.123+03:30").second == 0
        assert parse_datetime("۲۰۲۶-۱۱-۲۴T۰۹:۰۰:۰۰+۰۳:۳۰") == expected  # Persian digits

    def test_the_jalali_and_spaced_forms_still_work(self) -> None:
        import datetime as dt

        from daftar.kernel.jalali import TEHRAN, parse_datetime

        expected = dt.datetime(2026, 11, 24, 9, 0, tzinfo=TEHRAN)
        assert parse_datetime("1405/09/03 09:00") == expected
        assert parse_datetime("۱۴۰۵/۰۹/۰۳ ۰۹:۰۰") == expected
        assert parse_datetime("2026-11-24 09:00") == expected
        assert parse_datetime("1405/09/03") == dt.datetime(2026, 11, 24, tzinfo=TEHRAN)
        # a Jalali year written the ISO way with seconds is still read as Jalali
        assert parse_datetime("1405-09-03T09:00:00") == expected
        assert parse_datetime("1405-09-03T09:00:00+03:30") == expected
        assert parse_datetime("1405-02-31T10:00:00").date() == dt.date(2026, 5, 21)  # Ordibehesht has 31 days

    @pytest.mark.parametrize(
        "raw",
        ["", "garbage", "2026-13-45T09:00:00", "2026-11-24T25:00:00", "2026-11-24T09:00:00+99:00", "1405/13/01 09:00"],
    )
    def test_garbage_is_refused_in_persian(self, raw: str) -> None:
        from daftar.kernel.jalali import parse_datetime

        with pytest.raises(ValidationError) as exc:
            parse_datetime(raw)
        assert exc.value.messages == [m.DATETIME_INVALID]
