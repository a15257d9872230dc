"""Uploads per person (issue 17 §7): every upload endpoint, page or API, spends one hourly
budget per account; past it the answer is a Persian 429 with Retry-After, nothing is stored,
and other people are not affected."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.documents import messages as dmsg
from daftar.documents.models import Document
from daftar.inspections.models import InspectionPhoto
from daftar.inspections.services import inspection_schedule
from daftar.inspections.tests.helpers import case_at_inspection, inspector
from daftar.kernel.normalize import wait_text

from .helpers import client_for, draft, png_bytes, upload_file

pytestmark = pytest.mark.django_db
APPLICANT, OTHER = "09120000001", "09120000002"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.UPLOADS_PER_USER_HOURLY = 3
    return settings.MEDIA_ROOT


def stored(root: Path) -> int:
    return sum(1 for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else 0


def post_document(client, case_id: int):
    return client.post(
        f"/api/v1/applications/{case_id}/documents",
        {"type": "degree", "file": upload_file("degree")},
        format="multipart",
    )


def test_the_upload_past_the_hourly_budget_is_a_persian_429_with_retry_after(tehran_rules, media):
    me = client_for(User.objects.get(mobile=APPLICANT))
    case_id = draft(me)["id"]
    assert [post_document(me, case_id).status_code for _ in range(3)] == [201, 201, 201]
    refused = post_document(me, case_id)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "upload_throttled" and body["fields"] == {}
    wait = int(refused["Retry-After"])
    assert 3000 < wait <= 3600 + 360  # the hour, give or take one of its ten buckets
    assert body["detail"] == dmsg.UPLOAD_THROTTLED.format(wait=wait_text(wait))  # "۱ ساعت", "۵۸ دقیقهٔ"
    assert not re.search(r"[0-9]", body["detail"])
    assert Document.objects.count() == 3 and stored(media) == 3  # the refused file is not kept


def test_another_person_still_uploads(tehran_rules, media):
    me, other = client_for(User.objects.get(mobile=APPLICANT)), client_for(User.objects.get(mobile=OTHER))
    mine, theirs = draft(me)["id"], draft(other)["id"]
    for _ in range(3):
        post_document(me, mine)
    assert post_document(me, mine).status_code == 429
    assert post_document(other, theirs).status_code == 201


def test_the_budget_comes_back_as_the_hour_slides(tehran_rules, media, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    me = client_for(User.objects.get(mobile=APPLICANT))
    case_id = draft(me)["id"]
    for _ in range(3):
        post_document(me, case_id)
    for _ in range(5):  # refused tries are not counted: retrying does not lengthen the wait
        assert post_document(me, case_id).status_code == 429
    time_machine.shift(dt.timedelta(minutes=121))
    assert post_document(me, case_id).status_code == 201


def test_the_page_upload_is_limited_too_with_a_persian_page(tehran_rules, media):
    user = User.objects.get(mobile=APPLICANT)
    case_id = draft(client_for(user))["id"]
    browser = Client()
    browser.force_login(user)

    def upload():
        return browser.post(
            f"/applications/{case_id}/documents/", {"type": "degree", "file": upload_file("degree")}, follow=False
        )

    assert [upload().status_code for _ in range(3)] == [302, 302, 302]
    refused = upload()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "بارگذاری‌های شما در یک ساعت گذشته از حد مجاز بیشتر شده است" in page
    assert Document.objects.count() == 3


def test_inspection_photos_spend_the_inspectors_budget(tehran_rules, media):
    inspection = inspection_schedule(case_at_inspection(), inspector(), timezone.now() + dt.timedelta(days=1))
    client = client_for(inspector())

    def photo():
        return client.post(
            f"/api/v1/inspections/{inspection.pk}/photos",
            {"file": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")},
            format="multipart",
        )

    assert [photo().status_code for _ in range(3)] == [201, 201, 201]
    refused = photo()
    assert refused.status_code == 429 and refused.json()["code"] == "upload_throttled" and refused["Retry-After"]
    assert InspectionPhoto.objects.count() == 3
