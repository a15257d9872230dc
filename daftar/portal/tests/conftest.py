"""The simulated portal starts up and empty-handed for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from daftar.portal.adapters import SimulatorAdapter, simulator_down


@pytest.fixture(autouse=True)
def portal_simulator(settings) -> Iterator[None]:
    settings.PORTAL_BACKEND = "simulator"
    simulator_down(False)
    cache.delete_many([SimulatorAdapter.FILED_KEY, SimulatorAdapter.SENT_KEY])
    yield
    simulator_down(False)
