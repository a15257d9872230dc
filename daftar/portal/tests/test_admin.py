"""The read-only admin list of the portal's outbox, scoped to the administrator's municipality."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.portal.services import licence_enqueue

pytestmark = pytest.mark.django_db
URL = "/admin/portal/portalmessage/"


def test_admin_lists_messages_read_only_and_scoped(client: Any, make_licence: Any) -> None:
    licence = make_licence()
    message = licence_enqueue(licence, kind="register_licence")

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert licence.number in client.get(URL).content.decode()
    assert client.get(f"{URL}{message.pk}/change/").status_code == 200  # a read-only view
    assert client.get(f"{URL}add/").status_code == 403
    assert client.get("/admin/portal/portalapplication/").status_code == 200

    client.force_login(RoleAssignmentFactory(role="municipality_admin", municipality=licence.municipality).user)
    assert licence.number in client.get(URL).content.decode()
    client.force_login(RoleAssignmentFactory(role="municipality_admin").user)
    assert licence.number not in client.get(URL).content.decode()
