"""The office's staff register (issue 22 §5): the technical manager with their qualifications
(P4: one at a time, aged 25–55, degree and field), former members kept with their dates, every
change audited and shown, and who reads the register."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client

from daftar.appointments.models import AppointmentStatus
from daftar.appointments.services import appointment_mark
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.audit.models import AuditEntry
from daftar.catalogue.tests.factories import NOW, client_for, make_city, municipal
from daftar.kernel.errors import ApplicationError
from daftar.offices import messages as msg
from daftar.offices.models import OfficeStaff, StaffRole
from daftar.offices.services import staff_add, staff_qualify, staff_remove
from daftar.offices.tests.factories import make_office, staff

pytestmark = pytest.mark.django_db

TECH = "09127770001"
# born 1365/04/20 (1986-07-11): 40 on the frozen day, 1405/09/03
QUALIFIED = {"degree": "bachelor", "field_of_study": "مهندسی کامپیوتر", "birth_date": "۱۳۶۵/۰۴/۲۰"}


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def office() -> Any:
    municipality, district = make_city()
    return make_office(municipality, district)


@pytest.fixture
def manager(office: Any) -> Any:
    return staff(office, StaffRole.MANAGER)


def add_technical(office: Any, manager: Any, mobile: str = TECH, **changes: Any) -> OfficeStaff:
    return staff_add(office=office, mobile=mobile, role="technical", actor=manager, **{**QUALIFIED, **changes})


def test_a_technical_manager_is_registered_with_their_qualifications(office: Any, manager: Any) -> None:
    row = add_technical(office, manager)
    assert (row.degree, row.field_of_study, row.birth_date) == ("bachelor", "مهندسی کامپیوتر", dt.date(1986, 7, 11))
    entry = AuditEntry.objects.get(action="office.staff_add", data__role="technical")
    # the age, not the birth date: the audit chain is never erased
    assert entry.actor == manager and entry.data["degree"] == "bachelor" and entry.data["age"] == 40
    assert "birth_date" not in entry.data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"degree": ""}, "degree", msg.DEGREE_REQUIRED),
        ({"degree": "diploma"}, "degree", msg.DEGREE_INVALID),
        ({"field_of_study": "ک"}, "field_of_study", msg.FIELD_REQUIRED),
        ({"birth_date": ""}, "birth_date", msg.BIRTH_DATE_REQUIRED),
        ({"birth_date": "۱۳۶۵/۱۳/۰۱"}, "birth_date", msg.BIRTH_DATE_INVALID),
        # 25 tomorrow, and 56 today: outside the ages P4 reports
        ({"birth_date": "2001-11-25"}, "birth_date", msg.TECHNICAL_AGE.format(min="۲۵", max="۵۵", age="۲۴")),
        ({"birth_date": "1970-11-24"}, "birth_date", msg.TECHNICAL_AGE.format(min="۲۵", max="۵۵", age="۵۶")),
    ],
)
def test_a_technical_manager_without_what_p4_asks_is_refused(
    office: Any, manager: Any, changes: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        add_technical(office, manager, **changes)
    assert caught.value.fields == {field: [message]}
    assert not OfficeStaff.objects.filter(role="technical").exists()
    assert not AuditEntry.objects.filter(action="office.staff_add", data__role="technical").exists()


def test_twenty_five_today_is_old_enough(office: Any, manager: Any) -> None:
    assert add_technical(office, manager, birth_date="2001-11-24").active


def test_the_ages_are_a_setting(office: Any, manager: Any, settings: Any) -> None:
    settings.OFFICE_TECHNICAL_MANAGER_AGE = (30, 60)
    with pytest.raises(ApplicationError):
        add_technical(office, manager, birth_date="۱۳۷۹/۰۱/۰۱")  # 25
    assert add_technical(office, manager, birth_date="۱۳۴۹/۰۹/۰۳").role == "technical"  # 56


def test_one_technical_manager_at_a_time(office: Any, manager: Any) -> None:
    first = add_technical(office, manager)
    with pytest.raises(ApplicationError) as caught:
        add_technical(office, manager, mobile="09127770002")
    assert caught.value.status_code == 409 and caught.value.message == msg.TECHNICAL_EXISTS
    staff_remove(office=office, staff_id=first.pk, actor=manager)
    assert add_technical(office, manager, mobile="09127770002").active


def test_a_clerk_keeps_no_qualifications(office: Any, manager: Any) -> None:
    row = staff_add(office=office, mobile="09127770003", role="clerk", actor=manager, **QUALIFIED)
    assert (row.degree, row.field_of_study, row.birth_date) == ("", "", None)


def test_a_former_member_stays_in_the_register_with_their_dates(office: Any, manager: Any, time_machine: Any) -> None:
    row = add_technical(office, manager)
    time_machine.move_to(NOW + dt.timedelta(days=30), tick=False)
    staff_remove(office=office, staff_id=row.pk, actor=manager)
    row.refresh_from_db()
    assert not row.active and row.removed_at == NOW + dt.timedelta(days=30)
    client = Client()
    client.force_login(manager)
    page = client.get(f"/offices/{office.pk}/staff/").content.decode()
    former = page[page.index('id="former-staff"') :]
    assert "مدیر فنی · از ۱۴۰۵/۰۹/۰۳ تا ۱۴۰۵/۱۰/۰۳" in former
    history = page[page.index('id="staff-history"') :]
    assert history.index("کنار رفت") < history.index("افزوده شد")  # newest first
    # coming back is a new period: the first keeps its dates and role
    again = staff_add(office=office, mobile=TECH, role="clerk", actor=manager)
    assert again.pk != row.pk and again.active and again.removed_at is None
    row.refresh_from_db()
    assert row.role == "technical" and row.removed_at == NOW + dt.timedelta(days=30)
    with pytest.raises(ApplicationError) as caught:  # but never two periods at once
        staff_add(office=office, mobile=TECH, role="clerk", actor=manager)
    assert caught.value.status_code == 409 and caught.value.message == msg.STAFF_EXISTS


def test_a_field_of_study_too_long_is_refused_not_cut(office: Any, manager: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        add_technical(office, manager, field_of_study="ر" * 121)
    assert caught.value.fields == {"field_of_study": [msg.FIELD_TOO_LONG]}


def test_an_older_manager_s_field_can_still_be_corrected(office: Any, manager: Any, time_machine: Any) -> None:
    row = add_technical(office, manager, birth_date="1972-01-01")  # 54
    time_machine.move_to(NOW + dt.timedelta(days=800), tick=False)  # 56 now
    changed = staff_qualify(
        office=office,
        staff_id=row.pk,
        degree="bachelor",
        field_of_study="شهرسازی",
        birth_date="1972-01-01",
        actor=manager,
    )
    assert changed.field_of_study == "شهرسازی"
    with pytest.raises(ApplicationError):  # a new date is checked again
        staff_qualify(
            office=office,
            staff_id=row.pk,
            degree="bachelor",
            field_of_study="شهرسازی",
            birth_date="1971-01-01",
            actor=manager,
        )


def test_the_manager_corrects_the_qualifications(office: Any, manager: Any) -> None:
    row = add_technical(office, manager)
    changed = staff_qualify(
        office=office,
        staff_id=row.pk,
        degree="master",
        field_of_study="شهرسازی",
        birth_date="1986-07-11",
        actor=manager,
    )
    assert (changed.degree, changed.field_of_study) == ("master", "شهرسازی")
    assert AuditEntry.objects.filter(action="office.staff_qualify", actor=manager, data__degree="master").exists()
    clerk = staff(office, StaffRole.CLERK)
    with pytest.raises(ApplicationError) as caught:
        staff_qualify(
            office=office, staff_id=row.pk, degree="doctorate", field_of_study="x" * 5, birth_date="", actor=clerk
        )
    assert caught.value.status_code == 403
    clerk_row = OfficeStaff.objects.get(user=clerk)
    with pytest.raises(ApplicationError) as caught:
        staff_qualify(office=office, staff_id=clerk_row.pk, actor=manager, **QUALIFIED)
    assert caught.value.status_code == 409 and caught.value.message == msg.NOT_TECHNICAL


def test_the_api_lists_the_register_and_corrects_it(office: Any, manager: Any) -> None:
    api = client_for(manager)
    created = api.post(
        f"/api/v1/offices/{office.pk}/staff", {"mobile": TECH, "role": "technical", **QUALIFIED}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["degree_display"] == "کارشناسی" and body["birth_date_jalali"] == "1365/04/20"
    bad = api.patch(
        f"/api/v1/offices/{office.pk}/staff/{body['id']}", {**QUALIFIED, "birth_date": "۱۳۹۰/۰۱/۰۱"}, format="json"
    )
    assert bad.status_code == 400 and "سال سن داشته باشد" in bad.json()["fields"]["birth_date"][0]
    assert api.delete(f"/api/v1/offices/{office.pk}/staff/{body['id']}").status_code == 204
    assert [r["id"] for r in api.get(f"/api/v1/offices/{office.pk}/staff").json()] == [
        OfficeStaff.objects.get(user=manager).pk
    ]
    register = api.get(f"/api/v1/offices/{office.pk}/staff?all=1").json()
    former = next(r for r in register if r["id"] == body["id"])
    assert former["active"] is False and former["removed_at"] is not None
    assert former["birth_date"] == "1986-07-11" and former["age"] == 40
    # a reader of the register gets the age, not the birth date
    readers = client_for(municipal(office.municipality, "supervisor")).get(f"/api/v1/offices/{office.pk}/staff?all=1")
    seen = next(r for r in readers.json() if r["id"] == body["id"])
    assert seen["birth_date"] is None and seen["birth_date_jalali"] is None and seen["age"] == 40


def test_who_reads_the_register(office: Any, manager: Any) -> None:
    url = f"/offices/{office.pk}/staff/"
    supervisor = municipal(office.municipality, "supervisor")
    elsewhere, _ = make_city()
    for user, status in (
        (staff(office, StaffRole.CLERK), 200),
        (supervisor, 200),
        (municipal(elsewhere, "supervisor"), 404),
        (staff(make_office(elsewhere), StaffRole.MANAGER), 404),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
    assert Client().get(url).status_code == 302


def test_a_technical_manager_marks_appointments(office: Any, manager: Any) -> None:
    technical = add_technical(office, manager).user
    appointment = AppointmentFactory.create(
        office=office, start=NOW - dt.timedelta(minutes=30), end=NOW - dt.timedelta(minutes=10)
    )
    assert appointment_mark(appointment=appointment, status="done", actor=technical).status == AppointmentStatus.DONE


def test_members_removed_before_the_register_get_their_date_from_the_audit_log(
    office: Any, manager: Any, time_machine: Any
) -> None:
    clerk = staff_add(office=office, mobile="09127770009", role="clerk", actor=manager)
    never_logged = staff_add(office=office, mobile="09127770008", role="clerk", actor=manager)
    time_machine.move_to(NOW + dt.timedelta(days=3), tick=False)
    staff_remove(office=office, staff_id=clerk.pk, actor=manager)
    # as rows were before the register: inactive, no date; one removed without an audit entry
    OfficeStaff.objects.filter(pk=clerk.pk).update(removed_at=None)
    OfficeStaff.objects.filter(pk=never_logged.pk).update(active=False, removed_at=None)
    backfill = importlib.import_module("daftar.offices.migrations.0005_staff_removed_at_backfill").backfill
    backfill(django_apps, None)
    assert OfficeStaff.objects.get(pk=clerk.pk).removed_at == NOW + dt.timedelta(days=3)
    assert OfficeStaff.objects.get(pk=never_logged.pk).removed_at is None
