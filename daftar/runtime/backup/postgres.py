"""PostgreSQL: connections, its client tools, what the database holds, and creating, dropping and
swapping the databases a restore writes into."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import environ
from django.db import connections

from .base import BackupError

# Django's own OPTIONS keys, which are not libpq connection parameters.
_NOT_LIBPQ = {"isolation_level", "server_side_binding", "assume_role", "pool", "cursor_factory", "context"}


def _libpq_params(settings_dict: dict[str, Any], dbname: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {
        k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k not in _NOT_LIBPQ and v not in (None, "")
    }
    for key, name in (("NAME", "dbname"), ("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    if settings_dict.get("PORT"):
        params["port"] = str(settings_dict["PORT"])
    if dbname is not None:
        params["dbname"] = dbname
    return params


def pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: connection settings as PG* variables (the
    password never appears on a command line)."""
    env = os.environ.copy()
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT"}
    for key, value in _libpq_params(settings_dict).items():
        variable = names.get(key) or {
            "sslmode": "PGSSLMODE",
            "sslrootcert": "PGSSLROOTCERT",
            "sslcert": "PGSSLCERT",
            "sslkey": "PGSSLKEY",
            "passfile": "PGPASSFILE",
            "service": "PGSERVICE",
            "options": "PGOPTIONS",
        }.get(key)
        if variable:
            env[variable] = str(value)
    return env


def connect(settings_dict: dict[str, Any], dbname: str | None = None, *, autocommit: bool = True) -> Any:
    import psycopg  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    return psycopg.connect(**_libpq_params(settings_dict, dbname), autocommit=autocommit)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} پیدا نشد / {name} not found: install the PostgreSQL client of the server's major "
            "version (Debian: postgresql-client)"
        )
    return path


def require_postgresql(settings_dict: dict[str, Any]) -> None:
    if "postgresql" not in settings_dict.get("ENGINE", ""):
        raise BackupError(
            "پشتیبان‌گیری فقط با PostgreSQL / backup and restore need PostgreSQL (DATABASE_URL=postgres://…); "
            "for the embedded SQLite default, stop the server and copy var/ instead"
        )


def row_counts(conn: Any) -> dict[str, int]:
    from psycopg import sql  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    tables = [
        row[0]
        for row in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
    ]
    return {
        table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        for table in tables
    }


def target_settings(database_url: str | None) -> dict[str, Any]:
    """The connection settings of the database to restore into: ``database_url``, else the
    configured one."""
    if not database_url:
        return connections["default"].settings_dict

    parsed = environ.Env.db_url_config(database_url)
    target = copy.deepcopy(connections["default"].settings_dict)
    for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
        target[key] = parsed.get(key, "")
    target["OPTIONS"] = parsed.get("OPTIONS", {})
    return target


def database_state(settings_dict: dict[str, Any]) -> str:
    """ "missing", "empty" or "in use" (any relation or sequence outside the system schemas)."""
    name = settings_dict["NAME"]
    with connect(settings_dict, "postgres") as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return "missing"
    with connect(settings_dict) as conn:
        used = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        ).fetchone()[0]
    return "in use" if used else "empty"


def database_create(settings_dict: dict[str, Any]) -> None:
    from psycopg import sql  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    with connect(settings_dict, "postgres") as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings_dict["NAME"])))


def database_drop(settings_dict: dict[str, Any]) -> None:
    from psycopg import sql  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    with connect(settings_dict, "postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(settings_dict["NAME"])))


def pg_name(base: str, suffix: str) -> str:
    """``base + suffix`` within PostgreSQL's 63-byte identifier limit (``base`` is shortened)."""
    room = 63 - len(suffix.encode())
    return base.encode()[:room].decode(errors="ignore") + suffix


class SwapBroken(BackupError):
    """The swap stopped half way: the target name is free and must not be cleaned up blindly."""


def database_swap(target: dict[str, Any], new_name: str, stamp: str) -> str:
    """Rename the target database to ``<target>_before_<stamp>`` and ``new_name`` to the target;
    return the kept database's name. Other sessions on the target are ended first
    (``pg_terminate_backend``): the web and worker processes should be stopped anyway."""
    import psycopg  # PostgreSQL only: the app runs without the driver on SQLite (the default)
    from psycopg import sql  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    name = target["NAME"]
    previous = pg_name(name, f"_before_{stamp}")
    with connect(target, "postgres") as conn:
        for attempt in range(20):
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            try:
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (name, previous))))
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise BackupError(
                        f"پایگاه داده «{name}» هنوز اتصال دارد / database {name} still has sessions after "
                        "pg_terminate_backend (stop the web and worker processes and try again)"
                    ) from None
                time.sleep(0.25)
        try:
            conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (new_name, name))))
        except psycopg.Error as exc:
            try:
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (previous, name))))
            except psycopg.Error as back:
                raise SwapBroken(
                    f"جابه‌جایی نیمه‌کاره / the swap stopped half way: {name} was renamed to {previous}, but "
                    f"renaming {new_name} to {name} failed ({exc}) and renaming it back failed too ({back}). "
                    f"No database is named {name} now; the verified restore is {new_name}. By hand: "
                    f'ALTER DATABASE "{previous}" RENAME TO "{name}"; (the old data) or '
                    f'ALTER DATABASE "{new_name}" RENAME TO "{name}"; (the restored data)'
                ) from exc
            raise BackupError(f"renaming {new_name} to {name} failed ({exc}); {name} was renamed back") from exc
    return previous


def run_pg_restore(pg_restore: str, settings_dict: dict[str, Any], dump: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments, connection in the environment
        [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-acl", "--no-password",
         f"--dbname={settings_dict['NAME']}", str(dump)],
        env=pg_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
