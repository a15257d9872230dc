from django.apps import AppConfig


class KernelConfig(AppConfig):
    """Installed for its template library (``{% load persian %}``); it has no models."""

    name = "daftar.kernel"
    label = "kernel"
