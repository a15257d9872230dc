"""Rules of recording a transaction (S17, S18, P5), as issue 6's review left them:

* today's charges stay right: a tariff "from today" that would change them is refused
  (review #1; the tariff side is ``daftar.catalogue.tests.test_tariff_date_rules``);
* an overcharge is reported to supervision once per (office, payment reference), and a closed
  day is refused as closed, without a report (review #6);
* a transaction may be back-dated only ``TRANSACTION_BACKDATE_DAYS`` days, never on or before
  the office's last closed day (review #7);
* its appointment code must be a booked or done appointment of this office on the same day; a
  booked one becomes done (review #13).

The clock is frozen at 2026-11-24 10:00 Tehran (۱۴۰۵/۰۹/۰۳), see
``daftar.catalogue.tests.factories``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.audit.models import AuditEntry
from daftar.catalogue.models import Service
from daftar.catalogue.services import tariff_set
from daftar.catalogue.tests.factories import NOW, TEHRAN, TODAY, client_for, make_city, municipal, set_tariffs
from daftar.kernel.errors import ApplicationError
from daftar.ledger import messages as msg
from daftar.ledger.models import Transaction
from daftar.ledger.services import day_close, transaction_record
from daftar.offices.models import StaffRole
from daftar.offices.tests.factories import make_office, staff
from daftar.supervision.models import Violation

pytestmark = pytest.mark.django_db

INQUIRY = 250_000  # example tariff of property_inquiry (rials)


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def svc(code: str) -> Service:
    return Service.objects.get(code=code)


@pytest.fixture
def city() -> Any:
    municipality, _district = make_city()
    set_tariffs(municipality)
    return municipality


@pytest.fixture
def admin(city: Any) -> Any:
    return municipal(city, "municipality_admin")


@pytest.fixture
def office(city: Any) -> Any:
    return make_office(city)


@pytest.fixture
def clerk(office: Any) -> Any:
    return staff(office, StaffRole.CLERK)


@pytest.fixture
def manager(office: Any) -> Any:
    return staff(office, StaffRole.MANAGER)


def post(office: Any, user: Any, **body: Any) -> Any:
    data = {"service": "property_inquiry", "amount": INQUIRY, "payment_ref": "100200300", **body}
    headers = {"HTTP_IDEMPOTENCY_KEY": data.pop("key")} if "key" in data else {}
    return client_for(user).post(f"/api/v1/offices/{office.pk}/transactions", data, format="json", **headers)


# --- today's charges (review #1) --------------------------------------------------------------


def test_todays_charges_stay_correct(city: Any, admin: Any, office: Any, clerk: Any) -> None:
    """The finding's scenario: charged 250,000 this morning; a tariff of 200,000 "from today"
    would make that charge an overcharge after the fact. It is refused; today's table holds."""
    assert post(office, clerk).status_code == 201
    with pytest.raises(ApplicationError):
        tariff_set(
            municipality=city, service=svc("property_inquiry"), amount=200_000, effective_from=TODAY, actor=admin
        )
    assert post(office, clerk, payment_ref="2").status_code == 201  # the same amount is still accepted


# --- one report per payment reference (review #6) ---------------------------------------------


@pytest.fixture
def licensed(make_licence: Any) -> Any:
    licence = make_licence()
    set_tariffs(licence.municipality, on=TODAY - dt.timedelta(days=1))
    return make_office(licence.municipality, licence.district, licence=licence)


def test_a_retried_overcharge_is_reported_once(licensed: Any) -> None:
    clerk = staff(licensed)
    for key in ({}, {"key": "overcharge-key-1"}, {"key": "overcharge-key-2"}, {}):
        response = post(licensed, clerk, amount=INQUIRY + 1, payment_ref="۷۷۷", **key)
        assert response.status_code == 409 and response.json()["code"] == "above_tariff"
    assert Violation.objects.filter(licence=licensed.licence, violation_type__code="overcharging").count() == 1
    entries = AuditEntry.objects.filter(action="services.overcharge_refused")
    assert entries.count() == 1 and entries.get().data["payment_ref"] == "777"
    # another payment reference is another attempt, reported again
    assert post(licensed, clerk, amount=INQUIRY + 1, payment_ref="778").status_code == 409
    assert Violation.objects.filter(licence=licensed.licence).count() == 2


def test_a_double_submitted_page_form_is_reported_once(client: Any, licensed: Any) -> None:
    clerk = staff(licensed)
    client.force_login(clerk)
    form = {"service": "property_inquiry", "amount": "۲۵۰٬۰۰۱", "payment_ref": "555"}
    for _ in range(2):
        response = client.post(f"/offices/{licensed.pk}/transactions/", form)
        assert response.status_code == 409
    assert Violation.objects.filter(licence=licensed.licence).count() == 1


def test_the_same_ref_at_another_office_is_reported_there(licensed: Any) -> None:
    other = make_office(licensed.municipality, licensed.district)
    assert post(licensed, staff(licensed), amount=INQUIRY + 1, payment_ref="9").status_code == 409
    assert post(other, staff(other), amount=INQUIRY + 1, payment_ref="9").status_code == 409
    assert AuditEntry.objects.filter(action="services.overcharge_refused").count() == 2


def test_an_overcharge_on_a_closed_day_is_refused_as_closed_without_a_report(licensed: Any) -> None:
    manager = staff(licensed, StaffRole.MANAGER)
    day_close(office=licensed, day=TODAY - dt.timedelta(days=1), actor=manager)
    response = post(licensed, staff(licensed), amount=INQUIRY + 1, performed_at="1405/09/02 10:00")
    assert response.status_code == 409
    assert response.json()["code"] == "day_closed"
    assert response.json()["detail"] == msg.DAY_CLOSED.format(date="۱۴۰۵/۰۹/۰۲")
    assert not Violation.objects.exists()
    assert not AuditEntry.objects.filter(action="services.overcharge_refused").exists()


# --- back-dating (review #7) ------------------------------------------------------------------


def test_back_dating_is_limited_to_the_setting(office: Any, clerk: Any, settings: Any) -> None:
    ok = post(office, clerk, payment_ref="1", performed_at="1405/08/30 10:00")  # 3 days back
    assert ok.status_code == 201
    response = post(office, clerk, payment_ref="2", performed_at="1405/08/29 23:59")  # 4 days back
    assert response.status_code == 400
    assert response.json()["fields"]["performed_at"] == [msg.PERFORMED_TOO_OLD.format(days="۳")]
    assert post(office, clerk, payment_ref="3", performed_at="1404/01/01 10:00").status_code == 400
    settings.TRANSACTION_BACKDATE_DAYS = 0
    response = post(office, clerk, payment_ref="4", performed_at="1405/09/02 10:00")
    assert response.json()["fields"]["performed_at"] == [msg.PERFORMED_TOO_OLD.format(days="۰")]
    assert post(office, clerk, payment_ref="5", performed_at="1405/09/03 09:00").status_code == 201
    assert set(Transaction.objects.values_list("payment_ref", flat=True)) == {"1", "5"}


def test_nothing_on_or_before_the_last_closed_day(office: Any, clerk: Any, manager: Any) -> None:
    day_close(office=office, day="1405/09/02", actor=manager)
    response = post(office, clerk, payment_ref="1", performed_at="1405/09/01 10:00")  # an open day before
    assert response.status_code == 409 and response.json()["code"] == "day_closed"
    assert response.json()["detail"] == msg.DAY_BEFORE_LAST_CLOSED.format(date="۱۴۰۵/۰۹/۰۲")
    response = post(office, clerk, payment_ref="2", performed_at="1405/09/02 10:00")
    assert response.json()["detail"] == msg.DAY_CLOSED.format(date="۱۴۰۵/۰۹/۰۲")
    assert post(office, clerk, payment_ref="3", performed_at="1405/09/03 09:00").status_code == 201
    assert Transaction.objects.count() == 1


def test_a_retry_of_a_recorded_transaction_still_answers_after_the_closing(
    office: Any, clerk: Any, manager: Any
) -> None:
    first = post(office, clerk, payment_ref="1", performed_at="1405/09/02 10:00")
    day_close(office=office, day="1405/09/02", actor=manager)
    again = post(office, clerk, payment_ref="1", performed_at="1405/09/02 10:00")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


# --- appointment codes (review #13) -----------------------------------------------------------


def appointment(office: Any, *, code: str = "K7QM-3XPA", day: dt.date = TODAY, status: str = "booked") -> Appointment:
    start = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=TEHRAN)
    return AppointmentFactory.create(
        office=office, service=svc("property_inquiry"), start=start, code=code, status=status
    )


def test_a_booked_appointment_of_this_office_becomes_done(office: Any, clerk: Any) -> None:
    booked = appointment(office)
    response = post(office, clerk, appointment_code="k7qm۳xpa")  # any case, Persian digits, no dash
    assert response.status_code == 201, response.content
    assert Transaction.objects.get().appointment_code == "K7QM-3XPA"
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.DONE and booked.marked_by == clerk and booked.marked_at is not None
    entry = AuditEntry.objects.get(action="appointment.done")
    assert entry.data["code"] == "K7QM-3XPA" and entry.data["payment_ref"] == "100200300"
    # the same appointment (now done) may be cited by another transaction of that visit
    second = post(
        office, clerk, payment_ref="2", service="charges_payment", amount=150_000, appointment_code="K7QM-3XPA"
    )
    assert second.status_code == 201
    assert AuditEntry.objects.filter(action="appointment.done").count() == 1


@pytest.mark.parametrize("case", ["other_office", "made_up", "malformed", "other_day", "cancelled", "no_show", "own"])
def test_codes_that_do_not_match_are_refused_alike(office: Any, clerk: Any, case: str) -> None:
    code = "K7QM-3XPA"
    if case == "own":  # the clerk's own booking: nobody serves themselves (its done move is not theirs)
        own = appointment(office, code=code)
        Appointment.objects.filter(pk=own.pk).update(citizen=clerk)
    elif case == "other_office":
        appointment(make_office(office.municipality, office.district), code=code)
    elif case == "made_up":
        appointment(office, code="AAAA-BBBB")
    elif case == "malformed":
        code = "<script>"
    elif case == "other_day":
        appointment(office, code=code, day=TODAY - dt.timedelta(days=1))
    else:
        appointment(office, code=code, status=case)
    response = post(office, clerk, appointment_code=code)
    assert response.status_code == 400
    assert response.json()["fields"]["appointment_code"] == [msg.APPOINTMENT_NOT_MATCHING]
    assert not Transaction.objects.exists()
    assert not AuditEntry.objects.filter(action="appointment.done").exists()


def test_the_day_is_the_day_of_performed_at(office: Any, clerk: Any) -> None:
    yesterday = appointment(office, day=TODAY - dt.timedelta(days=1))
    response = post(office, clerk, appointment_code="K7QM-3XPA", performed_at="1405/09/02 09:20")
    assert response.status_code == 201
    yesterday.refresh_from_db()
    assert yesterday.status == AppointmentStatus.DONE


def test_a_refused_transaction_leaves_the_appointment_booked(office: Any, clerk: Any) -> None:
    booked = appointment(office)
    response = post(office, clerk, appointment_code="K7QM-3XPA", amount=INQUIRY + 1)
    assert response.status_code == 409
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_the_service_function_refuses_a_code_that_does_not_match_too(office: Any, clerk: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        transaction_record(
            office=office,
            service="property_inquiry",
            amount=INQUIRY,
            payment_ref="1",
            appointment_code="ZZZZ-ZZZZ",
            actor=clerk,
        )
    assert exc.value.message == msg.APPOINTMENT_NOT_MATCHING
