"""The case body of ``GET /api/v1/applications/{id}`` kept in the cache per (case, reader)
(issue 7: an applicant reading their case is the hottest authenticated read).

What the body is made of, and what moves it on:

- the case's own rows: the application, its events, documents, inquiries, clocks and training
  credits. Each save or delete bumps the case's **version** (``signals.py``) at once and again
  once the transaction commits: an entry built meanwhile from the old rows carries the version
  before the last bump and is never matched again. ``QuerySet.update`` sends no signal, so code that uses it
  calls ``case_changed``;
- the reader: who may read (scope) and which moves they may take (roles). The reader's
  **access version** is bumped on any change to their user row or role assignments;
- what many cases share: calls, districts, municipalities and their days off, rule sets,
  conditions, document requirements and scoring tables. Any change bumps one **epoch** for every case;
- the clock: working days used and "overdue" change with time. An entry is used only until the
  next Tehran midnight or the next deadline in it, whichever comes first, and at most
  ``BODY_TTL`` seconds.

A version is a unique value (set anew on each bump). An entry lives at most ``BODY_TTL``
seconds, so whatever slipped past the signals (raw SQL) is seen at most that long after. A body
built inside a transaction (which may yet roll back) is not kept. Access is still checked on every
read: an entry is kept per reader and only after ``case_detail`` (the scope) found the case for
that reader, and the reader's access version is part of its key; a reader who was never let in
has no entry and goes through the scope (404).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from daftar.calls.models import Call, CallDistrict
from daftar.kernel.jalali import TEHRAN
from daftar.rules.models import DocumentRequirement
from daftar.rules.selectors import scoring_table_in_force
from daftar.runtime import pagecache
from daftar.runtime.cache import version_bump, version_get

logger = logging.getLogger(__name__)

VERSION_TTL = 86400  # seconds; staleness is bounded by BODY_TTL (an entry lives at most that long)
BODY_TTL = 300  # seconds
_EPOCH = "case:v:epoch"


def _case_key(pk: int) -> str:
    return f"case:v:{pk}"


def _reader_key(user_id: int) -> str:
    return f"case:r:{user_id}"


def _bump(key: str) -> None:
    """Move a version on: a new unique value (one SET; entries built under the old one are
    never matched again, even if the key had expired or been evicted meanwhile)."""
    try:
        version_bump(key, timeout=VERSION_TTL)
    except Exception:  # the cache is down: a write must not fail for it (reads rebuild then)
        logger.warning("case cache: could not bump %s", key, exc_info=True)


def _now_and_after_commit(key: str) -> None:
    # After the commit is what correctness needs: a reader who built from the rows before the
    # commit keyed its entry with the version before that bump. The bump at once makes the change
    # visible inside the writing transaction too (later steps of the same request, and tests).
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def case_changed(pk: int) -> None:
    """The case's rows changed: its next read is rebuilt (now and again after the commit), and
    so are the pages showing it (``runtime.pagecache``: signals do that for saved rows)."""
    _now_and_after_commit(_case_key(pk))
    pagecache.changed("applications", case=pk)


def reader_changed(user_id: int) -> None:
    """The user's row or roles changed: every cached case body they read is rebuilt."""
    _now_and_after_commit(_reader_key(user_id))


def all_cases_changed() -> None:
    """Shared data (calls, districts, rules, days off) changed: every case body is rebuilt. The
    pages showing it move with those rows' own generations (``calls:m…``, ``rules:*`` …)."""
    _now_and_after_commit(_EPOCH)


def _next_midnight(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(TEHRAN)
    tomorrow = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0, 0), tzinfo=TEHRAN)


def valid_until(body: dict[str, Any], now: dt.datetime) -> dt.datetime:
    """How long a body built at ``now`` stays true: until the next Tehran midnight (working
    days), the next deadline it shows (overdue flags), or ``BODY_TTL``, whichever is first."""
    limit = min(now + dt.timedelta(seconds=BODY_TTL), _next_midnight(now))
    moments = [body.get("due_at")] + [row.get("due_at") for row in body.get("deadlines", [])]
    for moment in moments:
        if isinstance(moment, dt.datetime) and now < moment < limit:
            limit = moment
    return limit


def case_body_cached(reader: Any, pk: int, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The body of case ``pk`` as ``reader`` sees it: from the cache while nothing it is made of
    changed, else ``build()`` (which checks access and raises for a case not visible). A hit is
    one cache round trip: the entry and the three versions it was built under, read together."""
    body_key = f"case:b:{pk}:{reader.pk}"
    version_keys = [_EPOCH, _case_key(pk), _reader_key(reader.pk)]
    try:
        found = cache.get_many([body_key, *version_keys])
        versions = tuple(version_get(k, timeout=VERSION_TTL, found=found) for k in version_keys)
    except Exception:  # the cache is down: answer from the database
        logger.warning("case cache: unavailable, building case %s", pk, exc_info=True)
        return build()
    now = timezone.now()
    entry = found.get(body_key)
    if entry is not None and entry[0] == versions and entry[1] > now:
        return entry[2]  # type: ignore[no-any-return]
    body = build()
    if transaction.get_connection().in_atomic_block:
        return body  # built inside a transaction that may yet roll back: not kept
    until = valid_until(body, now)
    seconds = int((until - now).total_seconds())
    if seconds >= 1:
        try:
            cache.set(body_key, (versions, until, body), timeout=seconds)
        except Exception:
            logger.warning("case cache: could not keep case %s", pk, exc_info=True)
    return body


# --- the call a new case is created in ------------------------------------------------------
#
# Creating a draft needs the call (with its municipality, licence type and rule set), the
# districts taking part, the scoring table in force today and the submission documents: four
# queries of shared data that changes a few times a year. They are kept per (call, day) under
# the same epoch as the case bodies (bumped on any change to calls, districts, rules, scoring
# tables), at most ``CALL_TTL`` seconds, in this process's memory.

CALL_TTL = 300  # seconds


def _call_build(call_id: int) -> Any:
    call: Any = Call.objects.select_related("municipality", "licence_type", "rule_set").filter(pk=call_id).first()
    if call is None:
        return None
    rows = CallDistrict.objects.select_related("district").filter(
        call=call, district__municipality_id=call.municipality_id
    )
    call.districts_cached = {row.district_id: row.district for row in rows}
    call.scoring_table_cached = scoring_table_in_force(call.licence_type, call.municipality)
    call.requirements_cached = list(
        DocumentRequirement.objects.filter(licence_type_id=call.licence_type_id, stage="submission").order_by("order")
    )
    return call


_calls: dict[tuple[int, str, object], tuple[float, Any]] = {}  # this process's built calls
_calls_lock = threading.Lock()


def call_for_new_case(call_id: int) -> Any:
    """The ``Call`` with ``districts_cached`` (district id → District), ``scoring_table_cached``
    (in force today, or None) and ``requirements_cached`` (submission documents); None when there
    is no such call.

    Built once per process and kept while the shared epoch (one small cache read) and the day
    stay the same, at most ``CALL_TTL`` seconds: unpickling model rows from Redis on every
    request cost more than the queries it saved. The object is shared by the requests of this
    process and only read."""
    day = timezone.localdate().isoformat()
    try:
        epoch = version_get(_EPOCH, timeout=VERSION_TTL)
    except Exception:
        logger.warning("case cache: unavailable, reading call %s", call_id, exc_info=True)
        return _call_build(call_id)
    key = (call_id, day, epoch)
    now = time.monotonic()
    kept = _calls.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    call = _call_build(call_id)
    if call is not None and not transaction.get_connection().in_atomic_block:
        with _calls_lock:
            for stale in [k for k, (until, _) in _calls.items() if until <= now or k[0] == call_id]:
                del _calls[stale]
            _calls[key] = (now + CALL_TTL, call)
    return call
