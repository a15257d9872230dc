"""The one scoping helper: a user sees only what their role and municipality allow."""

from __future__ import annotations

import pytest

from daftar.accounts.constants import STAFF_ROLES, Role
from daftar.accounts.scoping import has_role, roles_of, scope_queryset
from daftar.accounts.services import role_grant
from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AuditEntry
from daftar.audit.services import audit_record
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cities():
    tehran = MunicipalityFactory(slug="tehran-x", name="تهران")
    karaj = MunicipalityFactory(slug="karaj-x", name="کرج")
    DistrictFactory(municipality=tehran, number=1)
    DistrictFactory(municipality=karaj, number=1)
    return tehran, karaj


def test_staff_see_only_their_municipality(two_cities):
    tehran, _karaj = two_cities
    reviewer = UserFactory()
    role_grant(user=reviewer, role=Role.REVIEWER, municipality=tehran, actor=None)
    districts = scope_queryset(District.objects.all(), reviewer, roles={Role.REVIEWER})
    assert {d.municipality_id for d in districts} == {tehran.pk}
    assert list(
        scope_queryset(Municipality.objects.all(), reviewer, roles={Role.REVIEWER}, municipality_field="self")
    ) == [tehran]


def test_a_role_in_one_city_gives_nothing_in_another(two_cities):
    tehran, karaj = two_cities
    supervisor = UserFactory()
    role_grant(user=supervisor, role=Role.SUPERVISOR, municipality=karaj, actor=None)
    assert not scope_queryset(
        District.objects.filter(municipality=tehran), supervisor, roles={Role.SUPERVISOR}
    ).exists()
    assert not has_role(supervisor, Role.SUPERVISOR, tehran.pk)
    assert has_role(supervisor, Role.SUPERVISOR, karaj.pk)


def test_the_wrong_role_gives_nothing(two_cities):
    tehran, _ = two_cities
    clerk = UserFactory()
    role_grant(user=clerk, role=Role.OFFICE_CLERK, municipality=tehran, actor=None)
    assert not scope_queryset(District.objects.all(), clerk, roles={Role.REVIEWER}).exists()
    assert roles_of(clerk) == {"applicant", "office_clerk"}


def test_owners_see_their_own_rows_only():
    alice, bob = UserFactory(), UserFactory()
    audit_record(actor=alice, action="a")
    audit_record(actor=bob, action="b")
    mine = scope_queryset(AuditEntry.objects.all(), alice, roles=set(), municipality_field=None, owner_field="actor")
    assert [e.action for e in mine] == ["a"]


def test_anonymous_and_inactive_users_see_nothing(two_cities):
    from django.contrib.auth.models import AnonymousUser

    assert not scope_queryset(District.objects.all(), AnonymousUser(), roles=STAFF_ROLES).exists()
    user = UserFactory(is_active=False)
    role_grant(user=user, role=Role.REVIEWER, municipality=two_cities[0], actor=None)
    assert not scope_queryset(District.objects.all(), user, roles=STAFF_ROLES).exists()


def test_superuser_sees_everything(two_cities):
    admin = UserFactory(is_superuser=True)
    assert scope_queryset(District.objects.all(), admin, roles=STAFF_ROLES).count() == 2


def test_owners_only_when_no_role_may_see(two_cities):
    clerk = UserFactory()
    role_grant(user=clerk, role=Role.OFFICE_CLERK, municipality=two_cities[0], actor=None)
    assert not scope_queryset(District.objects.all(), clerk, roles=set()).exists()
