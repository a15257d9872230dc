"""The former ``services`` app, kept only for its migrations (decision 0025).

Its code was split into ``daftar.catalogue`` (the service catalogue and tariffs),
``daftar.ledger`` (transactions, daily closings, costs), ``daftar.revenue`` (reports and the
planner) and ``daftar.offices`` (``OfficeService``). Its models moved by state-only migrations,
so their tables still carry its name (``services_service``, …) and were created by its
``0001_initial``; other apps' migrations depend on ``("services", …)``, and existing databases
record its migrations as applied. This app keeps that history loadable under the label
``services``: ``0001_initial`` and ``0002_catalogue`` as they were, and ``0003_models_moved``
which hands the models over. It has no models, views or URLs, and nothing may import it.
"""

from django.apps import AppConfig


class LegacyServicesConfig(AppConfig):
    name = "daftar.legacy.services"
    label = "services"
    verbose_name = "خدمات (فقط تاریخچهٔ مهاجرت‌ها)"
