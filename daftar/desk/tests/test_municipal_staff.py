"""The municipality administrator's staff roles page (issue 18 §3): grant by mobile number,
revoke with confirmation, audited; the refusals the page and the Django admin share."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from daftar.accounts.models import RoleAssignment, User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.audit.models import AuditEntry
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

URL = "/desk/municipality/staff/"


@pytest.fixture
def city() -> Any:
    return MunicipalityFactory(name="شهرداری آزمون")


@pytest.fixture
def admin(city: Any) -> Any:
    return RoleAssignmentFactory(
        municipality=city, role="municipality_admin", user=UserFactory(mobile="09350000007")
    ).user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts() -> tuple[int, ...]:
    return (
        RoleAssignment.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_the_page_lists_staff_by_role_with_persian_digits(city: Any, admin: Any):
    RoleAssignmentFactory(municipality=city, role="reviewer", user=UserFactory(mobile="09351234567", first_name="مینا"))
    RoleAssignmentFactory(municipality=city, role="office_clerk", user=UserFactory(mobile="09357654321"))
    text = client_for(admin).get(URL).content.decode()
    assert "کارشناس بررسی مدارک" in text and "مینا" in text and "۰۹۳۵۱۲۳۴۵۶۷" in text
    assert "۰۹۳۵۷۶۵۴۳۲۱" not in text  # an office's staff are its manager's
    assert "09351234567" not in text


def test_granting_by_mobile_in_persian_digits_creates_the_account(city: Any, admin: Any):
    response = client_for(admin).post(URL, {"mobile": "۰۹۱۱ ۱۲۳ ۴۵۶۷", "role": "inspector"}, follow=True)
    assert response.status_code == 200
    user = User.objects.get(mobile="09111234567")
    assert RoleAssignment.objects.filter(user=user, role="inspector", municipality=city, granted_by=admin).exists()
    assert AuditEntry.objects.filter(action="role_granted").exists()
    assert AuditEntry.objects.filter(action="user_created").exists()
    assert OutboxMessage.objects.filter(to="09111234567", kind="role_granted").exists()
    assert "۰۹۱۱۱۲۳۴۵۶۷" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"mobile": "12345", "role": "inspector"}, 400, "شمارهٔ همراه نادرست است"),
        ({"mobile": "09111234567", "role": "office_manager"}, 400, "نقش‌های دفتر را مدیر همان دفتر می‌دهد"),
        ({"mobile": "09350000007", "role": "reviewer"}, 400, "به خودتان نمی‌توانید نقش بدهید."),
        ({"mobile": "09351112222", "role": "reviewer"}, 409, "هم‌اکنون همین نقش را"),
    ],
)
def test_a_bad_grant_is_refused_and_nothing_changes(
    city: Any, admin: Any, body: dict[str, str], status: int, error: str
):
    RoleAssignmentFactory(municipality=city, role="reviewer", user=UserFactory(mobile="09351112222"))
    before = counts()
    response = client_for(admin).post(URL, body)
    assert response.status_code == status
    assert error in response.content.decode()
    assert counts() == before


def test_an_office_role_is_refused_by_the_service_too(city: Any, admin: Any):
    from daftar.accounts.services import role_grant_by_mobile
    from daftar.kernel.errors import ApplicationError

    with pytest.raises(ApplicationError) as caught:
        role_grant_by_mobile(municipality=city, mobile="09111234567", role="office_manager", actor=admin)
    assert caught.value.code == "role_not_grantable"


def test_revoking_with_confirmation(city: Any, admin: Any):
    row = RoleAssignmentFactory(municipality=city, role="supervisor", user=UserFactory(mobile="09353334444"))
    client = client_for(admin)
    confirm = client.get(f"{URL}{row.pk}/revoke/")
    assert confirm.status_code == 200 and "برداشته می‌شود" in confirm.content.decode()
    assert RoleAssignment.objects.filter(pk=row.pk).exists()
    client.post(f"{URL}{row.pk}/revoke/")
    assert not RoleAssignment.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.filter(action="role_revoked").exists()
    assert OutboxMessage.objects.filter(to="09353334444", kind="role_revoked").exists()


def test_the_last_administrator_is_not_revoked(city: Any, admin: Any):
    own = RoleAssignment.objects.get(user=admin, role="municipality_admin")
    client = client_for(admin)
    page = client.get(f"{URL}{own.pk}/revoke/")
    assert page.status_code == 409 and "آخرین مدیر سامانهٔ شهرداری" in page.content.decode()
    before = counts()
    client.post(f"{URL}{own.pk}/revoke/")
    assert counts() == before
    # with a second administrator one's own role may go
    RoleAssignmentFactory(municipality=city, role="municipality_admin")
    client.post(f"{URL}{own.pk}/revoke/")
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()


def test_access(city: Any, admin: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "pinnedpinnedpinnedpinnedpinnedpi")
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    supervisor = RoleAssignmentFactory(municipality=city, role="supervisor").user
    assert client_for(supervisor).get(URL).status_code == 403
    assert client_for(supervisor).post(URL, {"mobile": "09111234567", "role": "reviewer"}).status_code == 403
    elsewhere = RoleAssignmentFactory(role="reviewer")  # another municipality's
    office_role = RoleAssignmentFactory(municipality=city, role="office_manager")  # not the admin's to revoke
    client = client_for(admin)
    missing = client.get(f"{URL}999999/revoke/")
    for row in (elsewhere, office_role):
        for method in ("get", "post"):
            response = getattr(client, method)(f"{URL}{row.pk}/revoke/")
            assert response.status_code == 404
            assert response.content == missing.content
        assert RoleAssignment.objects.filter(pk=row.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_grants_sent_at_once_make_one_role_one_sms_one_audit(city: Any, admin: Any):
    """A double click on «افزودن»: both requests pass the checks before either commits; the
    second meets the first's row at the unique key and is refused as "already held", so the
    person gets one SMS and the audit one entry."""
    import threading  # only this test runs two requests at once

    from django.db import connection

    from daftar.accounts.services import role_grant_by_mobile
    from daftar.kernel.errors import ApplicationError

    UserFactory(mobile="09127778888")  # has logged in before: both requests find the account
    results: list[str] = []
    start = threading.Barrier(2)

    def grant() -> None:
        try:
            start.wait(timeout=10)
            role_grant_by_mobile(municipality=city, mobile="09127778888", role="reviewer", actor=admin)
            results.append("granted")
        except ApplicationError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=grant) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["granted", "role_held"]
    assert RoleAssignment.objects.filter(user__mobile="09127778888", role="reviewer").count() == 1
    assert OutboxMessage.objects.filter(to="09127778888", kind="role_granted").count() == 1
    assert AuditEntry.objects.filter(action="role_granted").count() == 1
