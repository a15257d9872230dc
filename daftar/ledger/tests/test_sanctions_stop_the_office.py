"""A suspended or revoked licence stops its office (S16, P5; issue 17 finding 1).

On the days a sanction covers, the office takes no new booking, its live bookings are
cancelled with an SMS to each citizen naming the sanction, a transaction is refused with a
Persian message naming it, and the finder, the office page and the public registry show the
office as not operating. Reinstatement restores all of it; revocation is final.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_book
from daftar.catalogue.models import Service
from daftar.catalogue.tests.factories import NOW, TODAY, client_for, set_tariffs
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import unlocked
from daftar.ledger.models import Transaction
from daftar.licences.models import LicenceStatus
from daftar.licences.moves import licence_reinstate, licence_revoke, licence_suspend, licences_sweep
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office, StaffRole
from daftar.offices.tests.factories import make_office, staff

pytestmark = pytest.mark.django_db

AUTHORITY = "09120000005"  # the demo's licensing authority of Tehran
REASON = "دریافت وجه بیش از تعرفهٔ مصوب در سه نوبت"
INQUIRY = 250_000  # the example tariff of property_inquiry
# NOW is Tuesday 1405/09/03 10:00; the office opens Saturday to Wednesday 8:00–14:00
WEDNESDAY = TODAY + dt.timedelta(days=1)  # 1405/09/04
SATURDAY = TODAY + dt.timedelta(days=4)  # 1405/09/07
SUNDAY = TODAY + dt.timedelta(days=5)  # 1405/09/08: the suspension's last day
MONDAY = TODAY + dt.timedelta(days=6)  # 1405/09/09: the office works again


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def office(make_licence: Any) -> Office:
    licence = make_licence()
    set_tariffs(licence.municipality, on=TODAY - dt.timedelta(days=10))
    return make_office(licence.municipality, licence.district, licence=licence)


@pytest.fixture
def authority() -> User:
    return User.objects.get(mobile=AUTHORITY)


@pytest.fixture
def clerk(office: Office) -> User:
    return staff(office, StaffRole.CLERK)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TEHRAN)


def book(office: Office, day: dt.date, hour: int = 9) -> Appointment:
    service = Service.objects.get(code="property_inquiry")
    return appointment_book(office=office, service=service, start=at(day, hour), citizen=UserFactory.create())


def status(appointment: Appointment) -> str:
    return Appointment.objects.get(pk=appointment.pk).status


def suspend(office: Office, authority: User, until: dt.date = SUNDAY) -> None:
    assert office.licence is not None
    licence_suspend(office.licence, until=until, reason=REASON, actor=authority)


def record(clerk: User, office: Office, ref: str = "900100200", **extra: Any) -> Any:
    body = {"service": "property_inquiry", "amount": INQUIRY, "payment_ref": ref, **extra}
    return client_for(clerk).post(f"/api/v1/offices/{office.pk}/transactions", body, format="json")


def book_api(office: Office, day: dt.date, hour: int = 10) -> Any:
    body = {"office": office.pk, "service": "property_inquiry", "start": at(day, hour).isoformat()}
    return client_for(UserFactory.create()).post("/api/v1/appointments", body, format="json")


def card(office: Office) -> dict[str, Any]:
    body = APIClient().get(f"/api/v1/offices?municipality={office.municipality.slug}").json()
    [found] = [row for row in body["results"] if row["id"] == office.pk]
    return found  # type: ignore[no-any-return]


def registry_row(office: Office) -> str | None:
    page = Client().get(f"/licences/registry/?municipality={office.municipality.slug}").content.decode()
    assert office.licence is not None
    marker = f'data-licence="{office.licence.number}"'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split("</tr>", 1)[0]


# --- suspension -------------------------------------------------------------------------------


def test_a_suspension_cancels_the_bookings_it_covers_and_tells_each_citizen(office: Office, authority: User) -> None:
    inside = [book(office, WEDNESDAY), book(office, SATURDAY), book(office, SUNDAY, 13)]
    after = book(office, MONDAY)
    OutboxMessage.objects.all().delete()

    suspend(office, authority)

    assert [status(a) for a in inside] == [AppointmentStatus.CANCELLED] * 3
    assert status(after) == AppointmentStatus.BOOKED
    sms = OutboxMessage.objects.filter(kind="appointment_cancelled_by_office").order_by("pk")
    assert sorted(m.to for m in sms) == sorted(a.citizen.mobile for a in inside)
    for message in sms:
        assert "تعلیق مجوز دفتر تا پایان ۱۴۰۵/۰۹/۰۸" in message.text


def test_a_suspended_office_takes_no_booking_on_its_days_but_does_after_them(office: Office, authority: User) -> None:
    suspend(office, authority)

    refused = book_api(office, SATURDAY)
    assert refused.status_code == 409
    assert refused.json()["code"] == "licence_suspended"
    assert refused.json()["detail"] == "مجوز این دفتر تا پایان ۱۴۰۵/۰۹/۰۸ تعلیق است؛ دفتر تا آن روز نوبت نمی‌دهد."
    slots = APIClient().get(f"/api/v1/offices/{office.pk}/slots?date={SATURDAY}&service=property_inquiry")
    assert slots.status_code == 200 and slots.json() == []
    assert book_api(office, MONDAY).status_code == 201
    assert Appointment.objects.filter(office=office, day__lte=SUNDAY).count() == 0


def test_the_booking_page_says_why_and_shows_the_suspended_days_closed(office: Office, authority: User) -> None:
    Office.objects.filter(pk=office.pk).update(address="خیابان آزادی، پلاک 45")
    suspend(office, authority)
    page = Client().get(f"/offices/{office.pk}/book/?service=property_inquiry").content.decode()
    assert "مجوز این دفتر تا پایان ۱۴۰۵/۰۹/۰۸ تعلیق است؛ دفتر تا آن روز نوبت نمی‌دهد." in page
    assert f'data-day="{SATURDAY.isoformat()}" data-closed="true"' in page  # shown closed, not a link
    assert f'data-day="{MONDAY.isoformat()}" href=' in page
    assert "پلاک ۴۵" in page and "پلاک 45" not in page  # the address in Persian digits


def test_a_suspended_office_records_no_transaction_and_says_why(office: Office, authority: User, clerk: User) -> None:
    suspend(office, authority)

    response = record(clerk, office)

    assert response.status_code == 409
    assert response.json()["code"] == "licence_suspended"
    assert response.json()["detail"] == (
        "مجوز این دفتر تا پایان ۱۴۰۵/۰۹/۰۸ تعلیق است؛ تا آن روز ثبت خدمت و دریافت وجه ممکن نیست."
    )
    assert not Transaction.objects.filter(office=office).exists()
    # the work of the day before the decision may still be entered
    yesterday = (NOW - dt.timedelta(days=1)).isoformat()
    assert record(clerk, office, ref="900100201", performed_at=yesterday).status_code == 201


def test_a_suspended_office_page_has_no_record_form_and_names_the_sanction(
    office: Office, authority: User, clerk: User
) -> None:
    suspend(office, authority)
    client = Client()
    client.force_login(clerk)
    page = client.get(f"/offices/{office.pk}/transactions/").content.decode()
    assert "تا آن روز ثبت خدمت و دریافت وجه ممکن نیست" in page
    assert 'name="payment_ref"' not in page
    assert "None" not in page  # the day field shows today's Jalali date
    posted = client.post(
        f"/offices/{office.pk}/transactions/",
        {"service": "property_inquiry", "amount": INQUIRY, "payment_ref": "900100300"},
    )
    assert posted.status_code in (400, 409)
    assert "تعلیق" in posted.content.decode()
    assert not Transaction.objects.filter(office=office).exists()
    manage = client.get(f"/offices/{office.pk}/manage/").content.decode()
    assert "مجوز این دفتر تا پایان ۱۴۰۵/۰۹/۰۸ تعلیق است و دفتر تا آن روز فعالیت نمی‌کند." in manage


def test_the_finder_the_office_page_and_the_registry_show_it_not_operating(office: Office, authority: User) -> None:
    before = card(office)
    assert before["operating"] is True and before["sanction"] is None
    assert 'data-operating="1"' in (registry_row(office) or "")

    suspend(office, authority)

    after = card(office)
    assert after["operating"] is False and after["open_now"] is False
    assert after["sanction"]["status"] == "suspended"
    assert after["sanction"]["until"] == SUNDAY.isoformat() and after["sanction"]["until_jalali"] == "۱۴۰۵/۰۹/۰۸"
    detail = APIClient().get(f"/api/v1/offices/{office.pk}").json()
    assert detail["operating"] is False and not any(d["open"] for d in detail["days"][:5])
    finder = Client().get("/offices/").content.decode()
    assert "مجوز این دفتر تا پایان ۱۴۰۵/۰۹/۰۸ تعلیق است و دفتر تا آن روز فعالیت نمی‌کند." in finder
    page = Client().get(f"/offices/{office.pk}/").content.decode()
    assert "فعالیت نمی‌کند" in page and f"/offices/{office.pk}/book/" not in page
    row = registry_row(office)
    assert row is not None and 'data-operating="0"' in row and "تعلیق مجوز دفتر تا پایان ۱۴۰۵/۰۹/۰۸" in row


def test_reinstatement_restores_bookings_transactions_and_the_listing(
    office: Office, authority: User, clerk: User
) -> None:
    suspend(office, authority)
    assert office.licence is not None
    licence_reinstate(office.licence, reason="تعهد کتبی دفتر و بازگرداندن وجه اضافی", actor=authority)

    assert book_api(office, SATURDAY).status_code == 201
    assert record(clerk, office).status_code == 201
    assert card(office)["operating"] is True
    assert "فعالیت نمی‌کند" not in Client().get(f"/offices/{office.pk}/").content.decode()
    assert 'data-operating="1"' in (registry_row(office) or "")


def test_a_suspension_whose_last_day_passed_stops_nothing_even_before_the_sweep(
    office: Office, authority: User, clerk: User, time_machine: Any
) -> None:
    suspend(office, authority)
    time_machine.move_to(at(MONDAY, 9), tick=False)  # the hourly sweep has not run yet

    assert card(office)["operating"] is True
    assert book_api(office, MONDAY, 11).status_code == 201
    assert record(clerk, office).status_code == 201


# --- revocation -------------------------------------------------------------------------------


def test_a_revocation_stops_the_office_for_good(office: Office, authority: User, clerk: User) -> None:
    bookings = [book(office, WEDNESDAY), book(office, MONDAY)]
    assert office.licence is not None
    licence_revoke(office.licence, reason=REASON, actor=authority)

    assert [status(a) for a in bookings] == [AppointmentStatus.CANCELLED] * 2
    assert OutboxMessage.objects.filter(kind="appointment_cancelled_by_office").count() == 2
    refused = book_api(office, MONDAY + dt.timedelta(days=5))
    assert refused.status_code == 409 and refused.json()["code"] == "licence_revoked"
    response = record(clerk, office)
    assert response.status_code == 409
    assert response.json()["detail"] == "مجوز این دفتر لغو شده است؛ ثبت خدمت و دریافت وجه ممکن نیست."
    after = card(office)
    assert after["operating"] is False and after["sanction"]["status"] == "revoked"
    assert after["sanction"]["until"] is None
    assert registry_row(office) is None
    with pytest.raises(ApplicationError) as caught:
        licence_reinstate(office.licence, reason="درخواست بازگشت به کار پس از لغو", actor=authority)
    assert caught.value.status_code == 409
    assert card(office)["operating"] is False


def test_a_revocation_after_a_suspension_keeps_the_days_before_the_suspension(
    office: Office, authority: User, clerk: User, time_machine: Any
) -> None:
    suspend(office, authority)
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    assert office.licence is not None
    licence_revoke(office.licence, reason=REASON, actor=authority)
    # the day of the suspension is covered, the day before it is not
    assert record(clerk, office, ref="900100500", performed_at=NOW.isoformat()).status_code == 409
    before = (NOW - dt.timedelta(days=1)).isoformat()
    assert record(clerk, office, ref="900100501", performed_at=before).status_code == 201


# --- licences sanctioned before sanctions stopped offices --------------------------------------


def test_the_hourly_sweep_cancels_the_bookings_of_a_licence_sanctioned_before_the_upgrade(office: Office) -> None:
    inside, after = book(office, SATURDAY), book(office, MONDAY)
    licence = office.licence
    assert licence is not None
    with unlocked(licence):  # as the row stood before migration 0004: suspended, no first day
        licence.status, licence.suspended_until = LicenceStatus.SUSPENDED, SUNDAY
        licence.save(update_fields=["status", "suspended_until"])
    assert status(inside) == AppointmentStatus.BOOKED

    assert licences_sweep()["sanctions_reapplied"] == 1

    assert status(inside) == AppointmentStatus.CANCELLED and status(after) == AppointmentStatus.BOOKED
    [sms] = OutboxMessage.objects.filter(kind="appointment_cancelled_by_office")
    assert sms.to == inside.citizen.mobile and "تعلیق مجوز دفتر تا پایان ۱۴۰۵/۰۹/۰۸" in sms.text
    licences_sweep()  # again: nothing more is cancelled or sent
    assert OutboxMessage.objects.filter(kind="appointment_cancelled_by_office").count() == 1


def test_the_upgrade_reads_the_first_day_of_each_sanction_from_the_history() -> None:
    backfill = importlib.import_module("daftar.licences.migrations.0004_sanctioned_from_backfill")
    morning = dt.datetime(2026, 11, 1, 5, 0, tzinfo=dt.UTC)  # 08:30 in Tehran
    late = dt.datetime(2026, 11, 9, 21, 0, tzinfo=dt.UTC)  # 00:30 of 11-10 in Tehran
    assert backfill.sanction_start([("issue", morning), ("suspend", late)]) == dt.date(2026, 11, 10)
    suspended_then_revoked = [("suspend", morning), ("revoke", late)]
    assert backfill.sanction_start(suspended_then_revoked) == dt.date(2026, 11, 1)
    reinstated_then_revoked = [("suspend", morning), ("reinstate", morning), ("revoke", late)]
    assert backfill.sanction_start(reinstated_then_revoked) == dt.date(2026, 11, 10)
    assert backfill.sanction_start([("issue", morning)]) is None
