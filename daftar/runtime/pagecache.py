"""Whole HTML pages kept in the cache, invalidated on change (issue 23, decision 0054).

A page view decorated with ``cached_page`` answers a repeated GET from the cache while nothing it
is made of has changed. What a page is made of is declared as **generations**: names such as
``offices``, ``ledger:o{pk}`` or ``applications:case{pk}``. A generation is a unique value
(``time.time_ns()``) that moves on when a row of that app changes:

- every ``post_save``/``post_delete`` of a model of ``WATCHED_APPS`` (but ``IGNORED_MODELS``)
  moves on ``<app>`` and the row's scopes: ``<app>:m<municipality_id>``, ``<app>:o<office_id>``,
  ``<app>:u<user_id>`` (also a licence's holder, a case's applicant, an appointment's citizen)
  and ``<app>:case<application_id>``; a user, municipality, office or case row moves its own
  (``accounts:u<pk>``, ``offices:o<pk>`` …);
- the moves of one transaction are made together, once, after it commits (a reader reads the
  generations before the rows, so an entry built from rows older than a commit carries a
  generation older than the move made after it, and is never matched again); a rolled-back
  transaction moves nothing;
- ``QuerySet.update``/``bulk_create`` send no signal: code that changes what a page shows with
  them calls ``changed(app, municipality=…, office=…, user=…, case=…)``; whatever slips past is
  seen once the entry is rebuilt, ``ttl`` seconds after it was built (at most twice that: an
  entry past its ttl is still served while one request rebuilds it, and then dies).

The key also holds the page's address with its query, who asks (anonymous, or the user and
their own generations: ``accounts:u<pk>`` for their name and roles, ``offices:u<pk>`` and
``licences:u<pk>`` for the menu) and the release (a digest of the templates). An entry is
rebuilt ``ttl`` seconds after it was built (a page showing "open now" or "overdue" has a short
one), by one request while the others are still answered with it.

What is never kept: an answer other than 200, a streaming answer, one that sets a cookie, one built
while messages were waiting (they are shown once, in the page), one built inside a transaction that
may roll back, an anonymous request with a query parameter the view does not read or an address
that is not the router's own (random addresses cannot fill the cache), an address whose ids are not
written as the database writes them. A page kept is built from the primary (a replica may lag
behind the generations read first). One request builds a page at a time; the others get the entry
past its ttl or wait for the new one (``BUILD_WAIT``), and a page whose build was not kept is built
by each request for a few seconds without waiting. A request with waiting messages is not answered
from the cache. The CSRF token is the one part of a page that differs per visitor: the page is
rendered with a random placeholder (given by ``daftar.site.context_processors.csrf``) and each
answer gets the visitor's own token. When the cache is down the view simply runs.

Access stays with the view: only a 200 that the view itself gave the same person (or anonymous
visitor) is kept, the person's generations are in the key, and a page declares the generations
of what decides access to it (role grants are ``accounts:u<pk>``; office staff ``offices``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from daftar.runtime.cache import version_get
from daftar.runtime.dbrouter import reading_from_primary

logger = logging.getLogger(__name__)

GENERATION_TTL = 86400  # seconds: an expired generation only makes its pages rebuild
REBUILD_LOCK = 30  # seconds: a build that takes longer (or whose process died) lets another try
BUILD_WAIT = 5.0  # seconds a request waits for another's build of a page not kept yet
BUILD_POLL = 0.025  # seconds between two looks
UNKEPT_SECONDS = 5  # a page whose build was not kept is built by each request that long, unwaited
REBUILD_EVERY = 1.0  # seconds: a ``stale_for`` page is built again at most this often
MAX_PARAM = 64  # characters: an anonymous query value longer than this is not kept
_ENTRY_FORMAT = 2  # (headers, body, placeholder, built at): in the key, so a change never misreads
_RENDERING = "_daftar_page_rendering"  # request attribute: the CSRF placeholder of a page being built
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control")
# a row's scopes: the municipality, office, licence, user and case it belongs to
_SCOPES = (
    ("municipality_id", "m"),
    ("office_id", "o"),
    ("licence_id", "l"),
    ("user_id", "u"),
    ("holder_id", "u"),
    ("applicant_id", "u"),
    ("citizen_id", "u"),
    ("application_id", "case"),
)
# ... and the rows that are such a scope themselves
_OWN_SCOPE = {
    settings.AUTH_USER_MODEL: "u",
    "municipalities.Municipality": "m",
    "offices.Office": "o",
    "licences.Licence": "l",
    "applications.Application": "case",
}
# A row with no municipality of its own is in the municipality of its office, licence or case:
# those never move to another municipality, so it is looked up once per process (``_BELONGS``).
_PARENTS = (
    ("office_id", "offices.Office"),
    ("licence_id", "licences.Licence"),
    ("application_id", "applications.Application"),
)
_BELONGS_MAX = 20_000  # (model, pk) → municipality remembered per process (a few MB at most)
_BELONGS: dict[tuple[str, int], int] = {}
# The generation moved by a change no scope describes: a row of a model with no scope at all (a
# service of the catalogue, a rule's condition), or ``changed(app)`` without one. A page that
# depends on a scoped name ``<app>:…`` also depends on ``<app>:*``.
WILDCARD = "*"

# The apps whose rows some cached page shows: their models' saves and deletes move generations.
# Receivers are connected per model (never for every model: a model with a delete receiver loses
# Django's fast delete, and the housekeeping purges of big log tables rely on it). A page may only
# depend on these (``cached_page`` refuses another at import; the tests check each is installed).
WATCHED_APPS = frozenset(
    {
        "accounts", "applications", "appointments", "assessments", "calls", "catalogue", "complaints",
        "documents", "feedback", "hall", "inquiries", "inspections", "ledger", "licences",
        "municipalities", "offices", "portal", "rules", "supervision",
    }
)  # fmt: skip
# ... but not these: logs and codes no page shows, written and purged in bulk
IGNORED_MODELS = frozenset(
    {
        "accounts.OneTimeCode",
        "licences.VerificationLog",
        "licences.LicenceReminder",
        "applications.SentReminder",
        "portal.PortalMessage",
    }
)


def _gen_key(name: str) -> str:
    return f"page:g:{name}"


# --- generations ---------------------------------------------------------------------------


def municipality_of(label: str, pk: int | None, using: str | None = DEFAULT_DB_ALIAS) -> int | None:
    """The municipality of the office, licence or case ``pk`` (``label`` as in ``_PARENTS``),
    remembered per process; None when there is no such row. What a transaction finds is
    remembered once it commits (a rolled-back row's id may be given again, by SQLite)."""
    if pk is None:
        return None
    found = _BELONGS.get((label, pk))
    if found is None:
        pending = _pending(using, create=False)
        found = pending.belongs.get((label, pk)) if pending is not None else None
    if found is None:
        model = django_apps.get_model(label)
        found = model._base_manager.using(using).filter(pk=pk).values_list("municipality_id", flat=True).first()
        if found is not None:
            _remember(label, pk, found, using)
    return found


def _remember(label: str, pk: int, municipality: int, using: str | None = DEFAULT_DB_ALIAS) -> None:
    pending = _pending(using)
    if pending is not None:  # for the rest of the transaction, and for good once (and if) it commits
        pending.belongs[(label, pk)] = municipality
        transaction.on_commit(functools.partial(_remember, label, pk, municipality, None), using=using)
        return
    if len(_BELONGS) >= _BELONGS_MAX:
        _BELONGS.clear()  # crude, and enough: a lookup is one indexed query
    _BELONGS[(label, pk)] = municipality


def forget_belongings() -> None:
    """Forget what ``municipality_of`` remembers (tests, whose rolled-back ids come again)."""
    _BELONGS.clear()


def _names_for(instance: Any, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    app = instance._meta.app_label
    names = [app]
    for attr, letter in _SCOPES:
        value = getattr(instance, attr, None)
        if value is not None:
            names.append(f"{app}:{letter}{value}")
    label = instance._meta.label
    own = _OWN_SCOPE.get(label)
    if own and instance.pk is not None:
        names.append(f"{app}:{own}{instance.pk}")
    municipality = getattr(instance, "municipality_id", None)
    if municipality is not None and own and own != "m" and instance.pk is not None:
        _remember(label, instance.pk, municipality, using)  # its parts saved next find it here
    if municipality is None:
        for attr, parent in _PARENTS:
            municipality = municipality_of(parent, getattr(instance, attr, None), using)
            if municipality is not None:
                names.append(f"{app}:m{municipality}")
                break
    if len(names) == 1:  # in no scope: every scoped page of the app may show it
        names.append(f"{app}:{WILDCARD}")
    return names


class _Pending:
    """What one transaction changed: the generations to move once it commits, and the rows'
    municipalities found meanwhile (each also remembered for good by a commit callback of its
    own, which a rolled-back savepoint drops with it)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.belongs: dict[tuple[str, int], int] = {}

    def flush(self) -> None:
        _flush(self.names)
        self.belongs.clear()


def _flush(names: set[str]) -> None:
    now = time.time_ns()
    try:
        cache.set_many({_gen_key(n): now for n in names}, timeout=GENERATION_TTL)
    except Exception:  # the cache is down: pages are then built from the rows anyway
        logger.warning("page cache: could not move %s", sorted(names), exc_info=True)
    names.clear()


def _pending(using: str | None, *, create: bool = True) -> _Pending | None:
    """The current transaction's changes on ``using`` (None outside a transaction)."""
    if using is None:
        return None
    conn = connections[using]
    if not conn.in_atomic_block:
        return None
    pending: _Pending | None = getattr(conn, "_daftar_page_pending", None)
    if pending is None or not _still_registered(conn):
        if not create:
            return None
        pending = _Pending()
        conn._daftar_page_pending = pending  # type: ignore[attr-defined]
        conn._daftar_page_flush = pending.flush  # type: ignore[attr-defined]
        transaction.on_commit(pending.flush, using=using)
        conn._daftar_page_at = len(conn.run_on_commit) - 1  # type: ignore[attr-defined]
    return pending


def _move(names: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Move ``names`` on after the current transaction commits, all of one transaction together."""
    pending = _pending(using)
    if pending is None:
        _flush(set(names))
        return
    pending.names.update(names)


def _still_registered(conn: Any) -> bool:
    """Is this transaction's flush still among its commit callbacks? A rollback (of the
    transaction, or of the savepoint it was registered in) drops it. Checked at the place it was
    put first, so that thousands of moves in one transaction stay linear; a scan only after a
    savepoint's rollback moved the callbacks."""
    flush = getattr(conn, "_daftar_page_flush", None)
    callbacks = conn.run_on_commit
    at = getattr(conn, "_daftar_page_at", -1)
    if flush is None:
        return False
    if 0 <= at < len(callbacks) and callbacks[at][1] == flush:
        return True
    for i, entry in enumerate(callbacks):
        if entry[1] == flush:
            conn._daftar_page_at = i
            return True
    return False


def changed(
    app: str,
    *,
    municipality: int | None = None,
    office: int | None = None,
    user: int | None = None,
    case: int | None = None,
) -> None:
    """Rows of ``app`` changed without a model signal (``QuerySet.update``, ``bulk_create``).
    Without any scope every page of the app moves on (``<app>:*`` too); the municipality of an
    office or a case given without one is looked up."""
    if municipality is None and office is not None:
        municipality = municipality_of("offices.Office", office)
    if municipality is None and case is not None:
        municipality = municipality_of("applications.Application", case)
    names = [app]
    for value, letter in ((municipality, "m"), (office, "o"), (user, "u"), (case, "case")):
        if value is not None:
            names.append(f"{app}:{letter}{value}")
    if len(names) == 1:
        names.append(f"{app}:{WILDCARD}")
    _move(names)


def _row_changed(sender: Any, instance: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login"}:
        return  # a login's stamp is on no page
    _move(_names_for(instance, using), using)


def connect() -> None:
    """Called from ``RuntimeConfig.ready``: the receiver, for each model of ``WATCHED_APPS``."""
    for label in sorted(WATCHED_APPS):
        for model in django_apps.get_app_config(label).get_models():
            if model._meta.label in IGNORED_MODELS:
                continue
            post_save.connect(_row_changed, sender=model, dispatch_uid=f"daftar.pagecache.saved.{model._meta.label}")
            post_delete.connect(
                _row_changed, sender=model, dispatch_uid=f"daftar.pagecache.deleted.{model._meta.label}"
            )


def generations(names: list[str]) -> tuple[Any, ...]:
    """The current value of each generation (created when missing), in one cache round trip."""
    keys = [_gen_key(n) for n in names]
    found = cache.get_many(keys)
    return tuple(version_get(key, timeout=GENERATION_TTL, found=found) for key in keys)


def with_wildcards(names: Iterable[str]) -> list[str]:
    """``names`` in order without repeats, and ``<app>:*`` after the scoped names of each app."""
    out: dict[str, None] = {}
    for name in names:
        out[name] = None
        app, scoped, _ = name.partition(":")
        if scoped:
            out[f"{app}:{WILDCARD}"] = None
    return list(out)


Depends = Callable[[HttpRequest, dict[str, Any]], Iterable[str]]


def per_municipality(ids_of: Callable[[HttpRequest, dict[str, Any]], Iterable[int] | None], *apps: str) -> Depends:
    """A dependency on the rows of ``apps`` in the municipalities ``ids_of(request, kwargs)``
    gives (``<app>:m<id>``); ``None`` (every municipality: a national role) is the whole app.
    For the pages of a municipality's staff and of an office: a change elsewhere in the country
    leaves them kept."""
    for app in apps:
        if app not in WATCHED_APPS:
            raise ValueError(f"per_municipality: {app!r} is not in WATCHED_APPS")

    def names(request: HttpRequest, kwargs: dict[str, Any]) -> list[str]:
        ids = ids_of(request, kwargs)
        if ids is None:
            return list(apps)
        chosen = sorted(set(ids))
        return [f"{app}:m{pk}" for app in apps for pk in chosen]

    names.apps = apps  # type: ignore[attr-defined]
    return names


def kept_while(names: list[str], key: str, compute: Callable[[], list[str]], timeout: int = 3600) -> list[str]:
    """``compute()`` (a page's dependencies that take queries to find), kept under ``key`` while
    the generations ``names`` stay the same: one cache round trip instead of the queries."""
    versions = generations(names)
    digest = hashlib.blake2b(repr((key, versions, _release())).encode(), digest_size=16).hexdigest()
    found = cache.get(f"page:d:{digest}")
    if found is None:
        found = compute()
        cache.set(f"page:d:{digest}", found, timeout=timeout)
    return list(found)


def municipality_in_address(label: str, kwarg: str = "pk") -> Callable[[HttpRequest, dict[str, Any]], list[int]]:
    """For ``per_municipality``: the municipality of the office or case (``label`` as in
    ``_PARENTS``) the address names, none when there is no such row (the view answers 404)."""

    def ids(request: HttpRequest, kwargs: dict[str, Any]) -> list[int]:
        try:
            pk = int(kwargs[kwarg])
        except (KeyError, TypeError, ValueError):
            return []
        found = municipality_of(label, pk)
        return [] if found is None else [found]

    return ids


# --- the decorator -------------------------------------------------------------------------


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def rendering_for_cache(request: HttpRequest) -> str | None:
    """While the page is being built to be kept: the placeholder its CSRF token is rendered as."""
    return getattr(request, _RENDERING, None)


@functools.cache
def _release() -> str:
    """What the running code renders with: the release, the entry format, and a digest of every
    template and module of daftar (a deploy is never answered with pages of the one before)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{getattr(settings, 'SENTRY_RELEASE', '')}:{_ENTRY_FORMAT}".encode())
    base = Path(__file__).resolve().parent.parent
    for pattern in ("**/templates/**/*.html", "**/*.py"):
        for path in sorted(base.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _canonical(kwargs: dict[str, Any]) -> bool:
    """Ids in the address are written as the database writes them: ``/offices/012/revenue/``,
    ``+12`` or ``1_2`` reach office 12 but would name generation ``o012``, which nothing moves, so
    such an address is not kept."""
    for value in kwargs.values():
        if isinstance(value, str):
            try:
                number = int(value)
            except ValueError:
                continue
            if str(number) != value:
                return False
    return True


def _address(request: HttpRequest, allowed: frozenset[str] | None) -> str | None:
    """The page's address as kept: the path the router would write for it (``/offices/0012/`` is
    ``/offices/12/``) and the query's parameters in order. None for an anonymous visitor's request
    that should not be kept: a path that is not the canonical one, a parameter the page does not
    read, or a value longer than ``MAX_PARAM`` (random addresses cannot fill the cache)."""
    match = request.resolver_match
    path = request.path
    if match is not None and match.view_name:
        with contextlib.suppress(NoReverseMatch):
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    query = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    if allowed is not None and (path != request.path or any(k not in allowed or len(v) > MAX_PARAM for k, v in query)):
        return None
    return f"{path}?{urlencode(query)}"


def cached_page(
    *depends: str | Depends,
    ttl: int = 60,
    params: tuple[str, ...] | None = (),
    only_if: Callable[[HttpRequest], bool] | None = None,
    staff_list: bool = False,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Keep the view's 200 answers to GET while the generations ``depends`` stay the same.

    ``depends`` are generation names; ``{name}`` in one is filled from the view's keyword
    arguments (``"ledger:o{pk}"``). ``ttl``: an entry is rebuilt that long after it was built
    (by one request; the others meanwhile get it); a page that shows the time of day or
    "overdue" uses a short one. Visitors who are not signed
    in share entries; a signed-in visitor's entries are their own, and also move with their own
    rows in ``offices`` and ``licences`` (the menu names their offices and licences).

    ``params``: the query parameters the view reads. An anonymous request with any other is
    built and not kept, so random parameters cannot fill the cache; ``None`` (pages that need a
    sign-in) keeps any. ``only_if``: the requests that may be answered from the cache (not those
    a throttle must count).

    ``staff_list``: a staff list whose rows change all day (a municipality's queue). A page built
    before a change may still be shown, ``PAGE_CACHE_STAFF_STALE`` seconds at most: while one
    request builds the new page, the others get the newest one kept if it is that young, and a new
    build starts at most once every ``REBUILD_EVERY`` seconds. A change of the reader's own roles,
    offices or licences is never shown late. Never for a person's own case, a licence's status or
    a slot (decision 0055).
    """
    for name in depends:
        if callable(name):
            if not getattr(name, "apps", None):
                raise ValueError("cached_page: a callable dependency names its apps (per_municipality)")
        elif name.split(":", 1)[0] not in WATCHED_APPS:
            raise ValueError(f"cached_page: {name!r} is not of an app in WATCHED_APPS")
    allowed = None if params is None else frozenset(params)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        view_name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE or not _canonical(kwargs):
                return view(request, *args, **kwargs)
            if _messages_waiting(request) or (only_if is not None and not only_if(request)):
                return view(request, *args, **kwargs)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                who = f"u{user.pk}"
                names = [f"accounts:u{user.pk}", f"offices:u{user.pk}", f"licences:u{user.pk}"]
                address = _address(request, None)
            else:
                who = "a"
                names = []
                address = _address(request, allowed)
            if address is None:
                return view(request, *args, **kwargs)
            now = time.time()
            try:
                own = names
                names = with_wildcards([*_depends(depends, request, kwargs), *own])
                versions = generations(names)
                digest = hashlib.blake2b(
                    repr((view_name, address, who, versions, _release())).encode(), digest_size=16
                ).hexdigest()
                key, lock, unkept = f"page:e:{digest}", f"page:e:{digest}:l", f"page:e:{digest}:n"
                # the person's own generations (roles, offices, licences) are never shown stale
                mine = tuple(v for n, v in zip(names, versions, strict=True) if n in own)
                stale_for = settings.PAGE_CACHE_STAFF_STALE if staff_list else 0
                newest = _newest_key(view_name, address, who, mine) if stale_for else None
                found = cache.get_many([key, unkept] + ([newest] if newest else []))
                if unkept in found:  # its last build was not kept (an error, a cookie …): no waiting
                    return view(request, *args, **kwargs)
                entry = found.get(key)
                building = False
                if entry is None and newest and newest in found:
                    entry, building, token = _newest_or_build(found[newest], f"{newest}:l", now, stale_for)
                    if building:
                        lock = f"{newest}:l"  # one build of this person's page at a time
                if not building and (entry is None or now - entry[3] >= ttl):
                    # One request builds (the first to take the key's lock). The others are answered
                    # with the entry past its ttl while there is one (the same generations, so the same
                    # rows; only its clock, "open now" or "overdue", is older), or wait for the new
                    # one when there is none. Without this, every request arriving during a slow
                    # build (a national revenue report) built it too.
                    token = secrets.token_hex(8)
                    building = bool(cache.add(lock, token, timeout=REBUILD_LOCK))
                    if building:
                        entry = None
                    elif entry is None:
                        entry = _wait_for(key, lock, unkept)  # None: its builder kept nothing; build too
                if entry is not None:
                    return _answer(request, entry)
            except Exception:
                logger.warning("page cache: unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            try:
                return _build(request, view, args, kwargs, key, unkept, ttl, now, newest)
            finally:
                if building:
                    with contextlib.suppress(Exception):
                        if cache.get(lock) == token:  # still ours (not expired and taken by another)
                            cache.delete(lock)

        wrapper.page_cache_depends = depends  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _depends(depends: tuple[str | Depends, ...], request: HttpRequest, kwargs: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for item in depends:
        if callable(item):
            names.extend(item(request, kwargs))
        else:
            names.append(item.format(**kwargs))
    return names


def _newest_key(view_name: str, address: str, who: str, mine: tuple[Any, ...]) -> str:
    """Where a ``stale_for`` page's newest kept entry is named: its address and reader, whatever
    the generations of its rows, but for the reader's own (a withdrawn role is never shown)."""
    digest = hashlib.blake2b(repr((view_name, address, who, mine, _release())).encode(), digest_size=16).hexdigest()
    return f"page:n:{digest}"


def _newest_or_build(newest: Any, lock: str, now: float, stale_for: float) -> tuple[Any, bool, str]:
    """For a ``stale_for`` page whose generations moved: ``(entry, building, token)``. The newest
    entry kept, if it is young enough, unless this request is the one to build the new page: the
    first to take the page's own lock (``lock``: one build at a time, whatever the generations
    moved meanwhile) once ``REBUILD_EVERY`` has passed since the newest was built."""
    old_key, built_at = newest
    token = secrets.token_hex(8)
    if now - built_at >= stale_for:
        return None, False, token  # too old to be shown: the usual build, or wait for it
    if now - built_at >= REBUILD_EVERY and cache.add(lock, token, timeout=REBUILD_LOCK):
        return None, True, token
    entry = cache.get(old_key)
    if entry is not None and now - entry[3] >= stale_for:
        return None, False, token  # the pointer outran its entry (two builds of one key)
    return entry, False, token


def _build(
    request: HttpRequest,
    view: Callable[..., HttpResponse],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    key: str,
    unkept: str,
    ttl: int,
    now: float,
    newest: str | None = None,
) -> HttpResponse:
    """The view's answer, kept under ``key`` when it may be. Its reads go to the primary: a
    replica may lag behind the generations read first, and a kept page is built once a change,
    not once a request (the heavy reports that read from a replica per request included)."""
    placeholder = f"daftar-csrf-{secrets.token_hex(16)}"  # not guessable: only ours is replaced
    setattr(request, _RENDERING, placeholder)
    try:
        with reading_from_primary():
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
    finally:
        setattr(request, _RENDERING, None)
    if not _keepable(request, response):
        with contextlib.suppress(Exception):
            cache.set(unkept, 1, timeout=UNKEPT_SECONDS)  # the next ones build without waiting
        return _with_token(request, response, placeholder)
    headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
    entry = (headers, response.content, placeholder, now)
    try:
        cache.set(key, entry, timeout=2 * ttl)  # fresh for ttl, then served while rebuilt
        pointer = cache.get(newest) if newest else None
        if newest and (pointer is None or pointer[1] <= now):  # an older build never hides a newer one
            cache.set(newest, (key, now), timeout=2 * ttl)
    except Exception:
        logger.warning("page cache: could not keep %s", request.path, exc_info=True)
    return _answer(request, entry)


def _wait_for(key: str, lock: str, unkept: str) -> Any:
    """Another request is building the entry: wait for it (at most ``BUILD_WAIT`` seconds). None
    when its builder let go of the lock without keeping one, or took too long."""
    deadline = time.monotonic() + BUILD_WAIT
    while time.monotonic() < deadline:
        time.sleep(BUILD_POLL)
        found = cache.get_many([key, lock, unkept])
        if key in found:
            return found[key]
        if lock not in found or unkept in found:
            return None
    return None


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not transaction.get_connection().in_atomic_block
        and not getattr(getattr(request, "_messages", None), "used", False)
    )


def _with_token(request: HttpRequest, response: HttpResponse, placeholder: str) -> HttpResponse:
    """An answer that was built for the cache but is not kept: its placeholder filled in."""
    if response.streaming or placeholder.encode() not in response.content:
        return response
    response.content = response.content.replace(placeholder.encode(), get_token(request).encode())
    return response


def _answer(request: HttpRequest, entry: tuple[dict[str, str], bytes, str, float]) -> HttpResponse:
    headers, body, placeholder, _built = entry
    if placeholder.encode() in body:
        body = body.replace(placeholder.encode(), get_token(request).encode())
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    return response


# What the cache holds that was built from rows (after a restore it describes other rows): kept
# pages and generations, case bodies, token look-ups, tariff tables, licence checks, days off and
# public figures. Not the throttles' counters, the Celery broker's keys or the captchas.
DERIVED_PATTERNS = (
    "page:*",
    "case:*",
    "knox-digest:*",
    "tariffs:*",
    "licence-verify:s:*",
    "licence-verify:v:*",
    "municipalities:days-off:*",
    "figures:*",
)


def forget_derived() -> int | None:
    """Forget everything the cache built from rows (after a restore: they were other rows). With
    django-redis only those keys, the count returned; with a cache of this process alone (the
    embedded mode) None: the running server's own must be restarted instead."""
    backend = caches["default"]
    if hasattr(backend, "delete_pattern"):  # django-redis
        return sum(int(backend.delete_pattern(pattern)) for pattern in DERIVED_PATTERNS)
    return None
