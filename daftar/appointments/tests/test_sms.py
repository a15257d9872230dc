"""The SMS of appointments (issue 21 §4): each goes out under its key to the citizen's account,
with the office's municipality on the outbox row, in that municipality's edited words when it
has them (another municipality keeps the default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from daftar.appointments import sms
from daftar.appointments.services import appointment_book, appointment_cancel, reminders_send
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import text_save
from daftar.offices.models import StaffRole
from daftar.offices.services import closure_add

from .conftest import SATURDAY, at, make_office, staff

pytestmark = pytest.mark.django_db

SUNDAY = SATURDAY + dt.timedelta(days=1)  # 1405/09/29


@pytest.fixture(autouse=True)
def _fresh_texts() -> Iterator[None]:
    """The texts' per-process cache would outlive an edited text rolled back with its test."""
    texts.cache_clear()
    yield
    texts.cache_clear()


def test_each_appointment_sms_goes_to_the_citizen_in_the_offices_municipality(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any
) -> None:
    kept = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen)
    dropped = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen2)
    appointment_cancel(appointment=dropped, actor=citizen2)
    clock.move_to(at(SATURDAY, 16), tick=False)
    assert reminders_send() == 1
    closure_add(
        office=office,
        date="۱۴۰۵/۰۹/۲۹",
        reason="تعمیرات ساختمان",
        actor=staff(office, "09353330001", StaffRole.MANAGER),
    )
    expected = {
        sms.BOOKED.key: (citizen, [kept.code, "ثبت شد", "۰۸:۳۰"]),
        sms.CANCELLED.key: (citizen2, [dropped.code, "لغو شد", "۰۹:۰۰"]),
        sms.REMINDER.key: (citizen, [kept.code, "یادآوری نوبت فردا", "۰۸:۳۰"]),
        sms.CANCELLED_BY_OFFICE.key: (citizen, [kept.code, "تعمیرات ساختمان", "۰۸:۳۰"]),
    }
    for key, (person, words) in expected.items():
        [message] = OutboxMessage.objects.filter(kind=key, recipient=person)
        assert (message.to, message.municipality_id) == (person.mobile, office.municipality_id), key
        assert all(word in message.text for word in [*words, office.name, "۱۴۰۵/۰۹/۲۹"]), message.text


def test_an_edited_booking_text_is_its_municipalitys_alone(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any
) -> None:
    elsewhere = make_office(DistrictFactory(municipality=MunicipalityFactory(slug="far-city")), "دفتر شهر دور")
    admin = staff(office, "09353330002", StaffRole.MANAGER)
    text_save(
        key=sms.BOOKED.key,
        municipality=office.municipality,
        body="نوبت {code}: {weekday} {date} ساعت {time}، {office}",
        actor=admin,
    )
    ours = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen)
    theirs = appointment_book(office=elsewhere, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen2)
    mine = OutboxMessage.objects.get(kind=sms.BOOKED.key, recipient=citizen)
    other = OutboxMessage.objects.get(kind=sms.BOOKED.key, recipient=citizen2)
    assert mine.text == f"نوبت {ours.code}: یکشنبه ۱۴۰۵/۰۹/۲۹ ساعت ۰۸:۳۰، {office.name}"
    assert other.municipality_id == elsewhere.municipality_id != office.municipality_id
    assert other.text.startswith("دفتر: نوبت شما در «دفتر شهر دور»") and other.text.endswith(theirs.code)


def test_the_booking_text_must_keep_its_code(office: Any) -> None:
    from daftar.kernel.errors import ApplicationError

    with pytest.raises(ApplicationError) as caught:
        text_save(
            key=sms.BOOKED.key,
            municipality=office.municipality,
            body="نوبت شما ثبت شد.",
            actor=staff(office, "09353330003", StaffRole.MANAGER),
        )
    assert "{code}" in caught.value.message
