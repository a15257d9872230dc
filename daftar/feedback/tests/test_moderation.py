"""Which comments are held for a supervisor (issue 22 §1): whole words, in any of the ways
Persian is typed, and nothing that merely contains one."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.feedback import messages as msg
from daftar.feedback.moderation import reasons


@pytest.mark.parametrize(
    "comment",
    [
        "کارمندش الاغ بود",
        "الاغ‌ها",  # plural with ZWNJ
        "الاغها",  # and without
        "احمققققق",  # a letter repeated for emphasis
        "خیلی بیشعور بودند",  # written without the ZWNJ of «بی‌شعور»
        "بي‌شعور",  # with Arabic ي
        "دزدی کردند",
    ],
)
def test_abusive_words_are_held(comment: str) -> None:
    assert reasons(comment) == [msg.REASON_ABUSE]


@pytest.mark.parametrize(
    "comment",
    ["خرید بلیت آسان بود", "آخر وقت هم جواب دادند", "گاوصندوق", "", "کارمند مؤدب و صبور بود", "۴ بار رفتم"],
)
def test_ordinary_words_pass(comment: str) -> None:
    assert reasons(comment) == []


@pytest.mark.parametrize("comment", ["شماره‌ام ۰۹۱۲۳۴۵۶۷۸۹ است", "کد ملی 0012345679", "تماس 021-8800 1111"])
def test_numbers_that_could_name_a_person_are_held(comment: str) -> None:
    assert reasons(comment) == [msg.REASON_PHONE]


@pytest.mark.parametrize("comment", ["ببینید https://example.com", "www.example.ir", "سایت daftar.ir"])
def test_links_are_held(comment: str) -> None:
    assert reasons(comment) == [msg.REASON_LINK]


def test_a_municipality_adds_its_own_words(settings: Any) -> None:
    assert reasons("بی‌ادب بود") == []
    settings.FEEDBACK_BLOCKED_WORDS = "بی‌ادب, شلخته"
    assert reasons("بی‌ادب بود") == [msg.REASON_ABUSE]
    assert reasons("شلخته") == [msg.REASON_ABUSE]
