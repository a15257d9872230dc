"""The HTML pages of calls and cases (issue 4 §7) through Django's test client: who sees what,
Persian errors for bad input with nothing changed, the staff queue, its exports and bulk
acknowledgement."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications import messages as amsg
from daftar.applications import services
from daftar.applications.models import Application
from daftar.applications.views import ACKNOWLEDGED, NONE_CHOSEN, SUBMITTED
from daftar.calls import messages as cmsg
from daftar.calls.models import Call
from daftar.calls.services import call_create
from daftar.documents import messages as dmsg
from daftar.documents.models import Document, ReviewState
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.municipalities.models import Municipality
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.rules.models import DocumentRequirement, LicenceType

from .helpers import (
    APPLY_FORM,
    GOOD_FACTS,
    INSPECTION,
    client_for,
    move,
    open_call,
    staff,
    submitted_case,
    through_review,
    upload_file,
)

pytestmark = pytest.mark.django_db

APPLICANT, REVIEWER, EXAMINER, INSPECTOR, AUTHORITY = (f"0912000000{i}" for i in range(1, 6))
OTHER_APPLICANT = "09120000010"


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def web(who: User) -> Client:
    client = Client()
    client.force_login(who)
    return client


def html(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def karaj_reviewer() -> User:
    karaj = MunicipalityFactory(slug="karaj", name="شهرداری کرج")
    DistrictFactory(municipality=karaj)
    RoleAssignmentFactory(municipality=karaj, role="reviewer", user=UserFactory(mobile="09350000099"))
    return user("09350000099")


def draft_of(mobile: str, district: int | None = None) -> Application:
    call = open_call()
    return services.application_create(
        call=call,
        district_id=district or call.districts.first().district_id,
        facts_raw=GOOD_FACTS,
        actor=user(mobile),
    )


def submitted(mobile: str = APPLICANT) -> int:
    return submitted_case(client_for(user(mobile)))["id"]


# --- calls ----------------------------------------------------------------------------------


def _extra_calls() -> tuple[Call, Call]:
    tehran = Municipality.objects.get(slug="tehran")
    licence = LicenceType.objects.get(code="e-city-office")
    now = timezone.now()
    quotas = {d.pk: 2 for d in tehran.districts.all()[:3]}
    upcoming = call_create(
        municipality=tehran,
        licence_type=licence,
        title="فراخوان آیندهٔ آزمایشی",
        opens_at=now + dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=20),
        quotas=quotas,
        actor=None,
    )
    closed = call_create(
        municipality=tehran,
        licence_type=licence,
        title="فراخوان بستهٔ آزمایشی",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=10),
        quotas=quotas,
        actor=None,
    )
    return upcoming, closed


def test_calls_list_is_public_open_first_with_jalali_dates_and_quotas(client, tehran_rules):
    _extra_calls()
    response = client.get("/calls/")
    assert response.status_code == 200
    page = html(response)
    states = re.findall(r'data-state="(\w+)"', page)
    assert states == ["open", "upcoming", "closed"]
    call = open_call()
    assert to_jalali(call.opens_at, with_time=True) in page
    assert to_jalali(call.closes_at, with_time=True) in page
    assert "منطقهٔ ۱: سهمیهٔ ۱" in page
    assert "سهمیهٔ ۲" in page  # the upcoming call's quotas
    assert f'href="/calls/{call.pk}/"' in page


def test_call_page_shows_the_call_and_asks_anonymous_users_to_log_in(client, tehran_rules):
    call = open_call()
    response = client.get(f"/calls/{call.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert call.title in page
    assert f"نسخهٔ {persian_digits(call.rule_set.version)}" in page
    assert f'href="/login/?next=/calls/{call.pk}/"' in page
    assert 'name="district"' not in page
    # A POST without a session goes to the login page, and creates nothing.
    response = client.post(f"/calls/{call.pk}/", {"district": call.districts.first().district_id, **APPLY_FORM})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not Application.objects.exists()
    assert client.get("/calls/999999/").status_code == 404


def test_applying_in_an_open_call_makes_a_draft_and_opens_the_case(tehran_rules):
    call = open_call()
    me = web(user(OTHER_APPLICANT))
    page = html(me.get(f"/calls/{call.pk}/"))
    assert 'name="district"' in page and 'name="experience_years"' in page
    assert 'name="nationality"' not in page  # from the profile, not asked again
    district = call.districts.all()[3].district_id
    response = me.post(f"/calls/{call.pk}/", {"district": district, **APPLY_FORM})
    case = Application.objects.get(applicant__mobile=OTHER_APPLICANT)
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{case.pk}/"
    assert case.status == "draft" and case.district_id == district
    assert case.facts["experience_years"] == 5 and case.facts["location"] == {"lat": 35.745, "lng": 51.553}
    assert case.facts["has_criminal_record"] is False
    # Coming back, the call page points to the case instead of offering the form again.
    page = html(me.get(f"/calls/{call.pk}/"))
    assert f'href="/applications/{case.pk}/"' in page and 'name="district"' not in page
    response = me.post(f"/calls/{call.pk}/", {"district": district, **APPLY_FORM})
    assert response.status_code == 409
    assert amsg.ALREADY_APPLIED in html(response)
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"district": ""}, "این مقدار لازم است."),
        ({"experience_years": "پنج"}, "«سابقهٔ کار مرتبط (سال)» باید عدد باشد."),
        ({"lng": ""}, "عرض و طول جغرافیایی را با هم وارد کنید."),
        ({"lat": "95", "lng": "51"}, None),  # out of range: validate_facts' own Persian message
    ],
)
def test_bad_apply_input_shows_a_persian_error_and_creates_nothing(tehran_rules, change, message):
    call = open_call()
    me = web(user(OTHER_APPLICANT))
    data = {"district": call.districts.first().district_id, **APPLY_FORM, **change}
    response = me.post(f"/calls/{call.pk}/", data)
    assert response.status_code == 400
    page = html(response)
    assert "invalid-feedback" in page or 'id="form-errors"' in page
    if message:
        assert message in page
    assert not Application.objects.exists()


def test_a_district_outside_the_call_is_refused_in_persian(tehran_rules):
    call = open_call()
    me = web(user(OTHER_APPLICANT))
    foreign = DistrictFactory(municipality=MunicipalityFactory(slug="karaj"))
    response = me.post(f"/calls/{call.pk}/", {**APPLY_FORM, "district": foreign.pk})
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_a_closed_call_offers_no_form_and_refuses_a_post(tehran_rules):
    _, closed = _extra_calls()
    me = web(user(OTHER_APPLICANT))
    page = html(me.get(f"/calls/{closed.pk}/"))
    assert "مهلت ثبت‌نام این فراخوان به پایان رسیده است." in page
    assert 'name="district"' not in page
    response = me.post(f"/calls/{closed.pk}/", {**APPLY_FORM, "district": closed.districts.first().district_id})
    assert response.status_code == 409
    assert cmsg.CALL_NOT_OPEN in html(response)
    assert not Application.objects.exists()


# --- from the self-check to the call ------------------------------------------------------


def test_start_redirects_to_the_open_call_or_explains_there_is_none(client, tehran_rules):
    call = open_call()
    response = client.get("/applications/start/?licence=e-city-office&municipality=tehran")
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/#apply"
    Call.objects.update(cancelled=True)
    response = client.get("/applications/start/?licence=e-city-office&municipality=tehran")
    assert response.status_code == 200
    page = html(response)
    assert "اکنون فراخوان بازی برای «دفتر خدمات الکترونیک شهر» در شهرداری تهران نیست." in " ".join(page.split())
    assert 'href="/calls/"' in page
    assert client.get("/applications/start/?licence=nothing").status_code == 200


def test_self_check_apply_button_links_to_start_with_the_query(tehran_rules):
    me = web(user(APPLICANT))
    data = {
        "nationality": "IR",
        "person_type": "natural",
        **APPLY_FORM,
    }
    response = me.post("/licences/e-city-office/check/?municipality=tehran", data)
    assert response.status_code == 200
    assert 'href="/applications/start/?licence=e-city-office&amp;municipality=tehran"' in html(response)


# --- the applicant's pages ---------------------------------------------------------------


def test_my_cases_lists_only_mine_with_what_is_needed(tehran_rules):
    mine = draft_of(APPLICANT)
    theirs = draft_of(OTHER_APPLICANT)
    response = web(user(APPLICANT)).get("/applications/")
    assert response.status_code == 200
    page = html(response)
    assert f'href="/applications/{mine.pk}/"' in page
    assert f'href="/applications/{theirs.pk}/"' not in page
    assert "پیش‌نویس" in page
    assert "بارگذاری مدرک «کارت ملی و شناسنامه»" in page
    assert to_jalali(mine.created_at, with_time=True) in page
    assert Client().get("/applications/").status_code == 302  # login first


def test_case_page_is_the_applicants_and_404_for_others(tehran_rules):
    case = draft_of(APPLICANT)
    response = web(user(APPLICANT)).get(f"/applications/{case.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert 'data-status="draft"' in page
    # The case as numbered steps: facts done, documents current, confirmation and tracking waiting.
    assert re.findall(r'data-step="(\d)" data-state="(\w+)"', page) == [
        ("1", "done"),
        ("2", "current"),
        ("3", "waiting"),
        ("4", "waiting"),
    ]
    assert "مهلت ثبت نهایی" in page  # the current step's deadline: the call's closing
    required = DocumentRequirement.objects.filter(required=True, stage="submission")
    for requirement in required:
        assert f'id="doc-{requirement.code}"' in page
        assert f'data-missing="{requirement.code}"' in page  # listed as still missing
        assert f'<option value="{requirement.code}">' in page
    assert page.count('enctype="multipart/form-data"') == 1  # one upload form, not one per document
    assert 'id="submit-form"' not in page  # nothing to submit while documents are missing
    assert not re.search(r">\s*S\d+(\.\d+)?\s*<", page)  # conditions by their text, no ids
    assert "کد رهگیری" not in page  # not before submission
    assert f'href="/applications/{case.pk}/withdraw/"' in page
    assert web(user(OTHER_APPLICANT)).get(f"/applications/{case.pk}/").status_code == 404
    assert web(karaj_reviewer()).get(f"/applications/{case.pk}/").status_code == 404
    assert web(user(APPLICANT)).get("/applications/999999/").status_code == 404
    # A draft is the applicant's own until submitted: staff get the same 404 as for a missing case.
    assert web(user(REVIEWER)).get(f"/applications/{case.pk}/").status_code == 404
    Application.objects.filter(pk=case.pk).update(status="submitted")
    # Staff of the municipality see a submitted case, without the applicant's upload forms.
    page = html(web(user(REVIEWER)).get(f"/applications/{case.pk}/"))
    assert "اطلاعات اظهارشده" in page and "09120000001" not in page  # mobile shown in Persian digits
    assert persian_digits("09120000001") in page
    assert 'enctype="multipart/form-data"' not in page


def test_upload_through_the_page_stores_a_version(tehran_rules, media):
    case = draft_of(APPLICANT)
    me = web(user(APPLICANT))
    response = me.post(
        f"/applications/{case.pk}/documents/", {"type": "national_card", "file": upload_file("national_card")}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{case.pk}/#step-documents"
    document = Document.objects.get(application=case)
    assert document.doc_type == "national_card" and document.version == 1
    page = html(me.get(f"/applications/{case.pk}/"))
    assert f'href="/api/v1/documents/{document.pk}/download"' in page
    download = me.get(f"/api/v1/documents/{document.pk}/download")  # the session works on the API
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert web(user(OTHER_APPLICANT)).get(f"/api/v1/documents/{document.pk}/download").status_code == 404
    assert "در انتظار بررسی" in page
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("shell.pdf", b"<?php system($_GET['c']); ?>", 415, "نوع فایل پذیرفته نیست"),
        ("empty.pdf", b"", 400, dmsg.EMPTY),
        ("fake.pdf", b"%PDF-1.7\n<?php echo 1; ?>", 400, dmsg.CORRUPT),
    ],
)
def test_a_bad_upload_shows_the_persian_error_and_stores_nothing(tehran_rules, media, name, content, status, message):
    case = draft_of(APPLICANT)
    response = web(user(APPLICANT)).post(
        f"/applications/{case.pk}/documents/",
        {"type": "national_card", "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )
    assert response.status_code == status
    page = html(response)
    assert message in page
    assert 'aria-invalid="true"' in page  # the error is tied to the file input of that document
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_an_upload_over_the_limit_is_refused_with_413_before_reading(tehran_rules, media, settings):
    settings.API_MAX_UPLOAD_BYTES = 2048
    case = draft_of(APPLICANT)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 5000, content_type="application/pdf")
    response = web(user(APPLICANT)).post(f"/applications/{case.pk}/documents/", {"type": "degree", "file": big})
    assert response.status_code == 413
    assert "حجم فایل بیش از" in html(response)
    assert not Document.objects.exists() and stored_files(media) == []


def test_upload_by_someone_else_or_of_an_unknown_type_changes_nothing(tehran_rules, media):
    case = draft_of(APPLICANT)
    response = web(user(REVIEWER)).post(
        f"/applications/{case.pk}/documents/", {"type": "degree", "file": upload_file("degree")}
    )
    assert response.status_code == 404  # a draft is not the staff's to see
    response = web(user(OTHER_APPLICANT)).post(
        f"/applications/{case.pk}/documents/", {"type": "degree", "file": upload_file("degree")}
    )
    assert response.status_code == 404
    response = web(user(APPLICANT)).post(
        f"/applications/{case.pk}/documents/", {"type": "passport", "file": upload_file("degree")}
    )
    assert response.status_code == 400
    assert dmsg.TYPE_UNKNOWN in html(response)
    assert not Document.objects.exists() and stored_files(media) == []


def test_upload_needs_the_csrf_token(tehran_rules, media):
    case = draft_of(APPLICANT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user(APPLICANT))
    response = client.post(f"/applications/{case.pk}/documents/", {"type": "degree", "file": upload_file("degree")})
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_submit_without_documents_is_refused_then_succeeds_with_a_tracking_code(tehran_rules, media):
    case = draft_of(APPLICANT)
    me = web(user(APPLICANT))
    response = me.post(f"/applications/{case.pk}/submit/")
    assert response.status_code == 409
    assert "پیش از ثبت نهایی این مدارک را بارگذاری کنید" in html(response)
    case.refresh_from_db()
    assert case.status == "draft" and case.tracking_code is None
    for requirement in DocumentRequirement.objects.filter(required=True, stage="submission"):
        r = me.post(
            f"/applications/{case.pk}/documents/", {"type": requirement.code, "file": upload_file(requirement.code)}
        )
        assert r.status_code == 302, html(r)
    # Complete, but not confirmed: refused in Persian, nothing changes.
    page = html(me.get(f"/applications/{case.pk}/"))
    assert 'id="submit-form"' in page and 'name="confirm"' in page
    response = me.post(f"/applications/{case.pk}/submit/")
    assert response.status_code == 400 and amsg.CONFIRM_REQUIRED in html(response)
    case.refresh_from_db()
    assert case.status == "draft"
    response = me.post(f"/applications/{case.pk}/submit/", {"confirm": "on"}, follow=True)
    case.refresh_from_db()
    assert case.status == "submitted"
    page = html(response)
    assert SUBMITTED.format(code=case.tracking_code) in page
    assert (
        f'<bdi dir="ltr" class="fs-3 fw-bold font-monospace user-select-all" id="tracking-code">{case.tracking_code}'
        in page
    )
    assert "کاری از شما لازم نیست" in page
    assert 'enctype="multipart/form-data"' not in page  # no uploads while under review
    # The deadlines and the timeline, in Jalali with Persian digits.
    assert 'data-clock="submitted"' in page
    assert to_jalali(case.due_at, with_time=True) in page
    assert "ثبت نهایی درخواست" in page and "ساخت پیش‌نویس درخواست" in page


def test_withdraw_asks_for_confirmation_then_closes_the_case(tehran_rules):
    case = draft_of(APPLICANT)
    me = web(user(APPLICANT))
    response = me.get(f"/applications/{case.pk}/withdraw/")
    assert response.status_code == 200
    assert "آیا مطمئن هستید" in html(response)
    case.refresh_from_db()
    assert case.status == "draft"
    assert web(user(REVIEWER)).post(f"/applications/{case.pk}/withdraw/").status_code == 404  # a draft
    response = me.post(f"/applications/{case.pk}/withdraw/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "withdrawn"
    assert me.post(f"/applications/{case.pk}/withdraw/").status_code == 409


# --- staff on the case page --------------------------------------------------------------


def test_reviewer_reviews_documents_and_requests_a_correction_on_the_page(tehran_rules, media):
    case_id = submitted()
    reviewer = web(user(REVIEWER))
    page = html(reviewer.get(f"/applications/{case_id}/"))
    assert f'action="/applications/{case_id}/actions/start_review/"' in page
    assert "review-form" not in page  # not before the review starts
    assert reviewer.post(f"/applications/{case_id}/actions/start_review/").status_code == 302
    documents = list(Document.objects.filter(application_id=case_id).order_by("doc_type"))
    page = html(reviewer.get(f"/applications/{case_id}/"))
    assert f'action="/applications/{case_id}/documents/{documents[0].pk}/review/"' in page
    # A rejection without a reason is refused in Persian and changes nothing.
    response = reviewer.post(
        f"/applications/{case_id}/documents/{documents[0].pk}/review/", {"decision": "reject", "reason": ""}
    )
    assert response.status_code == 400
    assert dmsg.REJECT_REASON_REQUIRED in html(response)
    documents[0].refresh_from_db()
    assert documents[0].review_state == ReviewState.PENDING
    # Asking for a correction with nothing rejected is refused as well.
    response = reviewer.post(f"/applications/{case_id}/actions/request_correction/", {"reason": "مدرک ناخوانا است."})
    assert response.status_code == 409
    assert amsg.NO_REJECTED_DOCUMENTS in html(response)

    for document in documents[1:]:
        r = reviewer.post(f"/applications/{case_id}/documents/{document.pk}/review/", {"decision": "accept"})
        assert r.status_code == 302
    r = reviewer.post(
        f"/applications/{case_id}/documents/{documents[0].pk}/review/",
        {"decision": "reject", "reason": "تصویر ناخوانا است"},
    )
    assert r.status_code == 302
    page = html(reviewer.get(f"/applications/{case_id}/"))
    assert re.search(rf'name="documents" id="[^"]+" value="{documents[0].pk}" checked', page)  # rejected: offered
    response = reviewer.post(
        f"/applications/{case_id}/actions/request_correction/", {"reason": "کوتاه", "documents": [documents[0].pk]}
    )
    assert response.status_code == 400
    assert amsg.REASON_REQUIRED in html(response)
    assert Application.objects.get(pk=case_id).status == "document_review"
    response = reviewer.post(
        f"/applications/{case_id}/actions/request_correction/",
        {"reason": "لطفاً تصویر خوانای کارت ملی را بفرستید.", "documents": [documents[0].pk]},
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=case_id).status == "correction_requested"
    # The applicant reads the reason, uploads the rejected document again and resubmits.
    page = html(web(user(APPLICANT)).get(f"/applications/{case_id}/"))
    assert "لطفاً تصویر خوانای کارت ملی را بفرستید." in page
    assert "دلیل رد: تصویر ناخوانا است" in page
    assert page.count('enctype="multipart/form-data"') == 1
    assert 'data-state="paused"' in page
    me = web(user(APPLICANT))
    accepted = documents[1].doc_type
    response = me.post(f"/applications/{case_id}/documents/", {"type": accepted, "file": upload_file(accepted)})
    assert response.status_code == 409 and dmsg.ALREADY_ACCEPTED in html(response)
    again = documents[0].doc_type
    response = me.post(f"/applications/{case_id}/documents/", {"type": again, "file": upload_file(again)})
    assert response.status_code == 302
    assert "ثبت دوبارهٔ درخواست" in html(me.get(f"/applications/{case_id}/"))
    assert me.post(f"/applications/{case_id}/submit/", {"confirm": "on"}).status_code == 302
    assert Application.objects.get(pk=case_id).status == "submitted"


@pytest.mark.parametrize(
    "path",
    ["documents/", "submit/", "withdraw/", "actions/start_review/", "actions/reject/", "documents/{doc}/review/"],
)
def test_every_post_on_someone_elses_case_is_a_404_and_changes_nothing(tehran_rules, media, path):
    case_id = submitted()
    document = Document.objects.filter(application_id=case_id).first()
    url = f"/applications/{case_id}/" + path.format(doc=document.pk)
    for stranger in (user(OTHER_APPLICANT), karaj_reviewer()):
        response = web(stranger).post(url, {"decision": "reject", "reason": "دلیلی طولانی برای رد", "type": "degree"})
        assert response.status_code == 404
    case = Application.objects.get(pk=case_id)
    assert case.status == "submitted"
    assert not Document.objects.filter(application_id=case_id).exclude(review_state=ReviewState.PENDING).exists()
    assert Document.objects.filter(application_id=case_id).count() == document.application.documents.count()


def test_an_applicant_cannot_take_staff_moves_or_review(tehran_rules, media):
    case_id = submitted()
    me = web(user(APPLICANT))
    response = me.post(f"/applications/{case_id}/actions/start_review/")
    assert response.status_code == 403
    assert amsg.NOT_PERMITTED in html(response)
    assert me.post(f"/applications/{case_id}/actions/no_such_move/").status_code == 404
    assert Application.objects.get(pk=case_id).status == "submitted"


def _to_exam(case_id: int) -> None:
    reviewer = client_for(user(REVIEWER))
    move(reviewer, case_id, "start_review")
    for document in Document.objects.filter(application_id=case_id):
        reviewer.post(f"/api/v1/documents/{document.pk}/review", {"decision": "accept"}, format="json")
    assert move(reviewer, case_id, "accept_documents").status_code == 200


def test_every_later_move_works_through_its_form(tehran_rules, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the inquiries run (eager, simulator)
        case_id = submitted()
    _to_exam(case_id)
    examiner = web(user(EXAMINER))
    page = html(examiner.get(f"/applications/{case_id}/"))
    assert 'name="score"' in page and "ثبت نتیجهٔ آزمون" in page
    response = examiner.post(f"/applications/{case_id}/actions/record_exam/", {"score": "هفتاد"})
    assert response.status_code == 400 and "«نمرهٔ آزمون تخصصی (از ۱۰۰)» باید عدد باشد." in html(response)
    response = examiner.post(f"/applications/{case_id}/actions/record_exam/", {"score": "۱۲۰"})
    assert response.status_code == 400 and amsg.SCORE_RANGE in html(response)
    assert examiner.post(f"/applications/{case_id}/actions/record_exam/", {"score": "۷۲٫۵"}).status_code == 302
    case = Application.objects.get(pk=case_id)
    assert case.status == "interview" and case.assessment["exam"]["score"] == 72.5
    response = examiner.post(f"/applications/{case_id}/actions/record_interview/", {"scores": "۷۰، ۵۵ ۶۵"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "site_inspection" and case.assessment["interview"]["scores"] == [70, 55, 65]

    inspector = web(user(INSPECTOR))
    page = html(inspector.get(f"/applications/{case_id}/"))
    assert 'name="measured_area_m2"' in page and 'name="equipment"' in page
    data = {
        "premises_use": INSPECTION["premises_use"],
        "measured_area_m2": "۷۲",
        "equipment": INSPECTION["equipment"],
        "lat": "۳۵٫۷۴۵",
        "lng": "۵۱٫۵۵۳",
    }
    response = inspector.post(f"/applications/{case_id}/actions/record_inspection/", {**data, "lng": ""})
    assert response.status_code == 400 and "عرض و طول جغرافیایی را با هم وارد کنید." in html(response)
    assert inspector.post(f"/applications/{case_id}/actions/record_inspection/", data).status_code == 302
    assert Application.objects.get(pk=case_id).status == "final_review"

    authority = web(user(AUTHORITY))
    page = html(authority.get(f"/applications/{case_id}/"))
    assert re.search(r'name="conditions" id="[^"]+" value="S9.1"', page)  # reject lists the case's conditions
    response = authority.post(f"/applications/{case_id}/actions/approve/")
    assert response.status_code == 302, html(response)
    assert authority.post(f"/applications/{case_id}/actions/issue_licence/").status_code == 302
    case.refresh_from_db()
    assert case.status == "licence_issued" and case.licence_number
    page = html(web(user(APPLICANT)).get(f"/applications/{case_id}/"))
    assert case.licence_number in page and "مجوز صادر شد" in page


def test_reject_needs_a_reason_and_conditions_then_shows_them_to_the_applicant(tehran_rules, media):
    case_id = submitted()
    reviewer = web(user(REVIEWER))
    response = reviewer.post(f"/applications/{case_id}/actions/reject/", {"reason": "شرط سابقه احراز نشد."})
    assert response.status_code == 400
    assert amsg.REJECT_NEEDS_CONDITIONS in html(response)
    assert Application.objects.get(pk=case_id).status == "submitted"
    response = reviewer.post(
        f"/applications/{case_id}/actions/reject/", {"reason": "شرط سابقه احراز نشد.", "conditions": ["S10.3"]}
    )
    assert response.status_code == 302, html(response)
    page = html(web(user(APPLICANT)).get(f"/applications/{case_id}/"))
    assert "دلیل رد درخواست" in page and "شرط سابقه احراز نشد." in page and "S10.3" in page


# --- the staff queue ---------------------------------------------------------------------


def _many_submitted(count: int) -> list[Application]:
    """Cases in the queue without the cost of uploads: drafts made by the service, then placed
    in the submitted state with distinct submission times (read-only tests of the queue)."""
    call = open_call()
    districts = [row.district_id for row in call.districts.all()[:2]]
    now = timezone.now()
    cases = []
    for i in range(count):
        applicant = UserFactory(mobile=f"0935{i:07d}", first_name=f"متقاضی{i}")
        case = services.application_create(
            call=call, district_id=districts[i % 2], facts_raw=GOOD_FACTS, actor=applicant
        )
        Application.objects.filter(pk=case.pk).update(
            status="submitted",
            submitted_at=now - dt.timedelta(hours=count - i),
            due_at=now + dt.timedelta(days=3 + i),
            tracking_code=f"TEST-{i:04d}-QQ",
        )
        cases.append(case)
    return cases


def test_queue_is_for_staff_only(tehran_rules):
    assert Client().get("/staff/queue/").status_code == 302
    assert web(user(APPLICANT)).get("/staff/queue/").status_code == 404
    assert web(user(APPLICANT)).get("/staff/queue/export/?as=csv").status_code == 404
    case = draft_of(APPLICANT)
    Application.objects.filter(pk=case.pk).update(status="submitted", submitted_at=timezone.now())
    other = web(karaj_reviewer())
    response = other.get("/staff/queue/")
    assert response.status_code == 200
    assert f'data-case="{case.pk}"' not in html(response)
    assert "پرونده‌ای با این پالایه‌ها نیست." in html(response)
    assert f'data-case="{case.pk}"' in html(web(user(REVIEWER)).get("/staff/queue/"))


def test_queue_filters_sort_and_paginates_keeping_filters(tehran_rules):
    cases = _many_submitted(30)
    reviewer = web(user(REVIEWER))
    response = reviewer.get("/staff/queue/")
    page = html(response)
    rows = re.findall(r'<tr data-case="(\d+)"', page)
    assert len(rows) == 25
    assert rows[0] == str(cases[0].pk)  # oldest first by default
    assert "۳۰ پرونده" in page
    page2 = html(reviewer.get("/staff/queue/?page=2"))
    assert len(re.findall(r'<tr data-case="(\d+)"', page2)) == 5

    newest = html(reviewer.get("/staff/queue/?sort=-age"))
    assert re.findall(r'<tr data-case="(\d+)"', newest)[0] == str(cases[-1].pk)
    deadline = html(reviewer.get("/staff/queue/?sort=-deadline"))
    assert re.findall(r'<tr data-case="(\d+)"', deadline)[0] == str(cases[-1].pk)

    district = open_call().districts.all()[0].district_id
    filtered = html(reviewer.get(f"/staff/queue/?district={district}&status=submitted"))
    assert len(re.findall(r'<tr data-case="(\d+)"', filtered)) == 15
    assert "۱۵ پرونده" in filtered
    assert html(reviewer.get("/staff/queue/?status=exam")).count("<tr data-case=") == 0

    # Page links keep the filters.
    Application.objects.filter(pk__in=[c.pk for c in cases[:27]]).update(status="document_review")
    page = html(reviewer.get("/staff/queue/?status=document_review&sort=-age"))
    assert 'href="/staff/queue/?status=document_review&amp;sort=-age&amp;page=2"' in page
    assert 'href="/applications/start' not in page
    assert "?as=csv&amp;status=document_review&amp;sort=-age" in page


def test_overdue_cases_are_highlighted_and_filtered(tehran_rules):
    cases = _many_submitted(3)
    Application.objects.filter(pk=cases[1].pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    reviewer = web(user(REVIEWER))
    page = html(reviewer.get("/staff/queue/"))
    assert f'<tr data-case="{cases[1].pk}" class="table-danger overdue">' in page
    assert f'<tr data-case="{cases[0].pk}">' in page
    only = html(reviewer.get("/staff/queue/?overdue=1"))
    assert re.findall(r'<tr data-case="(\d+)"', only) == [str(cases[1].pk)]
    assert "گذشته از مهلت" in only


def test_bad_queue_filters_are_a_persian_error_not_a_500(tehran_rules):
    reviewer = web(user(REVIEWER))
    for query in ("sort=bogus", "status=nonsense", "district=abc", "overdue=maybe"):
        response = reviewer.get(f"/staff/queue/?{query}")
        assert response.status_code == 400, query
        assert "پالایه‌های صف نادرست است" in html(response)
    response = reviewer.get("/staff/queue/export/?as=pdf", follow=True)
    assert amsg.EXPORT_FORMAT in html(response)


def test_csv_export_has_the_filtered_rows_in_persian(tehran_rules):
    _many_submitted(4)
    district = open_call().districts.all()[0].district_id
    response = web(user(REVIEWER)).get(f"/staff/queue/export/?as=csv&district={district}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][1] == "کد رهگیری"
    assert len(rows) == 1 + 2
    assert {r[4] for r in rows[1:]} == {"ثبت‌شده"}


def test_xlsx_export_opens_in_openpyxl_with_persian_headers(tehran_rules):
    from openpyxl import load_workbook

    _many_submitted(5)
    response = web(user(REVIEWER)).get("/staff/queue/export/?as=xlsx&status=submitted")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["صف کار"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "کد رهگیری" and rows[0][4] == "وضعیت"
    assert len(rows) == 1 + 5


def test_bulk_acknowledgement_marks_the_chosen_cases_seen(tehran_rules):
    cases = _many_submitted(3)
    karaj = karaj_reviewer()
    reviewer = web(user(REVIEWER))
    response = reviewer.post("/staff/queue/acknowledge/", {"ids": [], "query": "sort=-age"})
    assert response.status_code == 302 and response["Location"] == "/staff/queue/?sort=-age"
    # Staff of another municipality acknowledge nothing of Tehran's.
    web(karaj).post("/staff/queue/acknowledge/", {"ids": [cases[0].pk]})
    assert not Application.objects.filter(acknowledged_at__isnull=False).exists()
    response = reviewer.post(
        "/staff/queue/acknowledge/", {"ids": [cases[0].pk, cases[2].pk], "query": "status=submitted"}, follow=True
    )
    assert ACKNOWLEDGED.format(n="۲") in html(response)
    assert response.redirect_chain[-1][0] == "/staff/queue/?status=submitted"
    seen = set(Application.objects.filter(acknowledged_at__isnull=False).values_list("pk", flat=True))
    assert seen == {cases[0].pk, cases[2].pk}
    assert Application.objects.get(pk=cases[0].pk).acknowledged_by == user(REVIEWER)
    page = html(reviewer.get("/staff/queue/?acknowledged=0"))
    assert re.findall(r'<tr data-case="(\d+)"', page) == [str(cases[1].pk)]


def test_bulk_acknowledgement_without_a_choice_says_so(tehran_rules):
    _many_submitted(1)
    response = web(user(REVIEWER)).post("/staff/queue/acknowledge/", {"query": ""}, follow=True)
    assert NONE_CHOSEN in html(response)


# --- links ----------------------------------------------------------------------------------


def test_nav_and_dashboard_link_cases_and_the_queue_by_role(client, tehran_rules):
    home = html(client.get("/"))
    assert 'href="/calls/"' in home
    assert "پرونده‌های من" not in home
    applicant = html(web(user(APPLICANT)).get("/dashboard/"))
    assert 'href="/applications/"' in applicant and "پرونده‌های من" in applicant
    assert 'href="/staff/queue/"' not in applicant
    reviewer = html(web(user(REVIEWER)).get("/dashboard/"))
    assert 'href="/applications/"' in reviewer and 'href="/staff/queue/"' in reviewer and "صف کار" in reviewer


def test_pressing_enter_in_the_review_reason_does_not_accept(tehran_rules):
    """The review form's first submit button is a disabled decoy (Enter submits the first one)."""
    from django.test import Client

    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    move(staff("09120000002"), case, "start_review")
    page = Client()
    page.force_login(User.objects.get(mobile="09120000002"))
    html = page.get(f"/applications/{case}/").content.decode()
    form = html[html.index('class="row g-2 align-items-end mt-1 review-form"') :]
    first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
    assert "disabled" in first_button and 'value="accept"' not in first_button
    assert "درخواست اصلاح مدارک" not in html  # nothing rejected yet: the move is not offered


def test_bulk_acknowledgement_works_under_any_filter(tehran_rules):
    from django.test import Client

    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)  # now in «exam», outside the reviewer's default queue
    page = Client()
    page.force_login(User.objects.get(mobile="09120000002"))
    page.post("/staff/queue/acknowledge/?status=exam", {"ids": [case]})
    assert Application.objects.get(pk=case).acknowledged_at is not None


def test_the_reasons_speak_to_the_applicant_and_of_them_to_staff(tehran_rules):
    case_id = submitted_case(client_for(user(APPLICANT)))["id"]
    mine = html(web(user(APPLICANT)).get(f"/applications/{case_id}/"))
    staff = html(web(user(REVIEWER)).get(f"/applications/{case_id}/"))
    assert "تابعیت شما ایرانی است" in mine and "تابعیت شما" not in staff
    assert "تابعیت متقاضی ایرانی است" in staff
