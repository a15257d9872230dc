"""Every declared lifecycle, loaded: for the generated diagrams and the lifecycle tests.

Lifecycles register themselves when their module is imported (``Lifecycle.declare``), and their
guards and effects are bound when the owning services module is imported. ``load_all`` imports
each installed app's ``workflow``, ``lifecycle``, ``services`` and ``tasks`` modules (those that
exist) so that the registry is complete, without the kernel importing any app by name.
"""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps

from .lifecycle import LIFECYCLES, Lifecycle

MODULES = ("workflow", "lifecycle", "lifecycles", "services", "tasks")


def load_all() -> dict[str, Lifecycle]:
    for config in apps.get_app_configs():
        if not config.name.startswith("daftar."):
            continue
        for module in MODULES:
            name = f"{config.name}.{module}"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
    return dict(sorted(LIFECYCLES.items()))


def diagrams() -> dict[str, str]:
    """File name under docs/lifecycles/ -> its text."""
    return {f"{name}.md": lifecycle.mermaid() for name, lifecycle in load_all().items()}
