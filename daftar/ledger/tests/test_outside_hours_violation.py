"""Work outside the approved hours, detected by the system (S17, issue 18 §2): a transaction
outside the office's hours records an ``outside_hours`` violation of its licence, at most once
per office and Tehran day, in the transaction's own database transaction; later ones that day
join its evidence. An overcharge keeps its evidence too.

The clock is frozen at 2026-11-24 10:00 Tehran (۱۴۰۵/۰۹/۰۳, a Tuesday; offices open 8:00–14:00),
see ``daftar.catalogue.tests.factories``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.audit.models import AuditEntry
from daftar.catalogue.tests.factories import NOW, TODAY, client_for, set_tariffs
from daftar.ledger import services
from daftar.ledger.models import Transaction
from daftar.notifications.models import OutboxMessage
from daftar.offices.tests.factories import make_office, staff
from daftar.supervision.models import Violation, ViolationSource

pytestmark = pytest.mark.django_db

INQUIRY = 250_000  # example tariff of property_inquiry (rials)


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def licensed(make_licence: Any) -> Any:
    licence = make_licence()
    set_tariffs(licence.municipality, on=TODAY - dt.timedelta(days=7))
    return make_office(licence.municipality, licence.district, licence=licence)


def post(office: Any, user: Any, **body: Any) -> Any:
    data = {"service": "property_inquiry", "amount": INQUIRY, "payment_ref": "100200300", **body}
    return client_for(user).post(f"/api/v1/offices/{office.pk}/transactions", data, format="json")


def outside_hours(office: Any) -> Any:
    return Violation.objects.filter(licence=office.licence, violation_type__code="outside_hours")


def test_the_first_outside_hours_transaction_of_the_day_records_one_violation(licensed: Any) -> None:
    clerk = staff(licensed)
    assert post(licensed, clerk, payment_ref="A1", performed_at="1405/09/03 07:30").status_code == 201
    assert post(licensed, clerk, payment_ref="A2", performed_at="1405/09/03 07:50").status_code == 201
    assert post(licensed, clerk, payment_ref="A3", performed_at="1405/09/03 09:00").status_code == 201  # inside
    violation = outside_hours(licensed).get()
    assert violation.source == ViolationSource.SYSTEM and violation.recorded_by is None
    assert violation.detected_on == TODAY
    # stored normalised (Latin digits), shown in Persian digits by the pages
    assert "07:30" in violation.description and "08:00 تا 14:00" in violation.description
    evidence = violation.evidence
    assert evidence["kind"] == "outside_hours" and evidence["day"] == TODAY.isoformat()
    assert evidence["hours"] == [["08:00", "14:00"]]
    assert evidence["office"] == {"id": licensed.pk, "name": licensed.name}
    refs = [t["payment_ref"] for t in evidence["transactions"]]
    assert refs == ["A1", "A2"]
    first = evidence["transactions"][0]
    row = Transaction.objects.get(payment_ref="A1")
    assert first["id"] == row.pk and first["amount"] == INQUIRY and first["service"] == "property_inquiry"
    assert dt.datetime.fromisoformat(first["at"]) == row.performed_at
    # one audit entry and one SMS for the day's violation, not one per transaction
    assert AuditEntry.objects.filter(action="supervision.violation_record").count() == 1
    assert OutboxMessage.objects.filter(kind="supervision_violation").count() == 1


def test_another_day_is_another_violation(licensed: Any, settings: Any) -> None:
    settings.TRANSACTION_BACKDATE_DAYS = 7
    clerk = staff(licensed)
    assert post(licensed, clerk, payment_ref="B1", performed_at="1405/09/02 15:00").status_code == 201
    assert post(licensed, clerk, payment_ref="B2", performed_at="1405/08/29 10:00").status_code == 201  # a Friday
    rows = {v.detected_on: v for v in outside_hours(licensed)}
    assert set(rows) == {TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=4)}
    friday = rows[TODAY - dt.timedelta(days=4)]
    assert friday.evidence["hours"] == []
    assert "ساعت کار مصوب نداشت" in friday.description


def test_no_violation_when_the_office_has_no_licence_or_none_under_supervision(make_licence: Any) -> None:
    bare = make_office()
    set_tariffs(bare.municipality, on=TODAY - dt.timedelta(days=1))
    response = post(bare, staff(bare), payment_ref="C1", performed_at="1405/09/03 07:00")
    assert response.status_code == 201 and response.json()["outside_hours"] is True
    assert Violation.objects.count() == 0

    licence = make_licence(status="expired")
    set_tariffs(licence.municipality, on=TODAY - dt.timedelta(days=1))
    office = make_office(licence.municipality, licence.district, licence=licence)
    response = post(office, staff(office), payment_ref="C2", performed_at="1405/09/03 07:00")
    assert response.status_code == 201
    assert Violation.objects.count() == 0


def test_the_violation_rolls_back_with_the_transaction(licensed: Any, monkeypatch: Any) -> None:
    """In the same database transaction: should the recording fail after the violation was
    written, neither the row nor the violation stays."""
    report = services._outside_hours_report

    def report_then_fail(*args: Any, **kwargs: Any) -> None:
        report(*args, **kwargs)
        raise RuntimeError("after the violation")

    monkeypatch.setattr(services, "_outside_hours_report", report_then_fail)
    with pytest.raises(RuntimeError):
        post(licensed, staff(licensed), payment_ref="D1", performed_at="1405/09/03 07:00")
    assert Transaction.objects.count() == 0
    assert outside_hours(licensed).count() == 0


def test_an_overcharge_keeps_its_evidence(licensed: Any) -> None:
    clerk = staff(licensed)
    response = post(licensed, clerk, amount=INQUIRY + 50_000, payment_ref="E1")
    assert response.status_code == 409
    violation = Violation.objects.get(licence=licensed.licence, violation_type__code="overcharging")
    assert violation.source == ViolationSource.SYSTEM
    evidence = violation.evidence
    assert evidence["kind"] == "overcharge"
    assert (evidence["amount"], evidence["tariff"], evidence["payment_ref"]) == (INQUIRY + 50_000, INQUIRY, "E1")
    assert evidence["service"] == "property_inquiry" and evidence["office"]["id"] == licensed.pk


def test_a_busy_days_evidence_lists_so_many_and_counts_the_rest(licensed: Any, monkeypatch: Any) -> None:
    from daftar.supervision import services as supervision  # its cap, lowered for the test

    monkeypatch.setattr(supervision, "OUTSIDE_HOURS_LISTED", 2)
    clerk = staff(licensed)
    for n in range(4):
        assert post(licensed, clerk, payment_ref=f"B{n}", performed_at=f"1405/09/03 07:{10 + n}").status_code == 201
    evidence = outside_hours(licensed).get().evidence
    assert [t["payment_ref"] for t in evidence["transactions"]] == ["B0", "B1"] and evidence["more"] == 2
