"""The tariff table in force on a date (P6): for each service, the row of the municipality with
the latest ``effective_from`` on or before that date. A revision's rows take effect on its date,
so the table the day before a revision and on its day differ exactly by the revision."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import OuterRef, Subquery

from daftar.runtime.cache import version_get

from .models import RevisionStatus, Service, Tariff


@dataclass(frozen=True)
class TariffLine:
    service: Service
    tariff: Tariff | None  # None: no tariff set for this service yet

    @property
    def amount(self) -> int | None:
        return self.tariff.amount if self.tariff else None


def _live() -> object:
    """Tariff rows that count: set by hand, or from a revision that was not cancelled."""
    return Tariff.objects.exclude(revision__status=RevisionStatus.CANCELLED)


def tariff_in_force(municipality_id: int, service_id: int, on: dt.date) -> Tariff | None:
    return (
        _live()  # type: ignore[attr-defined]
        .filter(municipality_id=municipality_id, service_id=service_id, effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .first()
    )


def tariff_table(municipality_id: int, on: dt.date) -> list[TariffLine]:
    """Every active service of the catalogue with its tariff in force on ``on`` and the revision it
    came with (two queries)."""
    latest = (
        _live()  # type: ignore[attr-defined]
        .filter(municipality_id=municipality_id, service_id=OuterRef("pk"), effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .values("pk")[:1]
    )
    services = list(Service.objects.filter(active=True).annotate(tariff_pk=Subquery(latest)).order_by("position"))
    rows = Tariff.objects.select_related("revision").in_bulk([s.tariff_pk for s in services if s.tariff_pk])  # type: ignore[attr-defined]
    return [TariffLine(s, rows.get(s.tariff_pk)) for s in services]  # type: ignore[attr-defined]


# --- the public answer, cached (issue 7: public reads cacheable and invalidated on change) ---
#
# The whole JSON body of ``GET /api/v1/tariffs`` is kept in Django's cache (Redis in production)
# per (municipality, date) under two version numbers: one per municipality (bumped on any save
# or delete of its ``Tariff``/``TariffRevision`` rows, see ``signals.py``) and one for the
# catalogue (``Service`` rows). Invalidation is one ``cache.incr``. The version numbers expire
# after ``VERSION_TTL`` seconds and restart from a fresh value, so a change that slipped past the
# signals (``QuerySet.update``, raw SQL) is seen at most that long after.

VERSION_TTL = 60  # seconds
BODY_TTL = 3600  # seconds; a body is unreachable anyway once its version moves on
_CATALOGUE = "tariffs:v:catalogue"


def _version_key(municipality_id: int) -> str:
    return f"tariffs:v:{municipality_id}"


def _bump(key: str) -> None:
    with contextlib.suppress(ValueError):  # absent or expired: the next read starts afresh anyway
        cache.incr(key)


def tariffs_changed(municipality_id: int | None = None) -> None:
    """Call after changing tariff rows behind the signals' back (``QuerySet.update``,
    ``bulk_create``): the next public answer for that municipality is rebuilt. Without an id,
    every municipality's answer is (the catalogue changed)."""
    _bump(_CATALOGUE if municipality_id is None else _version_key(municipality_id))


def _entry_keys(municipality_id: int, on: dt.date) -> list[str]:
    return [f"tariffs:body:{municipality_id}:{on.isoformat()}", _CATALOGUE, _version_key(municipality_id)]


def tariff_body_cached(
    municipality_id: int,
    on: dt.date,
    build: Callable[[], dict[str, Any]],
    render: Callable[[dict[str, Any]], bytes] | None = None,
) -> dict[str, Any]:
    """The public body for (municipality, ``on``) from the cache, or ``build()`` and keep it
    (with its rendering by ``render``, which ``tariff_answer_cached`` serves as it is).

    One cache round trip on a hit: the entry and both versions it was built under are read
    together, and the entry is used only if they still match."""
    keys = _entry_keys(municipality_id, on)
    found = cache.get_many(keys)
    versions = tuple(version_get(k, timeout=VERSION_TTL, found=found) for k in keys[1:])
    entry = found.get(keys[0])
    if entry is not None and entry[0] == versions:
        return entry[1]  # type: ignore[no-any-return]
    body = build()
    cache.set(keys[0], (versions, body, render(body) if render else None), timeout=BODY_TTL)
    return body


def tariff_answer_cached(municipality_id: int, on: dt.date) -> tuple[dict[str, Any], bytes] | None:
    """The cached body and its rendering when they are current; None otherwise (never builds)."""
    keys = _entry_keys(municipality_id, on)
    found = cache.get_many(keys)
    entry = found.get(keys[0])
    if entry is None or len(entry) < 3 or entry[2] is None:
        return None
    if any(k not in found for k in keys[1:]) or entry[0] != tuple(found[k] for k in keys[1:]):
        return None
    return entry[1], entry[2]


_pks: dict[str, tuple[float, int]] = {}  # this process's ?municipality= values → ids


def municipality_pks_forget() -> None:
    """A municipality was saved or deleted (``signals.py``): this process looks names up again."""
    _pks.clear()


def municipality_pk_known(text: str) -> int | None:
    """The id this process remembers for a ``?municipality=`` value, if it does."""
    kept = _pks.get(text)
    return kept[1] if kept is not None and kept[0] > time.monotonic() else None


def municipality_pk_cached(text: str, resolve: Callable[[], int]) -> int:
    """The municipality id a ``?municipality=`` value names (slug or id), remembered by this
    process for ``VERSION_TTL`` seconds (unknown values are not: ``resolve`` raises)."""
    now = time.monotonic()
    kept = _pks.get(text)
    if kept is not None and kept[0] > now:
        return kept[1]
    pk = int(resolve())
    if len(_pks) > 10_000:  # anyone can send any value: keep the memo small
        _pks.clear()
    _pks[text] = (now + VERSION_TTL, pk)
    return pk
