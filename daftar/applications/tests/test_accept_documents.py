"""«تأیید مدارک» (accept_documents) only when every document has been reviewed and none of the
required ones is rejected (docs/decisions/0034-reviewer-viewer.md): refused by the service and
the API with the documents named, and not offered on the case page, which says why."""

from __future__ import annotations

import pytest

from daftar.applications import messages as amsg
from daftar.applications import services
from daftar.applications.models import Application
from daftar.documents.models import Document
from daftar.kernel.errors import ApplicationError

from .helpers import client_for, move, submitted_case
from .test_pages import APPLICANT, REVIEWER, html, user, web

pytestmark = pytest.mark.django_db

ACCEPT_FORM = "/actions/accept_documents/"


def in_review() -> int:
    case_id = submitted_case(client_for(user(APPLICANT)))["id"]
    assert move(client_for(user(REVIEWER)), case_id, "start_review").status_code == 200
    return case_id


def review(case_id: int, doc_type: str, decision: str) -> None:
    document = Document.objects.get(application_id=case_id, doc_type=doc_type, is_current=True)
    reason = "تصویر ناخوانا است" if decision == "reject" else ""
    response = client_for(user(REVIEWER)).post(
        f"/api/v1/documents/{document.pk}/review", {"decision": decision, "reason": reason}, format="json"
    )
    assert response.status_code == 200, response.content


def review_all_but(case_id: int, *left: str) -> None:
    for document in Document.objects.filter(application_id=case_id, is_current=True).exclude(doc_type__in=left):
        review(case_id, document.doc_type, "accept")


def test_the_service_refuses_while_documents_are_unreviewed_and_names_them(tehran_rules):
    case_id = in_review()
    review_all_but(case_id, "degree", "premises_photos")
    with pytest.raises(ApplicationError) as refused:
        services.application_move(application_id=case_id, action="accept_documents", actor=user(REVIEWER))
    assert refused.value.code == "documents_unreviewed"
    assert refused.value.message.startswith(amsg.DOCUMENTS_UNREVIEWED.split("{")[0])
    assert "مدرک کارشناسی" in refused.value.message and "عکس‌های فضای داخلی" in refused.value.message
    assert "کارت ملی" not in refused.value.message
    assert Application.objects.get(pk=case_id).status == "document_review"


def test_the_api_refuses_with_the_unreviewed_documents(tehran_rules):
    case_id = in_review()
    response = move(client_for(user(REVIEWER)), case_id, "accept_documents")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "documents_unreviewed"
    assert "کارت ملی و شناسنامه" in body["detail"]
    assert set(body["fields"]["documents"]) >= {"degree", "national_card"}


def test_a_rejected_required_document_asks_for_a_correction_not_acceptance(tehran_rules):
    case_id = in_review()
    review_all_but(case_id, "degree")
    review(case_id, "degree", "reject")
    response = move(client_for(user(REVIEWER)), case_id, "accept_documents")
    assert response.status_code == 409
    assert response.json()["code"] == "documents_rejected"
    assert "درخواست اصلاح" in response.json()["detail"]


def test_the_page_offers_it_only_when_every_document_is_reviewed(tehran_rules):
    case_id = in_review()
    reviewer = web(user(REVIEWER))
    page = html(reviewer.get(f"/applications/{case_id}/"))
    assert f"/applications/{case_id}{ACCEPT_FORM}" not in page
    assert "«تأیید مدارک و ارجاع به آزمون» هنوز ممکن نیست" in page
    assert "هنوز بررسی نشده" in page
    response = reviewer.post(f"/applications/{case_id}{ACCEPT_FORM}")  # posted anyway: refused
    assert response.status_code == 409
    assert "هنوز بررسی نشده" in html(response)
    assert Application.objects.get(pk=case_id).status == "document_review"

    review_all_but(case_id)
    page = html(reviewer.get(f"/applications/{case_id}/"))
    assert f'action="/applications/{case_id}{ACCEPT_FORM}"' in page
    assert "هنوز ممکن نیست" not in page
    assert reviewer.post(f"/applications/{case_id}{ACCEPT_FORM}").status_code == 302
    assert Application.objects.get(pk=case_id).status == "exam"
