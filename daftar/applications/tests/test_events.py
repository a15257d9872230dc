"""The case's effects reach the apps above it through its typed events (issue 16)."""

from __future__ import annotations

from daftar.applications.events import CaseFactsWanted, CaseMoved, LicenceWanted
from daftar.kernel import events


def test_the_apps_above_the_case_handle_its_events() -> None:
    # registered by the assessments and licences apps in ready(): the case imports neither
    assert [h.__module__ for h in events.handlers(LicenceWanted)] == ["daftar.licences.handlers"]
    assert "daftar.assessments.handlers" in {h.__module__ for h in events.handlers(CaseFactsWanted)}
    assert "daftar.assessments.handlers" in {h.__module__ for h in events.handlers(CaseMoved)}
