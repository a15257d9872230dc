"""Housekeeping keeps what the portal has not taken, and lets go of what it took long ago."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.portal.models import Kind, PortalMessage
from daftar.portal.retention import portal_purge

pytestmark = pytest.mark.django_db


def test_only_messages_the_portal_took_long_ago_are_deleted(settings) -> None:
    settings.RETENTION_PORTAL_DAYS = 30
    city, now = MunicipalityFactory(), timezone.now()
    old = now - dt.timedelta(days=31)

    def message(**kw):
        return PortalMessage.objects.create(kind=Kind.STATUS_CHANGED, municipality=city, created_at=old, **kw)

    gone = message(sent_at=old)
    kept_recent = message(sent_at=now - dt.timedelta(days=29))
    kept_unsent = message(attempts=40)  # never sent, however old
    assert portal_purge(dry_run=True) == 1 and PortalMessage.objects.count() == 3
    assert portal_purge() == 1
    left = set(PortalMessage.objects.values_list("pk", flat=True))
    assert left == {kept_recent.pk, kept_unsent.pk} and gone.pk not in left


def test_housekeeping_knows_the_portal_purge() -> None:
    from daftar.runtime.housekeeping import purges

    assert "portal" in {p.name for p in purges()}
