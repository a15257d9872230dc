"""A person's own SMS, on a page and in the API (issue 21 §4): theirs only, newest first, never
a one-time code, with whether each went out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from daftar.accounts.tests.factories import UserFactory
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import outbox_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Any]:
    me, other = UserFactory(mobile="09121000001"), UserFactory(mobile="09121000002")
    city = MunicipalityFactory()
    outbox_enqueue(to=me.mobile, text="پروندهٔ شما ثبت شد، ۱ مهر", kind="application_submitted", recipient=me)
    newer = outbox_enqueue(
        to=me.mobile, text="درخواست شما تأیید شد 12", kind="application_status", recipient=me, municipality=city
    )
    OutboxMessage.objects.filter(pk=newer.pk).update(
        created_at=timezone.now() + dt.timedelta(minutes=1), status="sent", sent_at=timezone.now()
    )
    outbox_enqueue(to=me.mobile, text="رمز ورود شما ۱۲۳۴۵۶", kind="otp", sensitive=True)
    outbox_enqueue(to=other.mobile, text="پیام دیگری برای دیگری", kind="application_status", recipient=other)
    # a message to this number before the account held it: not this person's
    outbox_enqueue(to=me.mobile, text="پیام صاحب پیشین شماره", kind="application_status")
    return {"me": me, "other": other}


def test_the_page_lists_only_my_messages_newest_first(people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["me"])
    response = client.get("/messages/")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("تأیید شد ۱۲") < text.index("ثبت شد، ۱ مهر")  # newest first, Persian digits
    assert "فرستاده شد" in text and "در صف ارسال" in text
    for hidden in ("رمز ورود", "برای دیگری", "صاحب پیشین"):
        assert hidden not in text
    assert "۲ پیامک" in text


def test_the_page_asks_for_a_login() -> None:
    response = Client().get("/messages/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_api_lists_only_my_messages(people: dict[str, Any]) -> None:
    api = APIClient()
    api.force_authenticate(people["me"])
    body = api.get("/api/v1/me/messages").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["status"] == "sent" and first["kind"] == "application_status" and first["sent_at"]
    assert first["text"] == "درخواست شما تأیید شد ۱۲"
    assert first["created_at_jalali"]
    assert {r["text"] for r in body["results"]} == {"درخواست شما تأیید شد ۱۲", "پروندهٔ شما ثبت شد، ۱ مهر"}


def test_the_api_needs_a_login() -> None:
    response = APIClient().get("/api/v1/me/messages")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_page_past_the_end_is_not_found(people: dict[str, Any]) -> None:
    api = APIClient()
    api.force_authenticate(people["me"])
    assert api.get("/api/v1/me/messages?page=9").status_code == 404
