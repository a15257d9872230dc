"""Every declared lifecycle, loaded: for the generated diagrams and the lifecycle tests.

Lifecycles register themselves when their module is imported (``Lifecycle.declare``), and their
guards and effects are bound when the module of the services that take the moves is imported.
``load_all`` imports every module of each installed ``daftar`` app (its tests, migrations and
management commands aside) so that the registry is complete and every binding made, without the
kernel naming any app.
"""

from __future__ import annotations

import importlib
import pkgutil

from django.apps import apps

from .lifecycle import LIFECYCLES, Lifecycle

SKIPPED = {"tests", "migrations", "management"}


def load_all() -> dict[str, Lifecycle]:
    for config in apps.get_app_configs():
        if not config.name.startswith("daftar."):
            continue
        package = importlib.import_module(config.name)
        for found in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if SKIPPED.isdisjoint(found.name.split(".")):
                importlib.import_module(found.name)
    return dict(sorted(LIFECYCLES.items()))


def diagrams() -> dict[str, str]:
    """File name under docs/lifecycles/ -> its text."""
    return {f"{name}.md": lifecycle.mermaid() for name, lifecycle in load_all().items()}
