"""``insert_rows``: several new rows in one statement, as the ORM would write them one by one
(issue 7). Runs on both databases: on PostgreSQL the one-statement path, on SQLite the save()
path; the assertions are the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from daftar.accounts.models import User
from daftar.applications.models import Application, CaseEvent
from daftar.applications.tests.helpers import GOOD_FACTS, open_call
from daftar.notifications.models import OutboxMessage
from daftar.runtime.inserts import insert_rows

pytestmark = pytest.mark.django_db


def new_rows(applicant: User, **app_fields: Any) -> tuple[Application, CaseEvent, OutboxMessage]:
    call = open_call()
    district = call.districts.first().district
    case = Application(
        call=call,
        applicant=applicant,
        municipality=call.municipality,
        district=district,
        facts={**GOOD_FACTS, "address": "تهران، خیابان ولی‌عصر"},
        **app_fields,
    )
    event = CaseEvent(application=case, actor=applicant, action="create", to_status="draft", note="نیم‌فاصله‌ دار")
    sms = OutboxMessage(to=applicant.mobile, text="پیش‌نویس شما ثبت شد", kind="test")
    return case, event, sms


def test_rows_are_written_as_save_would_write_them_and_linked_by_the_new_id(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    case, event, sms = new_rows(applicant)
    with transaction.atomic():
        insert_rows(case, event, sms)
    assert case.pk and event.pk and sms.pk
    assert event.application_id == case.pk and not case._state.adding
    stored = Application.objects.get(pk=case.pk)
    assert stored.facts["address"] == "تهران، خیابان ولی‌عصر"
    assert (stored.call_id, stored.applicant_id, stored.status) == (case.call_id, applicant.pk, "draft")
    assert stored.created_at == case.created_at  # the field's own default, as save() keeps it
    stored_event = CaseEvent.objects.get(pk=event.pk)
    assert (stored_event.application_id, stored_event.note, stored_event.data) == (case.pk, "نیم‌فاصله‌ دار", {})
    stored_sms = OutboxMessage.objects.get(pk=sms.pk)
    assert (stored_sms.status, stored_sms.reference, stored_sms.text) == ("pending", sms.reference, sms.text)


def test_signals_are_sent_for_each_row_as_created(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    rows = new_rows(applicant)
    seen: list[tuple[str, str, Any]] = []

    def before(sender: Any, instance: Any, **kw: Any) -> None:
        seen.append(("pre", sender.__name__, instance.pk))

    def after(sender: Any, instance: Any, created: bool, **kw: Any) -> None:
        seen.append(("post", sender.__name__, created and instance.pk is not None))

    pre_save.connect(before, dispatch_uid="test-inserts-pre")
    post_save.connect(after, dispatch_uid="test-inserts-post")
    try:
        with transaction.atomic():
            insert_rows(*rows)
    finally:
        pre_save.disconnect(dispatch_uid="test-inserts-pre")
        post_save.disconnect(dispatch_uid="test-inserts-post")
    mine = [s for s in seen if s[1] in {"Application", "CaseEvent", "OutboxMessage"}]
    assert mine == [
        ("pre", "Application", None),
        ("pre", "CaseEvent", None),
        ("pre", "OutboxMessage", None),
        ("post", "Application", True),
        ("post", "CaseEvent", True),
        ("post", "OutboxMessage", True),
    ] or mine == [  # the save() path interleaves them, row by row
        ("pre", "Application", None),
        ("post", "Application", True),
        ("pre", "CaseEvent", None),
        ("post", "CaseEvent", True),
        ("pre", "OutboxMessage", None),
        ("post", "OutboxMessage", True),
    ]


def test_all_rows_or_none_when_a_later_row_breaks_a_constraint(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    first, first_event, first_sms = new_rows(applicant)
    with transaction.atomic():
        insert_rows(first, first_event, first_sms)
    before = (Application.objects.count(), CaseEvent.objects.count(), OutboxMessage.objects.count())
    case, event, _ = new_rows(User.objects.get(mobile="09120000002"))
    clash = OutboxMessage(to="09120000002", text="x", kind="test", reference=first_sms.reference)  # unique
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(case, event, clash)
    assert (Application.objects.count(), CaseEvent.objects.count(), OutboxMessage.objects.count()) == before


def test_saved_instances_and_unsaved_targets_left_out_are_refused(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    _case, event, sms = new_rows(applicant)
    with pytest.raises(ValueError, match="unsaved"):
        insert_rows(applicant)
    if connection.vendor == "postgresql":
        with pytest.raises(ValueError, match="application"), transaction.atomic():
            insert_rows(event, sms)  # its case is not among the rows
    assert not Application.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's")
def test_on_postgresql_the_rows_are_one_statement(tehran_rules):
    case, event, sms = new_rows(User.objects.get(mobile="09120000001"))
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        insert_rows(case, event, sms)
    inserts = [q["sql"] for q in ctx.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].count("INSERT INTO") == 3


def test_rows_written_with_their_audit_entry_keep_the_chain_whole(tehran_rules):
    from daftar.audit.models import AuditEntry, AuditHead
    from daftar.audit.services import audit_record, verify_chain

    applicant = User.objects.get(mobile="09120000001")
    start = AuditHead.objects.get(pk=1).seq
    for mobile in ("09120000001", "09120000002"):
        case, event, sms = new_rows(User.objects.get(mobile=mobile))
        with transaction.atomic():
            entry = audit_record(actor=applicant, action="application.create", obj=case, new_rows=(case, event, sms))
        assert entry.object_id == str(case.pk) and CaseEvent.objects.get(pk=event.pk).application_id == case.pk
    assert list(AuditEntry.objects.filter(seq__gt=start).order_by("seq").values_list("seq", flat=True)) == [
        start + 1,
        start + 2,
    ]
    assert AuditHead.objects.get(pk=1).seq == start + 2
    assert verify_chain() is None


def test_no_rows_is_no_statement():
    """A caller inserting "the missing ones" may have none left (the demo loader run twice)."""
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows() == ()
    assert not queries.captured_queries
