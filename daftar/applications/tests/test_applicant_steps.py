"""The applicant's case as numbered steps (issue 19 §4): the apply form pre-filled from the
self-check, the documents step (one upload area answering in JSON, per-file Persian errors, what
is still missing), the confirmation the server insists on, the stages ahead with their legal
limits, and the next step in words on «پرونده‌های من»."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from daftar.accounts.models import User
from daftar.applications import messages as amsg
from daftar.applications import services
from daftar.applications.models import Application
from daftar.applications.presenters import missing_documents, requirements_for, stages_ahead
from daftar.documents.models import Document
from daftar.rules.models import DocumentRequirement

from .helpers import APPLY_FORM, GOOD_FACTS, client_for, open_call, submitted_case, upload_file

pytestmark = pytest.mark.django_db

APPLICANT, OTHER = "09120000001", "09120000010"
JSON = {"HTTP_ACCEPT": "application/json"}


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def web(who: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(who)
    return client


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def draft_of(mobile: str = APPLICANT) -> Application:
    call = open_call()
    return services.application_create(
        call=call, district_id=call.districts.first().district_id, facts_raw=GOOD_FACTS, actor=user(mobile)
    )


def test_the_apply_form_is_prefilled_from_the_last_self_check(tehran_rules):
    me = web(user(OTHER))
    call = open_call()
    page = me.get(f"/calls/{call.pk}/").content.decode()
    assert 'id="prefilled"' not in page  # no self-check yet: nothing to fill in
    answers = {**APPLY_FORM, "experience_years": "۷"}
    response = me.post("/licences/e-city-office/check/?municipality=tehran", answers)
    assert response.status_code == 200
    page = me.get(f"/calls/{call.pk}/").content.decode()
    assert 'id="prefilled"' in page
    assert 'name="experience_years" value="۷"' in page
    assert 'name="premises_area_m2" value="۷۵"' in page
    assert 'name="lat" value="۳۵٫۷۴۵"' in page
    assert 'value="master" selected' in page
    assert re.search(r'name="has_criminal_record"[^>]*value="no"[^>]*checked', page)
    # The applicant may still change an answer: the form sends what they typed.
    district = call.districts.first().district_id
    response = me.post(f"/calls/{call.pk}/", {"district": district, **APPLY_FORM, "experience_years": "۹"})
    assert response.status_code == 302
    assert Application.objects.get(applicant__mobile=OTHER).facts["experience_years"] == 9


def test_a_visitors_self_check_fills_the_apply_form_after_signing_in(tehran_rules):
    visitor = Client()
    answers = {**APPLY_FORM, "experience_years": "۸"}
    assert visitor.post("/licences/e-city-office/check/?municipality=tehran", answers).status_code == 200
    visitor.force_login(user(OTHER))  # signing in keeps the session's data (a new key)
    page = visitor.get(f"/calls/{open_call().pk}/").content.decode()
    assert 'id="prefilled"' in page
    assert 'name="experience_years" value="۸"' in page
    # another browser, the same person: nothing was saved for them, so nothing is filled in
    assert 'id="prefilled"' not in web(user(OTHER)).get(f"/calls/{open_call().pk}/").content.decode()


def test_the_documents_step_lists_what_is_missing_and_ticks_what_is_uploaded(tehran_rules, media):
    case = draft_of()
    me = web(user(APPLICANT))
    required = list(DocumentRequirement.objects.filter(required=True, stage="submission").order_by("order"))
    first = required[0]
    assert [r.code for r in missing_documents(case, [], requirements_for(case))] == [r.code for r in required]
    response = me.post(f"/applications/{case.pk}/documents/", {"type": first.code, "file": upload_file(first.code)})
    assert response.status_code == 302
    page = me.get(f"/applications/{case.pk}/").content.decode()
    assert f'data-missing="{first.code}"' not in page
    assert all(f'data-missing="{r.code}"' in page for r in required[1:])
    assert f'data-document="{first.code}" data-state="pending"' in page
    assert "بارگذاری شد، در انتظار بررسی" in page
    # uploaded but not reviewed has its own mark; ✔ is for an accepted document only
    assert _mark(page, first.code) == "◐" and _mark(page, required[1].code) == "○"
    Document.objects.filter(application=case, doc_type=first.code).update(review_state="accepted")
    page = me.get(f"/applications/{case.pk}/").content.decode()
    assert _mark(page, first.code) == "✔" and "پذیرفته شد" in page
    Document.objects.filter(application=case, doc_type=first.code).update(review_state="rejected")
    assert _mark(me.get(f"/applications/{case.pk}/").content.decode(), first.code) == "✘"


def _mark(page: str, code: str) -> str:
    found = re.search(rf'data-document="{code}"[^>]*>\s*<span class="doc-tick" aria-hidden="true">(.)</span>', page)
    assert found, code
    return found.group(1)


def test_the_json_upload_answers_with_what_is_still_missing(tehran_rules, media):
    case = draft_of()
    me = web(user(APPLICANT))
    response = me.post(
        f"/applications/{case.pk}/documents/", {"type": "national_card", "file": upload_file("national_card")}, **JSON
    )
    assert response.status_code == 201
    body = json.loads(response.content)
    assert body["ok"] is True and body["code"] == "national_card"
    assert "بارگذاری شد" in body["message"]
    required = DocumentRequirement.objects.filter(required=True, stage="submission").exclude(code="national_card")
    assert {m["code"] for m in body["missing"]} == set(required.values_list("code", flat=True))
    assert Document.objects.filter(application=case).count() == 1


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"type": "national_card", "name": "shell.pdf", "content": b"<?php system(1); ?>"}, 415, "نوع"),
        ({"type": "passport", "name": "a.pdf", "content": None}, 400, "نوع مدرک"),
        ({"type": "national_card", "name": "a.pdf", "content": b""}, 400, "خالی"),
    ],
)
def test_a_bad_json_upload_is_a_persian_error_per_file_and_stores_nothing(tehran_rules, media, data, status, message):
    case = draft_of()
    content = data["content"]
    file = upload_file("national_card") if content is None else SimpleUploadedFile(data["name"], content)
    response = web(user(APPLICANT)).post(
        f"/applications/{case.pk}/documents/", {"type": data["type"], "file": file}, **JSON
    )
    assert response.status_code == status
    body = json.loads(response.content)
    assert body["ok"] is False and message in body["message"]
    assert len(body["missing"]) == DocumentRequirement.objects.filter(required=True, stage="submission").count()
    assert not Document.objects.exists()


def test_a_json_upload_too_big_or_on_someone_elses_case_or_without_csrf_is_refused(tehran_rules, media, settings):
    case = draft_of()
    response = web(user(OTHER)).post(
        f"/applications/{case.pk}/documents/", {"type": "national_card", "file": upload_file("national_card")}, **JSON
    )
    assert response.status_code == 404  # the same as a case that does not exist
    settings.API_MAX_UPLOAD_BYTES = 2048
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 5000, content_type="application/pdf")
    response = web(user(APPLICANT)).post(f"/applications/{case.pk}/documents/", {"type": "degree", "file": big}, **JSON)
    assert response.status_code == 413 and "حجم" in json.loads(response.content)["message"]
    settings.API_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    strict = web(user(APPLICANT), enforce_csrf_checks=True)
    response = strict.post(
        f"/applications/{case.pk}/documents/", {"type": "national_card", "file": upload_file("national_card")}, **JSON
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_submitting_an_incomplete_file_is_refused_even_when_confirmed(tehran_rules, media):
    case = draft_of()
    me = web(user(APPLICANT))
    page = me.get(f"/applications/{case.pk}/").content.decode()
    assert 'id="submit-form"' not in page and 'id="confirm-waiting"' in page
    response = me.post(f"/applications/{case.pk}/submit/", {"confirm": "on"})
    assert response.status_code == 409
    assert "پیش از ثبت نهایی این مدارک را بارگذاری کنید" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "draft" and case.tracking_code is None


def test_submitting_needs_the_confirmation_box(tehran_rules, media):
    case = draft_of()
    me = web(user(APPLICANT))
    for requirement in DocumentRequirement.objects.filter(required=True, stage="submission"):
        data = {"type": requirement.code, "file": upload_file(requirement.code)}
        me.post(f"/applications/{case.pk}/documents/", data)
    page = me.get(f"/applications/{case.pk}/").content.decode()
    assert 'data-step="3" data-state="current"' in page and "درست و کامل" in page
    response = me.post(f"/applications/{case.pk}/submit/", {"confirm": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert amsg.CONFIRM_REQUIRED in page and 'id="id_submit_confirm_error"' in page
    assert Application.objects.get(pk=case.pk).status == "draft"
    assert me.post(f"/applications/{case.pk}/submit/", {"confirm": "on"}).status_code == 302
    assert Application.objects.get(pk=case.pk).status == "submitted"


def test_tracking_shows_the_stages_ahead_with_their_legal_limits(tehran_rules, media):
    case_id = submitted_case(client_for(user(APPLICANT)))["id"]
    case = Application.objects.get(pk=case_id)
    page = web(user(APPLICANT)).get(f"/applications/{case_id}/").content.decode()
    assert 'data-step="4" data-state="current"' in page
    stages = {s["stage"]: s for s in stages_ahead(case, [])}
    assert stages["submitted"]["state"] == "current"
    assert [stages[s]["state"] for s in ("exam", "interview", "site_inspection", "final_review")] == ["waiting"] * 4
    assert 'data-stage="exam" data-state="waiting"' in page
    assert "مهلت قانونی: ۳۰ روز کاری" in page  # the exam's limit (the example default)
    assert "موعد قانونی" in page  # the running stage's deadline


def test_my_cases_say_the_next_step_in_words(tehran_rules, media):
    case = draft_of()
    page = web(user(APPLICANT)).get("/applications/").content.decode()
    count = DocumentRequirement.objects.filter(required=True, stage="submission").count()
    assert "گام بعدی: گام ۲ از ۴: بارگذاری" in page
    assert f'href="/applications/{case.pk}/"' in page
    assert count > 0
