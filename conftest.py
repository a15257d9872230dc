"""Shared fixtures: a clean cache and SMS outbox per test, API clients, login helpers."""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from rest_framework.test import APIClient

from daftar.notifications.backends import LocmemBackend
from daftar.notifications.texts import cache_clear as sms_texts_forget
from daftar.runtime.pagecache import forget_belongings

# Fixtures an app's tests share with the apps above it (pytest reads pytest_plugins only here).
pytest_plugins = ["daftar.licences.tests.fixtures"]


@pytest.fixture(autouse=True)
def _clean_state(settings: Any, tmp_path_factory: Any) -> Iterator[None]:
    settings.SMS_BACKEND = "locmem"
    # one licence signing key for the whole run, never in the project's var/
    settings.LICENCE_SIGNING_KEY_FILE = str(tmp_path_factory.getbasetemp() / "keys" / "licence-ed25519.pem")
    cache.clear()
    forget_belongings()  # ids a rolled-back test used come again (SQLite)
    sms_texts_forget()  # an administrator's text a rolled-back test stored is not kept by the process
    # nor a content type a rolled-back test made (transactional tests' flush leaves none: see
    # _flush_without_post_migrate), whose id the admin's log would then point to
    ContentType.objects.clear_cache()
    LocmemBackend.outbox.clear()
    yield
    LocmemBackend.outbox.clear()
    sms_texts_forget()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def captcha_answer(key: str) -> str:
    from captcha.models import CaptchaStore

    return CaptchaStore.objects.get(hashkey=key).response


def sms_code(mobile: str) -> str:
    """The last one-time code sent to ``mobile`` (drains the outbox first)."""
    from daftar.notifications.services import outbox_drain

    outbox_drain()
    texts = [sms.text for sms in LocmemBackend.outbox if sms.to == mobile]
    assert texts, f"no SMS was sent to {mobile}"
    match = re.search(r"[۰-۹]{6}", texts[-1])  # every SMS is in Persian digits
    assert match
    return match.group(0).translate({0x06F0 + i: str(i) for i in range(10)})


def request_code(api: APIClient, mobile: str, **extra: Any) -> Any:
    key = api.get("/api/v1/auth/captcha").json()["key"]
    body = {"mobile": mobile, "captcha_key": key, "captcha_value": captcha_answer(key), **extra}
    return api.post("/api/v1/auth/otp/request", body, format="json")


def api_login(api: APIClient, mobile: str) -> str:
    """Log in through the real API flow and set the bearer token on ``api``."""
    response = request_code(api, mobile)
    assert response.status_code == 202, response.content
    response = api.post("/api/v1/auth/otp/verify", {"mobile": mobile, "code": sms_code(mobile)}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return token


# Under pytest-xdist (``make test``: whole files handed to two workers in the order collected
# here; the Makefile turns off xdist's own reordering, which is by number of tests and sent the
# one-test schema fuzzing, 75 s, near the end) the costliest files go first and the cheapest
# last, so that neither worker idles at the end while the other finishes a long file (~45 s of
# the run's wall time was that). The known long files lead, in this order; the rest follow by
# an estimate of their cost from their tests (seconds a test, as measured on the 2-core
# machine: a browser journey, another transactional test, any other test).
LONG_FILES = (
    "/tests/test_page_access_matrix.py",
    "/tests/test_schema_fuzz.py",
    "/tests/test_access_matrix.py",
    "/tests/test_browser_every_page.py",
    "runtime/tests/test_backup.py",
)
COST_BROWSER, COST_TRANSACTIONAL, COST_OTHER = 6.0, 0.8, 0.15


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """After pytest-django's own ordering: the costly files first (see LONG_FILES), each file's
    tests together and in the order pytest-django gave them; PostgreSQL-only tests skipped on
    SQLite; Tehran's rules loaded once for a module where that is safe."""
    _skip_postgres_only(config, items)
    _share_tehran(items)
    rank = {name: index for index, name in enumerate(LONG_FILES)}
    cost: dict[Any, float] = {}
    first: dict[Any, int] = {}
    for index, item in enumerate(items):
        first.setdefault(item.path, index)
        cost[item.path] = cost.get(item.path, 0.0) + _estimated_cost(item)

    def key(item: Any) -> tuple[int, float, int]:
        path = str(item.path).replace(os.sep, "/")
        long = next((i for name, i in rank.items() if path.endswith(name)), len(LONG_FILES))
        return long, -cost[item.path], first[item.path]

    items.sort(key=key)  # stable: a file's tests keep their order


def pytest_sessionstart(session: Any) -> None:
    """Under `make test`, before collecting, the second worker rewrites the test modules'
    assertions from the last file backwards while the first collects from the first forwards,
    each writing pytest's cached module (``__pycache__/*-pytest-*.pyc``, written atomically) and
    stopping where the other has been: the ~14 s a worker spent rewriting all of them on a clean
    clone is shared between the two. Nothing changes when bytecode is not written
    (``PYTHONDONTWRITEBYTECODE``, which `make test` clears for its run). docs/decisions/0053."""
    import sys

    config = session.config
    if sys.dont_write_bytecode or os.environ.get("PYTEST_XDIST_WORKER") != "gw1":
        return
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS:  # some files named: only those
        return
    from _pytest.assertion import rewrite

    if rewrite.assertstate_key not in config.stash:  # assertion rewriting turned off
        return
    state = config.stash[rewrite.assertstate_key]
    files = sorted(path for top in ("daftar", "tests") for path in (ROOT / top).rglob("test_*.py"))
    for path in reversed(files):
        pyc = rewrite.get_cache_dir(path) / (path.name[:-3] + rewrite.PYC_TAIL)
        if pyc.exists() or not rewrite.try_makedirs(pyc.parent):
            return  # the first worker has been here (or the tree is read-only)
        try:
            source_hash, code = rewrite._rewrite_test(path, config)
        except Exception:  # noqa: S112 - a module that does not parse (or is gone): its collection says so
            continue
        rewrite._write_pyc(state, code, source_hash, pyc)


def pytest_collection_finish(session: Any) -> None:
    """What collection built (the modules, the thousands of test items, the tables they
    parametrize) lives until the run ends: frozen out of the garbage collector's sight, so each
    later full collection walks only what the tests make (``gc.freeze``; in the page access
    matrix alone the collector's time fell from 8.4 s to 5.2 s; docs/decisions/0053)."""
    import gc

    gc.collect()
    gc.freeze()


def _estimated_cost(item: Any) -> float:
    if item.get_closest_marker("browser"):
        return COST_BROWSER
    return COST_TRANSACTIONAL if _transactional(item) else COST_OTHER


def _transactional(item: Any) -> bool:
    """Whether pytest-django runs ``item`` as a transactional test (committing, its tables
    emptied after it): as its ``_django_db_helper`` decides, by marker or by fixture."""
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & names) or bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL the demo is loaded once and copied back after (``tests/demo_snapshot.py``):
    which tables the migrated database holds rows in is noted here, and the copying loader put
    in place. Under `make test`'s workers, a PostgreSQL test database thrown away at the end does not
    wait for its commits to reach the disk (the browser tests commit, and flush every table after
    each test): set on the database, so connections through PgBouncer get it too. Not for `make
    test-fault` (one process), which restarts PostgreSQL and counts on every commit it was told of.

    At the end, before pytest-django drops the test database, every other session on it is
    closed: PostgreSQL's ``DROP DATABASE`` otherwise waits five seconds for them and then fails,
    leaving the database behind (seen at the end of every worker's run: «being accessed by other
    users», one session; the ``replica`` alias's connection and any a thread left open)."""
    from django.db import connection

    from tests import demo_snapshot

    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        demo_snapshot.seed_tables_note()
        demo_snapshot.install()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            with connection.cursor() as cursor:
                name = connection.ops.quote_name(connection.settings_dict["NAME"])
                cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit TO off")
                cursor.execute("SET synchronous_commit TO off")  # this connection, opened before
    yield
    with django_db_blocker.unblock():
        _close_other_sessions()


def _close_other_sessions() -> None:
    """Every other client session of this role on this (test) database ended, this thread's
    other aliases closed. A role that may not end them (PostgreSQL's own rules) gets a warning,
    and the drop waits as before."""
    from django.db import DatabaseError, connection, connections

    for alias in connections:
        if alias != "default":
            connections[alias].close()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND usename = current_user"
            )
    except DatabaseError as exc:
        warnings.warn(f"the test database's other sessions were left open: {exc}", stacklevel=1)


@pytest.fixture(autouse=True)
def _not_inside_a_task() -> None:
    """A test that ran Celery's worker set-up in this process leaves it thinking it is inside a
    task (``result.get()`` then refuses); under pytest-xdist any test may follow such a one."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


def _skip_postgres_only(config: Any, items: list[Any]) -> None:
    """PostgreSQL-only tests are skipped on SQLite (CI runs them on PostgreSQL)."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks); run with DATABASE_URL as .ci/run does")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


FLUSHES = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """After a transactional test's flush (its fixtures torn down), the rows data migrations
    seeded are put back, committed, for whatever test comes next: a worker runs the files in the
    order it is sent them (``pytest_collection_modifyitems`` orders them by cost, so transactional
    and ``db`` tests alternate, in one process too), and a ``db`` test's own transaction would
    roll a seed back."""
    result = yield
    if item.stash.get(FLUSHES, False) and nextitem is not None:  # the last: the test database is gone
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _seed()
    return result


@pytest.fixture(autouse=True)
def _audit_triggers_and_flush(request: Any) -> Iterator[None]:
    """SQLite's test flush deletes rows, which the audit triggers refuse: drop them just for
    the flush at the end of a transactional test, and make sure they exist in every test.
    (On PostgreSQL the tables are emptied with the triggers off: ``_empty_tables``.)"""
    uses_db = any(m.name == "django_db" for m in request.node.iter_markers()) or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        yield
        return
    from django.db import connection

    transactional = _transactional(request.node)
    request.node.stash[FLUSHES] = transactional  # pytest_runtest_teardown seeds again after it
    request.getfixturevalue("transactional_db" if transactional else "db")
    if connection.vendor != "sqlite":
        yield
        return
    import importlib

    triggers = importlib.import_module("daftar.audit.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        for sql in triggers.SQLITE:
            cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
    yield
    if transactional:
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_DROP:
                cursor.execute(sql)


@pytest.fixture(scope="session", autouse=True)
def _flush_without_post_migrate() -> Iterator[None]:
    """A transactional test's flush (Django's ``TransactionTestCase``) sends ``post_migrate``,
    which writes every content type and permission again: ~0.2 s a test, for rows nothing here
    reads (access is the project's policies; the admin's users are superusers or checked by
    ``_has_admin_access``; a content type is made again on first use, and ``_clean_state``
    forgets the ids of those a rolled-back test made). The flush itself (``_empty_tables``), and
    re-seeding after it (``pytest_runtest_teardown``), stay."""
    from django.core.management import call_command
    from django.test.testcases import TransactionTestCase

    def teardown(self: Any) -> None:
        for alias in self._databases_names(include_mirrors=False):
            if _empty_tables(alias):
                continue
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=alias,
                reset_sequences=False,
                allow_cascade=self.available_apps is not None,
                inhibit_post_migrate=True,
            )
        ContentType.objects.clear_cache()  # the ids it holds were just flushed

    original = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = original  # type: ignore[method-assign]


_TABLES: dict[str, list[str]] = {}


def _empty_tables(alias: str) -> bool:
    """On PostgreSQL, the flush's work done as ``DELETE`` of every table with the triggers off
    (``session_replication_role``, for this transaction only): one string of statements, ~25 ms,
    where the flush's ``TRUNCATE`` of the 83 tables takes 0.4–0.8 s (each truncated table gets
    new files, empty or not), ~100 times a run. The foreign keys and the audit tables'
    append-only triggers are triggers, so they are off too, as ``TRUNCATE`` never fires them.
    False where it cannot be done (SQLite, or a role not allowed to set it): Django's flush then
    runs, and the run's summary says so once."""
    from django.db import DatabaseError, connections, transaction

    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    if alias not in _TABLES:  # every model's table: one missing (a test left the schema) fails to the flush
        _TABLES[alias] = connection.introspection.django_table_names(only_existing=False, include_views=False)
    quote = connection.ops.quote_name
    tables = [quote(t) for t in _TABLES[alias]]
    sql = "; ".join(
        [
            "SET LOCAL session_replication_role = replica",
            # as TRUNCATE does: a writer still finishing (the live server's thread) commits first
            f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE",
            *(f"DELETE FROM {t}" for t in tables),  # noqa: S608 - the models' own table names
        ]
    )
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as error:  # nothing was deleted (one transaction)
        if alias not in _SLOW:
            _SLOW.add(alias)
            warnings.warn(f"tables emptied by Django's slower flush: {error}", stacklevel=1)
        return False
    return True


_SLOW: set[str] = set()


SEED_MIGRATIONS = [
    ("daftar.municipalities.migrations.0002_provinces", "load"),
    ("daftar.catalogue.seed", "catalogue_seed"),
    ("daftar.supervision.migrations.0002_defaults", "seed"),
]


@pytest.fixture(autouse=True)
def _seed_data(request: Any) -> None:
    """A transactional test's flush empties the rows data migrations seeded (the provinces, the
    service catalogue, the violation types and ladder): ``pytest_runtest_teardown`` puts them
    back after it, so here they are seeded only if missing all the same (one query, where the
    seeding costs ~70 ms). The seed functions are idempotent (they write only what is missing)."""
    if not _transactional(request.node):
        return

    request.getfixturevalue("transactional_db")
    from daftar.municipalities.models import Province

    if not Province.objects.exists():
        _seed()


def _seed() -> None:
    import importlib

    from django.apps import apps

    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _fresh_rule_cache() -> Iterator[None]:
    """Compiled rule sets are cached by id; test databases reuse ids."""
    from daftar.rules.selectors import _compiled_published

    _compiled_published.cache_clear()
    yield


SHARED_TEHRAN = pytest.StashKey[bool]()


@pytest.fixture
def tehran_rules(request: Any, db: Any) -> Any:
    """Tehran, its demo districts and the e-city office licence with its published rules."""
    from daftar.demo.services import demo_load
    from daftar.rules.models import RuleSet

    if not request.node.stash.get(SHARED_TEHRAN, False):
        demo_load(offices=False)  # the demo offices (their cases, licences, staff) only where asked
    return RuleSet.objects.get(municipality__slug="tehran", version=1)


SHARE_AT_LEAST = 3  # tests of a module using Tehran, for the module to load it once


def _share_tehran(items: list[Any]) -> None:
    """A module in which at least ``SHARE_AT_LEAST`` tests use ``tehran_rules`` (themselves, or
    through a fixture such as ``make_licence``) and none is transactional or on a moved clock
    loads it once: ``tehran_for_module`` is put first among those tests' fixtures, and the
    module's other tests are moved before them, to run on the database they would see alone,
    before Tehran is loaded. Sharing changes nothing a test can see. A module with a
    transactional test (whose flush would end the shared transaction) keeps loading Tehran per
    test."""
    modules: dict[Any, list[Any]] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)
    later: set[int] = set()  # the sharing tests (ids), after their module's others
    for tests in modules.values():
        users = [item for item in tests if "tehran_rules" in getattr(item, "fixturenames", ())]
        if len(users) >= SHARE_AT_LEAST and all(_may_share(item) for item in tests):
            for item in users:
                item.fixturenames.insert(0, "tehran_for_module")
                later.add(id(item))
    if later:
        first: dict[Any, int] = {}
        order: dict[int, int] = {}
        for index, item in enumerate(items):
            first.setdefault(item.path, index)
            order[id(item)] = index
        items.sort(key=lambda item: (first[item.path], id(item) in later, order[id(item)]))


def _may_share(item: Any) -> bool:
    # a test on a clock a fixture moved (``time_machine``) would otherwise get a Tehran loaded at
    # the real time instead of the moved one
    return not _transactional(item) and "time_machine" not in getattr(item, "fixturenames", ())


@pytest.fixture(scope="module")
def tehran_for_module(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """``tehran_rules`` loaded once for a whole module (chosen by ``_share_tehran``): ~0.3 s a
    test saved. As the access matrices' world: one transaction, rolled back when the module is
    done, and each test in its own savepoint inside it, so what one test writes no other sees."""
    from django.db import connection, transaction

    from daftar.demo.services import demo_load

    for item in request.session.items:
        if getattr(item, "module", None) is request.module and "tehran_for_module" in item.fixturenames:
            item.stash[SHARED_TEHRAN] = True
    outer = transaction.atomic()
    with django_db_blocker.unblock():  # only here: a test of the module without ``db`` stays blocked
        outer.__enter__()
        try:
            cache.clear()  # as each test starts (``_clean_state``), before the demo is loaded
            demo_load(offices=False)
            connection.check_constraints()  # once here, not again in each test's teardown
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- The live server (pytest-django's ``live_server``: the browser tests, the schema fuzzing) ---


def _pooled_live_server() -> type:
    """Django's live server answers each connection in a new thread, which opens a database
    connection of its own and closes it afterwards: a new PostgreSQL session (~4 ms here, and a
    backend process started) for every page, script and stylesheet a browser test loads. This
    one answers on a fixed pool of threads that keep their connections between requests (Django
    closes them as usual past ``CONN_MAX_AGE`` or once broken, and each thread closes its own
    when the server stops), and closes each HTTP connection after its answer (Django's handler
    does so for a server that is not ``ThreadingMixIn``), so no idle keep-alive connection holds
    a thread of the pool. A connection the browser opens ahead and sends nothing on (Chromium
    preconnects) frees its thread after ``idle_seconds``. docs/decisions/0053."""
    import contextlib
    import socketserver
    import sys
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.core.servers.basehttp import WSGIServer
    from django.db import connections

    class PooledWSGIServer(WSGIServer):
        pool_size = 16  # Chromium loads up to six files of a page at once, per open page
        idle_seconds = 5

        def __init__(self, address: Any, handler: Any, *args: Any, connections_override: Any = None, **kwargs: Any):
            # made first: a port that cannot be bound closes the server inside ``__init__``
            self.pool = ThreadPoolExecutor(max_workers=self.pool_size, thread_name_prefix="live-server")
            self.connections_override = connections_override
            # the request line and headers must come within ``idle_seconds`` of each other
            timed = type("TimedRequestHandler", (handler,), {"timeout": self.idle_seconds})
            super().__init__(address, timed, *args, **kwargs)

        def handle_error(self, request: Any, client_address: Any) -> None:
            if isinstance(sys.exc_info()[1], TimeoutError):  # a connection opened ahead, never used
                return
            super().handle_error(request, client_address)

        def process_request(self, request: Any, client_address: Any) -> None:
            self.pool.submit(self._answer, request, client_address)

        def _answer(self, request: Any, client_address: Any) -> None:
            if self.connections_override:  # SQLite in memory: the test's own connection, shared
                for alias, conn in self.connections_override.items():
                    connections[alias] = conn
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

        def server_close(self) -> None:
            super().server_close()
            # one task on each thread of the pool (the barrier holds each until all have one):
            # every thread closes the database connections it kept
            barrier = threading.Barrier(self.pool_size, timeout=2 * self.idle_seconds)

            def close_own_connections() -> None:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
                if not self.connections_override:
                    connections.close_all()

            for _ in range(self.pool_size):
                self.pool.submit(close_own_connections)
            self.pool.shutdown(wait=True)

    assert not issubclass(PooledWSGIServer, socketserver.ThreadingMixIn)
    return PooledWSGIServer


def _use_pooled_live_server() -> None:
    from django.test.testcases import LiveServerThread

    LiveServerThread.server_class = _pooled_live_server()


_use_pooled_live_server()


# --- Browser tests (Playwright driving Debian's Chromium) ---------------------------------
# Run whenever the browser exists; DAFTAR_REQUIRE_BROWSER=1 (.ci/run) turns a missing browser
# into a failure. Screenshots go to test-artifacts/.
ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
# Debian's Chromium as its headless shell (package chromium-headless-shell: the old headless
# mode, what Playwright itself runs headless), else the full browser in its new headless mode.
# The shell draws the same pages with ~40 % less of the machine (docs/decisions/0053).
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
FULL_CHROMIUM = "/usr/bin/chromium"
CHROMIUM = os.environ.get("DAFTAR_CHROMIUM") or (HEADLESS_SHELL if Path(HEADLESS_SHELL).exists() else FULL_CHROMIUM)
CHROMIUM_ARGS = [
    *(() if CHROMIUM.endswith("headless-shell") else ("--headless=new",)),
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


_CHROMIUM: dict[str, Any] = {}  # the running Playwright and Chromium, while browser tests follow each other


@pytest.fixture
def browser() -> Iterator[Any]:
    """Chromium, started for the first of a run of browser tests one after the other (files
    included: ``make test`` sends the browser files to the workers one after another) and
    stopped in this fixture's teardown of the last (the next item pytest will run says which;
    docs/decisions/0049): Playwright's sync API keeps an event loop in the thread while it runs,
    which Django's ``async_to_sync`` in other tests refuses. What a test leaves open in it (a
    context of its own) is closed after the test; one that is no longer connected (crashed) is
    started again. ``pytest_runtest_protocol`` and ``pytest_sessionfinish`` stop it as well if
    it is still running where it should not be (a browser test whose set-up failed before this
    fixture, a run stopped early)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("DAFTAR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} but DAFTAR_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (make browser: apt-get install chromium-headless-shell)")
    if "browser" in _CHROMIUM and not _CHROMIUM["browser"].is_connected():
        _chromium_stop()
    if "browser" not in _CHROMIUM:
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            _CHROMIUM["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except BaseException:
            playwright.stop()
            raise
        _CHROMIUM["playwright"] = playwright
    instance = _CHROMIUM["browser"]
    try:
        yield _StillBrowser(instance)
        for context in list(instance.contexts):
            context.close()
    finally:
        if not _uses_browser(_CHROMIUM.get("next")):
            _chromium_stop()


def _uses_browser(item: Any) -> bool:
    return item is not None and "browser" in getattr(item, "fixturenames", ())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Any:
    _CHROMIUM["next"] = nextitem  # for ``browser``: is Chromium needed after this test?
    if not _uses_browser(item):
        _chromium_stop()  # left running by a browser test that never reached ``browser``'s teardown
    return (yield)


def pytest_sessionfinish(session: Any) -> None:
    _chromium_stop()


def _chromium_stop() -> None:
    if "browser" not in _CHROMIUM:
        return
    instance, playwright = _CHROMIUM.pop("browser"), _CHROMIUM.pop("playwright")
    try:
        instance.close()
    except Exception as error:  # a crashed Chromium: Playwright is stopped all the same
        warnings.warn(f"Chromium did not close: {error}", stacklevel=1)
    finally:
        playwright.stop()


class _StillBrowser:
    """The browser, whose every new context prefers reduced motion unless a test says otherwise.
    Bootstrap scrolls smoothly for everyone else, and Playwright clicks an element only once it
    stands still: each click on a long page waited ~1 s for the scroll (a reviewer accepting ten
    documents took 21 s, 9 s without). The pages look the same once still."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        options.setdefault("reduced_motion", "reduce")
        return self._browser.new_context(**options)

    def new_page(self, **options: Any) -> Any:
        options.setdefault("reduced_motion", "reduce")
        return self._browser.new_page(**options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A browser tab; any Content-Security-Policy violation on any page it shows fails the test
    (issue 8: the CSP allows only our own host and no inline script or style)."""
    context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
    violations: list[str] = []
    _watch_csp(context, violations)
    yield context.new_page()
    context.close()
    assert not violations, "Content-Security-Policy violations: " + " | ".join(violations)


@pytest.fixture
def csp_guard() -> Iterator[Any]:
    """For a test that opens browser contexts of its own: ``csp_guard(context)`` watches it, and
    a CSP violation on any of its pages fails the test (as the ``page`` fixture does)."""
    violations: list[str] = []

    def watch(context: Any) -> Any:
        _watch_csp(context, violations)
        return context

    yield watch
    assert not violations, "Content-Security-Policy violations: " + " | ".join(violations)


CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) =>
  window.__daftarCspViolation(
    location.href + ': ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')));"""


def _watch_csp(context: Any, found: list[str]) -> None:
    """Both ways a browser tells of a violation: the page's ``securitypolicyviolation`` event
    (every kind, a blocked ``eval`` included, which Chromium does not write to the console) and
    the console's message (reported before a page's own scripts could listen)."""
    context.expose_function("__daftarCspViolation", lambda text: found.append(str(text)))
    context.add_init_script(CSP_LISTENER)
    context.on("console", lambda m: _csp_violation(m, found))


def _csp_violation(message: Any, found: list[str]) -> None:
    if "Content Security Policy" in message.text:
        found.append(f"{message.page.url if message.page else ''}: {message.text[:300]}")


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # Playwright raises its own Error class
        # Chromium now and then refuses a full-page capture right after a resize ("Unable to
        # capture screenshot") on a loaded machine; the page itself is fine. Try once more after
        # the next frame, and let a second refusal fail the test.
        if "Unable to capture screenshot" not in str(exc):
            raise
        page.wait_for_timeout(250)
        page.screenshot(path=str(path), full_page=True)
    return path


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # a dev dependency (package.json)
AXE_BLOCKING = {"serious", "critical"}


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_findings(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as shown now (WCAG 2.1 A/AA rules).

    axe runs through the browser's debugging protocol (``page.evaluate``), which the page's
    Content-Security-Policy does not govern, so no inline script is added to the page. Only the
    violations are gathered in full (``resultTypes``): the passes are never read."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # once per document, not per check
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return [f"{v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in result if v["impact"] in AXE_BLOCKING]


def check_page(page: Any, name: str, widths: tuple[int, ...] = (360, 1366)) -> None:
    """At each width: a full-page screenshot ``<name>-<width>.png`` in test-artifacts/, no part
    of the page wider than the window, and no serious or critical axe-core finding."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} at {width}px is {overflow}px wider than the window"
        findings = axe_findings(page)
        assert not findings, f"axe-core on {name} at {width}px: " + " | ".join(findings)
