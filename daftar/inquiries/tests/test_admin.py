"""The read-only admin list, scoped to the municipality administrator's own municipality."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.inquiries.services import inquiries_start

pytestmark = pytest.mark.django_db
URL = "/admin/inquiries/inquiry/"


def test_admin_lists_inquiries_read_only_and_scoped(client: Any, make_application: Any) -> None:
    app = make_application()
    inquiry = inquiries_start(application=app)[0]

    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    page = client.get(URL)
    assert page.status_code == 200 and app.tracking_code in page.content.decode()
    assert client.get(f"{URL}{inquiry.pk}/change/").status_code == 200  # a read-only view
    assert client.get(f"{URL}add/").status_code == 403

    tehran_admin = RoleAssignmentFactory(role="municipality_admin", municipality=app.municipality).user
    client.force_login(tehran_admin)
    assert app.tracking_code in client.get(URL).content.decode()

    other_admin = RoleAssignmentFactory(role="municipality_admin").user
    client.force_login(other_admin)
    assert app.tracking_code not in client.get(URL).content.decode()
