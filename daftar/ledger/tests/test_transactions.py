"""Transactions and daily closings of an office (S18): the tariff snapshot, the refusal of an
amount above the tariff with an overcharging violation for supervision (issue 6 «Tests»), the
outside-hours flag, payment references, closed days, and who may read or write (IDOR: a clerk
of office A cannot read or write office B)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from daftar.audit.models import AuditEntry
from daftar.catalogue.inputs import rials
from daftar.catalogue.models import Tariff
from daftar.catalogue.tests.factories import (
    NOW,
    TODAY,
    YESTERDAY,
    TariffFactory,
    client_for,
    make_city,
    municipal,
    set_tariffs,
)
from daftar.kernel.errors import ApplicationError
from daftar.ledger import messages as msg
from daftar.ledger.models import DailyClosing, Transaction
from daftar.ledger.services import day_close, transaction_record
from daftar.offices.models import StaffRole
from daftar.offices.tests.factories import make_office, staff
from daftar.supervision.models import Violation

pytestmark = pytest.mark.django_db

INQUIRY = 250_000  # the example tariff of property_inquiry


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def office() -> Any:
    municipality, district = make_city()
    set_tariffs(municipality)
    return make_office(municipality, district)


@pytest.fixture
def clerk(office: Any) -> Any:
    return staff(office, StaffRole.CLERK)


@pytest.fixture
def manager(office: Any) -> Any:
    return staff(office, StaffRole.MANAGER)


@pytest.fixture
def licensed(make_licence: Any) -> Any:
    """A Tehran office working under an active licence, with the example tariffs."""
    licence = make_licence()
    set_tariffs(licence.municipality, on=TODAY - dt.timedelta(days=1))
    return make_office(licence.municipality, licence.district, licence=licence)


def url(office: Any, what: str = "transactions") -> str:
    return f"/api/v1/offices/{office.pk}/{what}"


def post(client: APIClient, office: Any, **body: Any) -> Any:
    data = {"service": "property_inquiry", "amount": INQUIRY, "payment_ref": "100200300", **body}
    headers = {"HTTP_IDEMPOTENCY_KEY": body.pop("key")} if "key" in body else {}
    data.pop("key", None)
    return client.post(url(office), data, format="json", **headers)


# --- the amount and the tariff ---------------------------------------------------------------


def test_the_exact_tariff_is_accepted_with_its_snapshot(office: Any, clerk: Any) -> None:
    response = post(client_for(clerk), office)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == body["tariff_amount"] == INQUIRY
    assert body["service"] == "property_inquiry" and body["outside_hours"] is False
    assert body["day"] == "2026-11-24" and body["day_jalali"] == "1405/09/03"
    row = Transaction.objects.get(pk=body["id"])
    assert (row.jyear, row.jmonth) == (1405, 9)
    assert row.municipality_id == office.municipality_id and row.district_id == office.district_id
    assert row.tariff.amount == INQUIRY and row.recorded_by == clerk
    assert AuditEntry.objects.filter(action="services.transaction_record").count() == 1


def test_the_snapshot_survives_a_later_tariff_change(office: Any, clerk: Any) -> None:
    post(client_for(clerk), office)
    TariffFactory(municipality=office.municipality, amount=300_000, effective_from=TODAY + dt.timedelta(days=1))
    assert Transaction.objects.get().tariff_amount == INQUIRY


def test_a_lower_amount_is_accepted(office: Any, clerk: Any) -> None:
    response = post(client_for(clerk), office, amount=INQUIRY - 50_000)
    assert response.status_code == 201
    assert response.json()["tariff_amount"] == INQUIRY


def test_one_rial_above_the_tariff_is_refused_and_a_violation_recorded(licensed: Any) -> None:
    """Issue 6 «Tests»: a transaction 1 rial above the tariff is refused and creates a violation."""
    clerk = staff(licensed)
    response = post(client_for(clerk), licensed, amount=INQUIRY + 1)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "above_tariff"
    assert body["detail"] == msg.ABOVE_TARIFF.format(
        amount=rials(INQUIRY + 1), service="استعلام ملک", tariff=rials(INQUIRY)
    )
    assert "تخلف" in body["detail"]
    assert not Transaction.objects.filter(office=licensed).exists()
    violation = Violation.objects.get(licence=licensed.licence)
    assert violation.violation_type.code == "overcharging"
    assert "250٬001" in violation.description  # stored with Latin digits (normalised)
    entry = AuditEntry.objects.get(action="services.overcharge_refused")
    assert entry.data["violation"] == violation.pk
    # the exact tariff is then accepted
    assert post(client_for(clerk), licensed, amount=INQUIRY).status_code == 201


def test_overcharge_with_an_idempotency_key_still_records_the_violation(licensed: Any) -> None:
    clerk = staff(licensed)
    response = post(client_for(clerk), licensed, amount=INQUIRY + 1, key="overcharge-0001")
    assert response.status_code == 409
    assert Violation.objects.filter(licence=licensed.licence, violation_type__code="overcharging").count() == 1
    assert not Transaction.objects.filter(office=licensed).exists()


@pytest.fixture
def _seeded(transactional_db: Any) -> None:
    """A transactional test may follow another one whose flush emptied the tables that
    migrations seed: put the catalogue and the violation types back (idempotent)."""
    import importlib

    from django.apps import apps

    from daftar.catalogue.seed import catalogue_seed

    catalogue_seed(apps)
    importlib.import_module("daftar.supervision.migrations.0002_defaults").seed(apps, None)


@pytest.mark.django_db(transaction=True)
def test_the_violation_is_committed_although_the_request_is_refused(
    _seeded: Any,
    make_licence: Any,
) -> None:
    """Real commits (no test transaction around): the refusal does not roll the report back."""
    licence = make_licence()
    set_tariffs(licence.municipality, on=TODAY - dt.timedelta(days=1))
    office = make_office(licence.municipality, licence.district, licence=licence)
    clerk = staff(office)
    for ref, key in (("1", {}), ("2", {"key": "overcharge-commit-1"}), ("2", {"key": "overcharge-commit-2"})):
        response = post(client_for(clerk), office, amount=INQUIRY + 1, payment_ref=ref, **key)
        assert response.status_code == 409
    # two payment references, two reports; the retry of "2" is not reported again (review #6)
    assert Violation.objects.filter(licence=licence, violation_type__code="overcharging").count() == 2
    assert not Transaction.objects.filter(office=office).exists()


def test_overcharge_at_an_office_without_licence_is_audited(office: Any, clerk: Any) -> None:
    response = post(client_for(clerk), office, amount=INQUIRY + 1)
    assert response.status_code == 409 and response.json()["code"] == "above_tariff"
    entry = AuditEntry.objects.get(action="services.overcharge_refused")
    assert entry.data["violation"] is None and entry.data["no_violation_reason"] == "no_licence"
    assert not Violation.objects.exists()


def test_the_service_function_refuses_too(office: Any, clerk: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        transaction_record(office=office, service="property_inquiry", amount=INQUIRY + 1, payment_ref="77", actor=clerk)
    assert exc.value.code == "above_tariff"
    recorded = transaction_record(
        office=office, service="property_inquiry", amount=INQUIRY, payment_ref="77", actor=clerk
    )
    assert recorded.created


@pytest.mark.parametrize("amount", [0, -1, "abc", "12.5", None, 10**30, True])
def test_bad_amounts_are_refused(office: Any, clerk: Any, amount: Any) -> None:
    response = post(client_for(clerk), office, amount=amount)
    assert response.status_code == 400
    assert "amount" in response.json()["fields"]
    assert not Transaction.objects.exists()


def test_persian_digit_amount_is_accepted(office: Any, clerk: Any) -> None:
    response = post(client_for(clerk), office, amount="۲۵۰٬۰۰۰")
    assert response.status_code == 201 and response.json()["amount"] == INQUIRY


@pytest.mark.parametrize(
    ("service", "code"),
    [("completion_certificate", "service_not_offered"), ("nope", "service_unknown"), ("", "required")],
)
def test_services_not_offered_or_unknown_are_refused(office: Any, clerk: Any, service: str, code: str) -> None:
    response = post(client_for(clerk), office, service=service)
    assert response.status_code == 400 and response.json()["code"] == code


def test_no_tariff_in_force_is_refused(clerk: Any, office: Any) -> None:
    Tariff.objects.filter(service__code="charges_payment").delete()
    response = post(client_for(clerk), office, service="charges_payment", amount=1)
    assert response.status_code == 409
    assert response.json()["detail"] == msg.NO_TARIFF.format(service="پرداخت عوارض شهرداری", date="۱۴۰۵/۰۹/۰۳")


# --- payment references and idempotency ------------------------------------------------------


def test_payment_ref_is_required_and_normalised(office: Any, clerk: Any) -> None:
    client = client_for(clerk)
    for bad in ["", "   ", None]:
        response = post(client, office, payment_ref=bad)
        assert response.status_code == 400 and response.json()["fields"]["payment_ref"] == [msg.PAYMENT_REF_REQUIRED]
    assert post(client, office, payment_ref="12;DROP").status_code == 400
    response = post(client, office, payment_ref="۱۲۳ ۴۵۶")
    assert response.status_code == 201 and response.json()["payment_ref"] == "123456"


def test_a_repeat_with_the_same_data_returns_the_same_row(office: Any, clerk: Any) -> None:
    client = client_for(clerk)
    first = post(client, office, payment_ref="555")
    again = post(client, office, payment_ref="۵۵۵")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Transaction.objects.count() == 1


def test_a_repeat_with_different_data_is_a_conflict(office: Any, clerk: Any) -> None:
    client = client_for(clerk)
    post(client, office, payment_ref="555")
    response = post(client, office, payment_ref="555", amount=INQUIRY - 1)
    assert response.status_code == 409 and response.json()["code"] == "payment_ref_used"
    response = post(client, office, payment_ref="555", service="charges_payment", amount=150_000)
    assert response.status_code == 409
    assert Transaction.objects.count() == 1


def test_the_same_payment_ref_at_another_office_is_fine(office: Any, clerk: Any) -> None:
    other = make_office(office.municipality, office.district)
    post(client_for(clerk), office, payment_ref="42")
    assert post(client_for(staff(other)), other, payment_ref="42").status_code == 201


def test_idempotency_key_replays_the_first_answer(office: Any, clerk: Any) -> None:
    client = client_for(clerk)
    first = post(client, office, key="txn-key-0001")
    replay = post(client, office, key="txn-key-0001")
    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true" and replay.json()["id"] == first.json()["id"]
    reused = post(client, office, key="txn-key-0001", payment_ref="other")
    assert reused.status_code == 422


# --- time: future, outside hours, closed days ------------------------------------------------


def test_performed_in_the_future_is_refused(office: Any, clerk: Any) -> None:
    response = post(client_for(clerk), office, performed_at="1405/09/03 11:00")
    assert response.status_code == 400 and response.json()["fields"]["performed_at"] == [msg.PERFORMED_IN_FUTURE]
    assert post(client_for(clerk), office, performed_at="not a date").status_code == 400


def test_earlier_today_in_jalali_is_accepted(office: Any, clerk: Any) -> None:
    response = post(client_for(clerk), office, performed_at="۱۴۰۵/۰۹/۰۳ ۰۹:۱۵")
    assert response.status_code == 201
    assert response.json()["performed_at"] == "2026-11-24T09:15:00+03:30"
    assert response.json()["performed_at_jalali"] == "1405/09/03"


@pytest.mark.parametrize(
    ("performed_at", "outside"),
    [
        ("1405/09/03 08:00", False),
        ("1405/09/03 07:59", True),
        ("1405/09/02 13:59", False),
        ("1405/09/02 14:00", True),  # 8:00–14:00: the end is excluded
        ("1405/08/29 10:00", True),  # a Friday
    ],
)
def test_outside_the_approved_hours_is_accepted_but_flagged(
    office: Any, clerk: Any, performed_at: str, outside: bool, settings: Any
) -> None:
    settings.TRANSACTION_BACKDATE_DAYS = 7  # the Friday is four days back
    response = post(client_for(clerk), office, performed_at=performed_at)
    assert response.status_code == 201
    assert response.json()["outside_hours"] is outside


def test_a_closed_day_refuses_recording(office: Any, clerk: Any, manager: Any) -> None:
    client = client_for(clerk)
    post(client, office, payment_ref="1", performed_at="1405/09/02 10:00")
    closing = day_close(office=office, day="1405/09/02", actor=manager)
    assert (closing.count, closing.total) == (1, INQUIRY)
    response = post(client, office, payment_ref="2", performed_at="1405/09/02 11:00")
    assert response.status_code == 409
    assert response.json()["detail"] == msg.DAY_CLOSED.format(date="۱۴۰۵/۰۹/۰۲")
    assert post(client, office, payment_ref="3").status_code == 201  # today is still open
    assert Transaction.objects.count() == 2


# --- daily closing ---------------------------------------------------------------------------


def test_the_manager_closes_a_day_once(office: Any, clerk: Any, manager: Any) -> None:
    client = client_for(clerk)
    post(client, office, payment_ref="1")
    post(client, office, payment_ref="2", service="charges_payment", amount=150_000)
    post(client, office, payment_ref="3", performed_at="1405/09/02 10:00")
    response = client_for(manager).post(url(office, "closings"), {"day": "۱۴۰۵/۰۹/۰۳"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["count"], body["total"], body["day"]) == (2, 400_000, "2026-11-24")
    assert Transaction.objects.filter(closing__isnull=False).count() == 2
    assert Transaction.objects.get(payment_ref="3").closing is None
    again = client_for(manager).post(url(office, "closings"), {"day": "2026-11-24"}, format="json")
    assert again.status_code == 409
    assert AuditEntry.objects.filter(action="services.day_close").count() == 1
    listing = client_for(clerk).get(url(office, "closings")).json()
    assert listing["count"] == 1 and listing["results"][0]["total"] == 400_000
    assert client_for(clerk).get(url(office) + "?day=2026-11-24").json()["results"][0]["closed"] is True


def test_closing_an_empty_day_stores_zero(office: Any, manager: Any) -> None:
    response = client_for(manager).post(url(office, "closings"), {"day": "1405/09/01"}, format="json")
    assert response.status_code == 201 and response.json()["count"] == 0 and response.json()["total"] == 0


@pytest.mark.parametrize(("day", "status"), [("1405/09/04", 400), ("", 400), ("1405/13/01", 400), (None, 400)])
def test_closing_bad_days_is_refused(office: Any, manager: Any, day: Any, status: int) -> None:
    response = client_for(manager).post(url(office, "closings"), {"day": day}, format="json")
    assert response.status_code == status
    assert not DailyClosing.objects.exists()


def test_a_clerk_or_a_reader_cannot_close_a_day(office: Any, clerk: Any) -> None:
    for user in (clerk, municipal(office.municipality, "supervisor")):
        response = client_for(user).post(url(office, "closings"), {"day": "1405/09/03"}, format="json")
        assert response.status_code == 403
    assert not DailyClosing.objects.exists()


# --- access (IDOR) ---------------------------------------------------------------------------


def test_a_clerk_of_office_a_cannot_read_or_write_office_b(office: Any, clerk: Any) -> None:
    """Issue 6 «Tests»: IDOR. Office B looks exactly like a missing id to A's clerk."""
    other = make_office(office.municipality, office.district)
    post(client_for(staff(other)), other, payment_ref="9")
    client = client_for(clerk)
    missing = f"/api/v1/offices/{other.pk + 1000}/transactions"
    for path in (url(other), url(other, "closings")):
        read = client.get(path)
        assert read.status_code == 404
        assert read.json() == client.get(missing).json()
    write = post(client, other, payment_ref="10")
    assert write.status_code == 404 and write.json() == client.post(missing, {}, format="json").json()
    closing = client.post(url(other, "closings"), {"day": "1405/09/03"}, format="json")
    assert closing.status_code == 404
    assert Transaction.objects.filter(office=other).count() == 1
    assert not DailyClosing.objects.exists()


def test_municipality_readers_read_but_may_not_write(office: Any, clerk: Any) -> None:
    post(client_for(clerk), office)
    for role in ("supervisor", "licensing_authority", "municipality_admin"):
        reader = client_for(municipal(office.municipality, role))
        listing = reader.get(url(office))
        assert listing.status_code == 200 and listing.json()["count"] == 1
        response = post(reader, office, payment_ref=f"r-{role[:5]}")
        assert response.status_code == 403
    assert Transaction.objects.count() == 1


def test_readers_of_another_municipality_and_citizens_get_404(office: Any) -> None:
    other_city, _d = make_city()
    for user in (municipal(other_city, "supervisor"), municipal(office.municipality, "reviewer")):
        assert client_for(user).get(url(office)).status_code == 404
        assert post(client_for(user), office).status_code == 404


def test_anonymous_gets_401(office: Any) -> None:
    api = APIClient()
    assert api.get(url(office)).status_code == 401
    assert post(api, office).status_code == 401
    assert api.post(url(office, "closings"), {"day": "1405/09/03"}, format="json").status_code == 401


def test_an_inactive_staff_row_gives_no_access(office: Any, clerk: Any) -> None:
    office.staff.filter(user=clerk).update(active=False)
    assert post(client_for(clerk), office).status_code == 404


# --- listing ---------------------------------------------------------------------------------


def test_list_by_day_is_paginated_newest_first(office: Any, clerk: Any) -> None:
    client = client_for(clerk)
    for n in range(3):
        post(client, office, payment_ref=f"d{n}", performed_at=f"1405/09/03 {8 + n:02d}:00")
    post(client, office, payment_ref="y", performed_at="1405/09/02 09:00")
    today_list = client.get(url(office), {"day": "۱۴۰۵/۰۹/۰۳", "page_size": 2}).json()
    assert today_list["count"] == 3 and len(today_list["results"]) == 2 and today_list["next"]
    assert [r["payment_ref"] for r in today_list["results"]] == ["D2", "D1"]
    assert client.get(url(office)).json()["count"] == 4
    assert client.get(url(office), {"day": "junk"}).status_code == 400
    assert client.get(url(office), {"page": "99"}).status_code == 404
    assert client.get(url(office), {"day": YESTERDAY.isoformat()}).json()["count"] == 1


def test_bad_office_ids_are_404(clerk: Any) -> None:
    client = client_for(clerk)
    assert client.get("/api/v1/offices/abc/transactions").status_code == 404
    assert client.get("/api/v1/offices/99999999999999999999/transactions").status_code == 404
