"""The inquiry's declared lifecycle (issue 16): every illegal (state, move) taken through the
real service is refused or left alone and changes nothing; only the case's reviewer or
licensing authority asks again, never on their own case (404, as a case that does not exist)."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.tests.helpers import client_for
from daftar.audit.models import AuditEntry
from daftar.inquiries import messages as msg
from daftar.inquiries.adapters import Outcome
from daftar.inquiries.models import Inquiry, Kind
from daftar.inquiries.services import (
    _give_up,
    _record_outcome,
    inquiries_refresh,
    inquiries_start,
    inquiry_retry,
)
from daftar.inquiries.tests.factories import InquiryFactory
from daftar.inquiries.workflow import INQUIRY, InquiryStatus
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import StatusProtected
from daftar.notifications.models import OutboxMessage

from .conftest import reviewer

pytestmark = pytest.mark.django_db


def _rows(inquiry: Inquiry) -> list[dict[str, Any]]:
    return list(Inquiry.objects.filter(application_id=inquiry.application_id).order_by("pk").values())


def _fingerprint(inquiry: Inquiry) -> tuple[Any, ...]:
    return _rows(inquiry), AuditEntry.objects.count(), OutboxMessage.objects.count()


def _row(app: Any, state: str) -> Inquiry:
    """Every kind of the case in ``state`` (so a resubmission or renewal has nothing to create);
    the identity inquiry returned."""
    for kind in Kind:
        InquiryFactory(application=app, kind=kind)
    Inquiry.objects.filter(application=app).update(status=state)  # a fixture, not a move
    related = Inquiry.objects.select_related("application__municipality", "application__applicant")
    return related.get(application=app, kind=Kind.IDENTITY)


def _take_through_the_service(action: str, inquiry: Inquiry) -> None:
    if action == "answer":
        _record_outcome(inquiry, Outcome(passed=True, reason="", reference="R"))
    elif action == "give_up":
        _give_up(inquiry, "timeout")
    elif action == "retry":
        inquiry_retry(inquiry=inquiry, actor=reviewer())
    elif action == "ask_again":  # a resubmission asks again only what got no answer
        inquiries_start(application=inquiry.application)
    else:  # a renewal asks again what is older than its limit, and leaves pending rows alone
        inquiries_refresh(application=inquiry.application, max_age_days=0)


ILLEGAL = list(INQUIRY.illegal())


@pytest.mark.parametrize(
    ("state", "action"), [(s, m.action) for s, m in ILLEGAL], ids=[f"{s}-{m.action}" for s, m in ILLEGAL]
)
def test_every_illegal_move_through_the_service_is_refused_and_changes_nothing(
    make_application: Any, state: str, action: str
) -> None:
    inquiry = _row(make_application(), state)
    before = _fingerprint(inquiry)
    if action in ("ask_again", "refresh"):  # the system's own moves only pick the rows they may move
        _take_through_the_service(action, inquiry)
        assert _rows(inquiry) == before[0]
        return
    with pytest.raises(ApplicationError) as refused:
        _take_through_the_service(action, inquiry)
    assert refused.value.status_code == 409 and refused.value.message == msg.RETRY_NOT_ERROR
    assert _fingerprint(inquiry) == before


def test_the_status_is_not_assigned_outside_a_move(make_application: Any) -> None:
    inquiry = _row(make_application(), InquiryStatus.ERROR)
    with pytest.raises(StatusProtected):
        inquiry.status = InquiryStatus.PENDING


def test_only_the_case_staff_ask_again_and_not_on_their_own_case(make_application: Any) -> None:
    app = make_application()
    inquiry = _row(app, InquiryStatus.ERROR)
    before = _fingerprint(inquiry)
    RoleAssignmentFactory(user=app.applicant, municipality=app.municipality, role="reviewer")
    with pytest.raises(ApplicationError) as own:
        inquiry_retry(inquiry=inquiry, actor=app.applicant)
    assert own.value.status_code == 404
    examiner = RoleAssignmentFactory(municipality=app.municipality, role="examiner").user
    with pytest.raises(ApplicationError) as other:
        inquiry_retry(inquiry=inquiry, actor=examiner)
    assert other.value.status_code == 403 and other.value.message == msg.NOT_PERMITTED
    assert _fingerprint(inquiry) == before
    # the case page and API answer the applicant-reviewer as a case that does not exist
    client = client_for(app.applicant)
    mine = client.post(f"/api/v1/applications/{app.pk}/inquiries/identity/retry")
    missing = client.post("/api/v1/applications/999999999/inquiries/identity/retry")
    assert mine.status_code == 404 and mine.json() == missing.json()
    client.force_login(app.applicant)
    assert client.post(f"/applications/{app.pk}/inquiries/identity/retry/").status_code == 404
    assert _fingerprint(inquiry) == before
