"""``manage.py grant_role MOBILE ROLE --municipality SLUG``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from daftar.accounts.models import RoleAssignment, User
from daftar.audit.models import AuditEntry
from daftar.municipalities.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_creates_the_user_and_grants_the_role_once(capsys):
    MunicipalityFactory(slug="tabriz", name="شهرداری تبریز")
    call_command("grant_role", "+98 914 123 4567", "inspector", municipality="tabriz")
    call_command("grant_role", "۰۹۱۴۱۲۳۴۵۶۷", "inspector", municipality="tabriz")
    user = User.objects.get(mobile="09141234567")
    assert list(user.roles.values_list("role", "municipality__slug")) == [("inspector", "tabriz")]
    assert AuditEntry.objects.filter(action="role_granted").count() == 1
    assert AuditEntry.objects.filter(action="user_created").count() == 1
    out = capsys.readouterr().out
    assert "created and granted inspector in tabriz" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("0914", "inspector"), "شماره تلفن همراه معتبر نیست"),
        (("09141234567", "mayor"), "unknown role"),
    ],
)
def test_bad_arguments_fail_and_change_nothing(args, message):
    MunicipalityFactory(slug="tabriz")
    with pytest.raises(CommandError, match=message):
        call_command("grant_role", *args, municipality="tabriz")
    assert not User.objects.exists() and not RoleAssignment.objects.exists()


def test_unknown_municipality():
    with pytest.raises(CommandError, match="no municipality"):
        call_command("grant_role", "09141234567", "inspector", municipality="atlantis")
    assert not User.objects.exists()
