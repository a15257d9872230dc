"""Every audit action the demo writes reads in Persian on the dashboard's "latest events" (never
its code, like «supervision_visit.assign», which a municipality administrator once saw)."""

from __future__ import annotations

import pytest

from daftar.audit.constants import UNNAMED_ACTION, action_label
from daftar.audit.models import AuditEntry
from daftar.demo.services import demo_load

pytestmark = pytest.mark.django_db


def test_every_action_of_the_demo_has_a_persian_label() -> None:
    demo_load()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert len(actions) > 10
    assert sorted(a for a in actions if action_label(a) == UNNAMED_ACTION) == []
