"""What may change about an existing office, and what follows (S17): it never changes
municipality or district; its counters cannot drop below the live bookings using them; a
narrowed directive of the municipality flags the offices now outside it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from daftar.accounts.tests.factories import UserFactory
from daftar.appointments.models import Appointment
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.audit.constants import action_label
from daftar.audit.models import AuditEntry
from daftar.catalogue.models import Service
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import Province
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import sms_text
from daftar.offices import messages as msg
from daftar.offices.models import HoursDirective, Office
from daftar.offices.services import office_update
from daftar.offices.sms import DIRECTIVE_CHANGED

from .conftest import MANAGER, user

pytestmark = pytest.mark.django_db

ADMIN = "09120000007"  # Tehran's demo municipality administrator
SATURDAY = dt.date(2026, 12, 19)  # 1405/09/28, an ordinary working Saturday
NOW = dt.datetime(2026, 12, 12, 9, 0, tzinfo=TEHRAN)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


def login(mobile: str) -> Client:
    client = Client()
    client.force_login(user(mobile))
    return client


# --- an office never moves ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["district", "municipality"])
def test_the_manager_cannot_move_the_office(make_office, tehran, field):
    office = make_office()
    target = tehran.districts.get(number=6) if field == "district" else tehran
    with pytest.raises(ApplicationError) as caught:
        office_update(office=office, actor=user(MANAGER), **{field: target.pk})
    assert caught.value.message == msg.LOCATION_FIXED and field in caught.value.fields
    office.refresh_from_db()
    assert office.district.number == 3 and not AuditEntry.objects.filter(action="office.update").exists()


def test_the_profile_form_has_no_district_and_a_posted_one_is_ignored(make_office, tehran):
    office = make_office()
    manager = login(MANAGER)
    page = manager.get(f"/offices/{office.pk}/manage/").content.decode()
    assert 'name="district"' not in page
    assert "جابه‌جایی دفتر یعنی ثبت دفتر تازه نزد شهرداری" in page
    data = {
        "action": "profile",
        "name": "دفتر تازه‌نام",
        "address": office.address,
        "phone": office.phone,
        "lat": "35.71",
        "lng": "51.4",
        "counters": "2",
        "district": str(tehran.districts.get(number=6).pk),
    }
    assert manager.post(f"/offices/{office.pk}/manage/", data).status_code == 302
    office.refresh_from_db()
    assert office.name == "دفتر تازه‌نام" and office.district.number == 3


def test_the_admin_shows_municipality_and_district_read_only_once_the_office_exists(make_office, tehran):
    office = make_office()
    admin = login(ADMIN)
    page = admin.get(f"/admin/offices/office/{office.pk}/change/").content.decode()
    assert 'name="district"' not in page and 'name="municipality"' not in page
    assert office.district.name in page
    add = admin.get("/admin/offices/office/add/").content.decode()
    assert 'name="district"' in add and 'name="municipality"' in add


# --- counters below live bookings -----------------------------------------------------------------


def _booking(office: Office, counter: int, start: dt.datetime, mobile: str = "09351110001") -> Appointment:
    service = Service.objects.filter(bookable=True).order_by("position").first()
    assert service is not None
    return AppointmentFactory.create(
        office=office,
        service=service,
        citizen=UserFactory(mobile=mobile),
        start=start,
        counter=counter,
        code=f"TEST-{mobile[-4:]}",
    )


def test_counters_cannot_drop_below_a_live_future_booking(make_office, time_machine: Any):
    time_machine.move_to(NOW, tick=False)
    office = make_office()
    Office.objects.filter(pk=office.pk).update(counters=3)
    _booking(office, 3, at(SATURDAY, 9), "09351110001")
    _booking(office, 2, at(SATURDAY, 9), "09351110002")
    with pytest.raises(ApplicationError) as caught:
        office_update(office=office, actor=user(MANAGER), counters="۱")
    assert caught.value.status_code == 409 and caught.value.code == "counters_in_use"
    assert caught.value.message == msg.COUNTERS_IN_USE.format(counters="۱", count="۲")
    assert "۲ نوبت آینده روی باجه‌های بالاتر از ۱" in caught.value.message
    office.refresh_from_db()
    assert office.counters == 3
    # down to 2 is refused too (one booking on counter 3); up or equal is fine
    with pytest.raises(ApplicationError):
        office_update(office=office, actor=user(MANAGER), counters=2)
    assert office_update(office=office, actor=user(MANAGER), counters=4).counters == 4


def test_past_cancelled_or_lower_bookings_do_not_block_fewer_counters(make_office, time_machine: Any):
    time_machine.move_to(NOW, tick=False)
    office = make_office()
    Office.objects.filter(pk=office.pk).update(counters=3)
    _booking(office, 3, at(dt.date(2026, 12, 9), 9), "09351110001")  # past (done or not: over)
    gone = _booking(office, 3, at(SATURDAY, 9), "09351110002")
    Appointment.objects.filter(pk=gone.pk).update(status="cancelled")
    _booking(office, 1, at(SATURDAY, 9), "09351110003")
    assert office_update(office=office, actor=user(MANAGER), counters=1).counters == 1


def test_the_manage_page_shows_the_counters_refusal(make_office, time_machine: Any):
    time_machine.move_to(NOW, tick=False)
    office = make_office()
    _booking(office, 2, at(SATURDAY, 9))
    data = {"action": "profile", "name": office.name, "address": office.address, "lat": "35.7", "lng": "51.4"}
    response = login(MANAGER).post(f"/offices/{office.pk}/manage/", data | {"counters": "1"})
    assert response.status_code == 409
    assert msg.COUNTERS_IN_USE.format(counters="۱", count="۱") in response.content.decode()


# --- a narrowed directive -------------------------------------------------------------------------


def _directive_post(directive: HoursDirective, **changes: str) -> dict[str, str]:
    data = {
        "municipality": str(directive.municipality_id),
        "day_start": "08:00",
        "day_end": "14:00",
        "thursday_end": "12:00",
        "evening_start": "16:00",
        "evening_end": "18:00",
        "_save": "1",
    }
    return data | changes


def test_narrowing_the_directive_warns_the_admin_and_texts_the_managers(make_office, tehran, directive, time_machine):
    time_machine.move_to(NOW, tick=False)
    late = make_office()  # Saturday–Wednesday 8:00–14:00
    early = make_office(district=6, manager="09120000010", hours=[{"weekday": 0, "start": "08:00", "end": "12:00"}])
    shiraz = MunicipalityFactory(slug="shiraz", name="شهرداری شیراز", city="شیراز", province=Province.objects.first())
    shiraz.districts.create(number=3, name="منطقهٔ ۳ شیراز")
    elsewhere = make_office(municipality=shiraz, manager="09120000011")
    admin = login(ADMIN)
    response = admin.post(
        f"/admin/offices/hoursdirective/{directive.pk}/change/",
        _directive_post(directive, day_end="12:00"),
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert msg.DIRECTIVE_OFFICES_OUT.format(offices=f"«{late.name}»") in page
    assert early.name not in page and elsewhere.name not in page
    directive.refresh_from_db()
    assert directive.day_end == dt.time(12)
    [sms] = OutboxMessage.objects.filter(kind="hours_directive_changed")
    assert sms.to == MANAGER
    assert sms.text == sms_text(DIRECTIVE_CHANGED.default.format(office=late.name, deadline="۱۴۰۵/۰۹/۲۸"))
    assert (sms.recipient, sms.municipality) == (user(MANAGER), tehran)
    entry = AuditEntry.objects.get(action="office.hours_outside_directive")
    assert entry.actor_id == user(ADMIN).pk and entry.object_id == str(late.pk)
    assert action_label("office.hours_outside_directive").startswith("اعلام ناسازگاری")
    # no supervision violation is recorded: the change was the municipality's
    assert not AuditEntry.objects.filter(action__startswith="supervision.").exists()
    # the manager sees a warning on the manage page until the hours are adjusted
    manager = login(MANAGER)
    warning = manager.get(f"/offices/{late.pk}/manage/").content.decode()
    assert 'id="directive-warning"' in warning and "بیرون از دستورالعمل ساعات کار شهرداری" in warning
    assert "بیرون از ساعات مصوب شهرداری است" in warning
    assert 'id="directive-warning"' not in login("09120000010").get(f"/offices/{early.pk}/manage/").content.decode()
    week = {"action": "hours"} | {f"d{d}_s1": "08:00" for d in range(5)} | {f"d{d}_e1": "12:00" for d in range(5)}
    assert manager.post(f"/offices/{late.pk}/manage/", week).status_code == 302
    assert 'id="directive-warning"' not in manager.get(f"/offices/{late.pk}/manage/").content.decode()


def test_saving_an_unchanged_directive_warns_but_does_not_text_again(make_office, tehran, directive, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = make_office(hours=[{"weekday": 0, "start": "16:00", "end": "18:00"}])  # evening only
    HoursDirective.objects.filter(pk=directive.pk).update(evening_start=None, evening_end=None)
    directive.refresh_from_db()
    admin = login(ADMIN)
    unchanged = _directive_post(directive, evening_start="", evening_end="")
    page = admin.post(f"/admin/offices/hoursdirective/{directive.pk}/change/", unchanged, follow=True)
    assert office.name in page.content.decode()
    assert not OutboxMessage.objects.filter(kind="hours_directive_changed").exists()
