"""The offices' services: profile, staff, hours, closures; every change audited, every bad
input a Persian refusal that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.services import role_grant
from daftar.audit.constants import action_label
from daftar.audit.models import AuditEntry
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import Province
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.offices import messages as msg
from daftar.offices.models import Office, OfficeClosure, OfficeStaff, StaffRole
from daftar.offices.policy import NOT_PERMITTED
from daftar.offices.services import (
    closure_add,
    closure_remove,
    office_create,
    office_update,
    staff_add,
    staff_remove,
)
from daftar.offices.tests.factories import OfficeClosureFactory, OfficeStaffFactory

from .conftest import CLERK, MANAGER, user

pytestmark = pytest.mark.django_db


def refused(call, *args, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_office_create_by_the_municipality_admin_is_audited(tehran):
    admin = user("09120000007")
    office = office_create(
        municipality=tehran,
        district=tehran.districts.get(number=5),
        name="دفتر  خدمات يك",  # Arabic ی/ک and double space are normalised
        address="تهران، خیابان آزادی، پلاک ۱۲۳",
        lat="۳۵٫۷",
        lng="51.3",
        counters="۳",
        equipment=["printer", "computers", "computers"],
        actor=admin,
    )
    assert office.name == "دفتر خدمات یک" and office.lat == 35.7 and office.counters == 3
    assert office.equipment == ["computers", "printer"]
    entry = AuditEntry.objects.filter(action="office.create").get()
    assert entry.actor_id == admin.pk and action_label("office.create") == "ثبت دفتر خدمات"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lat": "12"}, "lat", msg.LOCATION_INVALID),
        ({"lng": "nan"}, "lng", msg.LOCATION_INVALID),
        ({"lat": True}, "lat", msg.LOCATION_INVALID),
        ({"counters": "0"}, "counters", msg.COUNTERS_INVALID),
        ({"counters": "51"}, "counters", msg.COUNTERS_INVALID),
        ({"counters": "9" * 40}, "counters", msg.COUNTERS_INVALID),
        ({"equipment": ["laser"]}, "equipment", None),
        ({"name": "  "}, "name", msg.NAME_REQUIRED),
        ({"address": "کوتاه"}, "address", msg.ADDRESS_REQUIRED),
        ({"phone": "۰۲۱-abc"}, "phone", msg.PHONE_INVALID),
        ({"district": "abc"}, "district", msg.LOCATION_FIXED),  # review #8: never moved
        ({"municipality": "1"}, "municipality", msg.LOCATION_FIXED),
    ],
)
def test_bad_profile_changes_are_refused_in_persian_and_change_nothing(make_office, change, field, message):
    office = make_office()
    before = Office.objects.filter(pk=office.pk).values().get()
    error = refused(office_update, office=office, actor=user(MANAGER), **change)
    assert field in error.fields
    if message:
        assert error.message == message
    assert Office.objects.filter(pk=office.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="office.update").exists()


def test_a_district_of_another_municipality_is_refused(make_office, tehran):
    province = Province.objects.first()
    shiraz = MunicipalityFactory(slug="shiraz", name="شهرداری شیراز", city="شیراز", province=province)
    other = shiraz.districts.create(number=1, name="منطقهٔ ۱")
    error = refused(
        office_create,
        municipality=tehran,
        district=other.pk,
        name="دفتر نمونه",
        address="تهران، خیابان نمونه، پلاک ۱",
        lat=35.7,
        lng=51.4,
        actor=None,
    )
    assert error.message == msg.DISTRICT_INVALID


def test_office_update_by_the_manager_records_before_and_after(make_office):
    office = make_office()
    office_update(office=office, actor=user(MANAGER), counters=4, phone="021 8800 1122")
    office.refresh_from_db()
    assert office.counters == 4
    entry = AuditEntry.objects.filter(action="office.update").get()
    assert entry.data == {"counters": [2, 4]}  # the phone did not change


def test_a_clerk_or_a_stranger_cannot_change_the_office(make_office):
    office = make_office(clerk=CLERK)
    assert refused(office_update, office=office, actor=user(CLERK), counters=5).status_code == 403
    assert refused(staff_add, office=office, mobile="09121111111", role="clerk", actor=user(CLERK)).message == (
        NOT_PERMITTED
    )
    assert (
        refused(
            office_create,
            municipality=office.municipality,
            district=3,
            name="x",
            address="y",
            lat=35,
            lng=51,
            actor=user(MANAGER),
        ).status_code
        == 403
    )


def test_staff_add_by_mobile_creates_the_account_and_remove_keeps_the_last_manager(make_office):
    office = make_office()
    manager = user(MANAGER)
    clerk = staff_add(office=office, mobile="۰۹۱۲ ۳۴۵ ۶۷۸۹", role="clerk", title="باجه", actor=manager)
    assert clerk.user.mobile == "09123456789" and clerk.role == StaffRole.CLERK
    error = refused(staff_add, office=office, mobile="09123456789", role="clerk", actor=manager)
    assert error.message == msg.STAFF_EXISTS and error.status_code == 409
    assert refused(staff_add, office=office, mobile="12345", role="clerk", actor=manager).message == msg.MOBILE_INVALID
    assert refused(staff_add, office=office, mobile="09123456780", role="boss", actor=manager).message == (
        msg.ROLE_INVALID
    )
    only = OfficeStaff.objects.get(office=office, role=StaffRole.MANAGER)
    error = refused(staff_remove, office=office, staff_id=only.pk, actor=manager)
    assert error.message == msg.LAST_MANAGER and error.status_code == 409
    staff_remove(office=office, staff_id=clerk.pk, actor=manager)
    assert not OfficeStaff.objects.get(pk=clerk.pk).active
    # a former clerk comes back as a manager; then the first manager may leave
    again = staff_add(office=office, mobile="09123456789", role="manager", actor=manager)
    assert again.pk != clerk.pk and again.active and again.role == "manager"  # a new period of work
    former = OfficeStaff.objects.get(pk=clerk.pk)
    assert not former.active and former.role == "clerk" and former.removed_at is not None
    staff_remove(office=office, staff_id=only.pk, actor=manager)
    assert refused(staff_remove, office=office, staff_id="abc", actor=again.user).message == msg.STAFF_NOT_FOUND
    actions = list(AuditEntry.objects.filter(action__startswith="office.staff").values_list("action", flat=True))
    assert actions.count("office.staff_add") >= 3 and actions.count("office.staff_remove") == 2


def test_closures_future_only_jalali_input_and_duplicates(make_office):
    office = make_office()
    manager = user(MANAGER)
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    from daftar.kernel.jalali import to_jalali

    closure = closure_add(office=office, date=to_jalali(tomorrow), reason="تعمیرات ساختمان", actor=manager)
    assert closure.date == tomorrow
    dup = refused(closure_add, office=office, date=tomorrow.isoformat(), reason="دوباره تعطیل", actor=manager)
    assert dup.message == msg.CLOSURE_EXISTS and dup.status_code == 409
    assert refused(closure_add, office=office, date=today.isoformat(), reason="امروز تعطیل", actor=manager).message == (
        msg.CLOSURE_NOT_FUTURE
    )
    for bad in ("1405/13/40", "tomorrow", "", None, "9" * 30):
        assert refused(closure_add, office=office, date=bad, reason="تعمیرات", actor=manager).message == (
            msg.CLOSURE_DATE_INVALID
        )
    assert (
        refused(
            closure_add, office=office, date=(tomorrow + dt.timedelta(days=1)).isoformat(), reason="x", actor=manager
        ).message
        == msg.CLOSURE_REASON_REQUIRED
    )
    assert OfficeClosure.objects.count() == 1
    closure_remove(office=office, closure_id=closure.pk, actor=manager)
    assert not OfficeClosure.objects.exists()
    past = OfficeClosureFactory(office=office, date=today - dt.timedelta(days=3), reason="گذشته")
    assert refused(closure_remove, office=office, closure_id=past.pk, actor=manager).message == msg.CLOSURE_NOT_FUTURE
    assert set(AuditEntry.objects.filter(action__startswith="office.closure").values_list("action", flat=True)) == {
        "office.closure_add",
        "office.closure_remove",
    }


def test_a_municipality_admin_may_update_but_not_run_staff(make_office, tehran):
    office = make_office()
    admin = user("09120000007")
    role_grant(user=admin, role=Role.MUNICIPALITY_ADMIN, municipality=tehran, actor=None)
    office_update(office=office, actor=admin, counters=5)
    assert refused(closure_add, office=office, date="1499/01/01", reason="تعطیلی", actor=admin).status_code == 403


def test_a_municipality_admin_who_works_at_the_office_does_not_edit_it_as_the_municipality(make_office, tehran):
    admin = user("09120000007")
    role_grant(user=admin, role=Role.MUNICIPALITY_ADMIN, municipality=tehran, actor=None)
    office = make_office()
    OfficeStaffFactory(office=office, user=admin, role=StaffRole.CLERK)
    before = Office.objects.filter(pk=office.pk).values().get()
    audits = AuditEntry.objects.count()
    assert refused(office_update, office=office, actor=admin, counters=5).status_code == 403
    assert Office.objects.filter(pk=office.pk).values().get() == before
    assert AuditEntry.objects.count() == audits
