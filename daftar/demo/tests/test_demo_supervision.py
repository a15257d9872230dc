"""The demo's supervision examples (issue 18 §2): the first office's licence has a refused
overcharge and after-hours work the system detected and a violation the supervisor recorded;
loading twice adds nothing."""

from __future__ import annotations

import pytest

from daftar.demo.services import demo_load
from daftar.supervision.models import Violation

pytestmark = pytest.mark.django_db


def test_the_demo_has_supervision_examples_once() -> None:
    demo_load()
    demo_load()
    rows = {(v.source, v.violation_type.code, v.evidence.get("kind")) for v in Violation.objects.all()}
    assert rows == {
        ("system", "overcharging", "overcharge"),
        ("system", "outside_hours", "outside_hours"),
        ("supervisor", "tariff_not_posted", None),
        # the violation behind the notice awaiting the licensing authority (daftar/demo/authority.py)
        ("supervisor", "outside_hours", None),
    }
