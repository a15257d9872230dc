"""What the scrubber takes out of log lines and error reports (decision 0039)."""

from __future__ import annotations

import pytest

from daftar.runtime.scrub import scrub, scrub_text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("sms to 09123456789 failed", "sms to 0912***89 failed"),
        ("from +989123456789.", "from 0912***89."),
        ("from 00989123456789", "from 0912***89"),
        ("شماره ۰۹۱۲۳۴۵۶۷۸۹ ثبت شد", "شماره 0912***89 ثبت شد"),
        ("national code 0499370899", "national code [national_code]"),
        ("GET /verify?mobile=09123456789&page=2", "GET /verify?mobile=0912***89&page=2"),
        ("POST /x?token=abc&code=123456&next=/a", "POST /x?token=[redacted]&code=[redacted]&next=/a"),
    ],
)
def test_personal_data_and_secrets_are_taken_out(text, shown):
    assert scrub_text(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "counted 1234567890 rows",  # ten digits failing the check digit: not a national code
        "request 3f2a0499370899abcdef",  # a digit run inside an id
        "licence TEH-1403-0001 issued",
        "tracking 140309150001",  # twelve digits: not a mobile
    ],
)
def test_other_numbers_and_ids_are_left_alone(text):
    assert scrub_text(text) == text


def test_secret_keys_are_redacted_but_numbers_under_them_kept():
    event = {
        "password": "hunter2",
        "device_token": "abc",
        "headers": {"Authorization": "Bearer x", "Cookie": "sessionid=1", "Accept": "text/html"},
        "code": 200,  # the HTTP status of a request line
        "tokens_purged": 3,
        "request_id": "0499370899",
        "nested": [{"mobile": "09121112233"}],
    }
    assert scrub(event) == {
        "password": "[redacted]",
        "device_token": "[redacted]",
        "headers": {"Authorization": "[redacted]", "Cookie": "[redacted]", "Accept": "text/html"},
        "code": 200,
        "tokens_purged": 3,
        "request_id": "0499370899",
        "nested": [{"mobile": "0912***33"}],
    }
