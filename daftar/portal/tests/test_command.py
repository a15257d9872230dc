"""``portal_register_licences``: licences issued before the connector get their national id."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from daftar.licences.models import Licence, LicenceStatus
from daftar.portal.adapters import national_id_for
from daftar.portal.models import PortalMessage
from daftar.portal.services import licence_payload
from daftar.portal.tasks import sweep_portal

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("portal_register_licences", *args, stdout=out)
    return out.getvalue()


def test_dry_run_counts_then_the_real_run_queues_once(make_licence) -> None:
    old = [make_licence() for _ in range(3)]
    Licence.objects.filter(pk=old[2].pk).update(national_id="1000000000000009")  # already has one
    assert run("--dry-run") == "would queue 2 licence(s) for registration (dry run)\n"
    assert not PortalMessage.objects.exists()
    assert run() == "queued 2 licence(s) for registration\n"
    queued = PortalMessage.objects.filter(kind="register_licence")
    assert sorted(queued.values_list("licence_id", flat=True)) == [old[0].pk, old[1].pk]
    assert run() == "queued 0 licence(s) for registration\n"  # already on their way
    assert sweep_portal() == 2
    assert Licence.objects.get(pk=old[0].pk).national_id == national_id_for(old[0].number)
    assert run("--dry-run") == "would queue 0 licence(s) for registration (dry run)\n"


def test_only_licences_in_force_are_registered_with_their_status(make_licence) -> None:
    active = make_licence()
    suspended = make_licence(status=LicenceStatus.SUSPENDED)
    make_licence(status=LicenceStatus.REVOKED)
    make_licence(status=LicenceStatus.EXPIRED)
    assert run() == "queued 2 licence(s) for registration\n"
    queued = PortalMessage.objects.filter(kind="register_licence").order_by("licence_id")
    assert [m.licence_id for m in queued] == [active.pk, suspended.pk]
    assert [m.payload["status"] for m in queued] == ["active", "suspended"]
    payload = licence_payload(suspended)
    assert payload["valid_until"] == suspended.valid_until.isoformat()
