"""Opening the store, checking it, creating it, and writing declarations.

One code path for SQLite (the embedded default) and PostgreSQL (production).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from ..errors import CodedError
from .reference import seed_reference_data

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


class StoreError(CodedError):
    """The store cannot be used; ``kind`` says why and ``target`` names it (password masked). Its code
    is ``store.<kind>``, its parameters ``target`` and ``detail`` (the driver's own text)."""

    #: Every kind of store problem (each one's code has its words in the catalogue).
    KINDS = ("missing", "unreachable", "not_a_store", "not_initialised", "outdated")

    def __init__(self, kind: str, target: str, detail: str = ""):
        super().__init__(f"store.{kind}", target=target, detail=detail)
        self.kind = kind  # missing | unreachable | not_a_store | not_initialised | outdated
        self.target = target
        self.detail = detail


def display_url(url: str) -> str:
    """The store URL as it may be shown to a person: password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as typed, it holds no parsed password
        return url


def _sqlite_path(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return parsed.database or ":memory:"


def create_store_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine on the store. ``read_only`` is how the dashboard connects (SPEC §6).

    SQLite: WAL, a busy timeout, foreign keys on; read-only opens the file with ``mode=ro``.
    PostgreSQL: read-only sessions are set READ ONLY (use a SELECT-only role in production too).
    """
    path = _sqlite_path(url)
    if path is not None:
        if read_only:
            if path != ":memory:" and not Path(path).exists():
                raise StoreError("missing", display_url(url), "file does not exist")
            uri = f"file:{Path(path).resolve()}?mode=ro"
            # A "sqlite://" URL with a creator looks like :memory: to SQLAlchemy, which then picks
            # SingletonThreadPool: one connection per thread, at most five kept, and the sixth thread
            # closes a connection another thread is still using (Streamlit runs every session in a
            # thread of its own: "Cannot operate on a closed database", then a segmentation fault).
            # On a file each checkout may open its own connection, so QueuePool, which lends a
            # connection to one thread at a time; that is what makes check_same_thread=False safe.
            # 8 kept open, up to 24 more at busy moments (many sessions refreshing at once; a read
            # connection on a file is cheap); beyond that a thread waits for one to come back.
            engine = create_engine(
                "sqlite://",
                creator=lambda: sqlite3.connect(
                    uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False
                ),
                poolclass=QueuePool,
                pool_size=8,
                max_overflow=24,
            )
        else:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            if not read_only:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine

    if read_only:
        # The dashboard's shared engine: as many connections as on SQLite (every browser session reads
        # through it; with SQLAlchemy's 5 + 10, twenty sessions refreshing together queued past the
        # pool's 30 s timeout on two cores).
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=8, max_overflow=24, connect_args={"connect_timeout": 5}
        )
    else:
        engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    if read_only:

        @event.listens_for(engine, "connect")
        def _pg_read_only(dbapi_conn, _record):
            with dbapi_conn.cursor() as cur:
                cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                # The figures read a few hundred rollup rows each; a figure's UNION of small arms looked
                # costly enough to the planner to start parallel workers, whose start-up was ten times
                # the work (30 ms for 1 ms at 10M declarations: docs/PERFORMANCE.md).
                cur.execute("SET SESSION max_parallel_workers_per_gather = 0")
            dbapi_conn.commit()

    return engine


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest schema revision this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()
    assert head is not None, "the migrations have a head revision"
    return head


def check_store(engine: Engine, url: str | None = None) -> None:
    """Raise :class:`StoreError` unless the store answers and has the current schema.

    ``url`` names the store in messages (the engine of a read-only SQLite file does not know it).
    """
    target = display_url(url or engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables:
                raise StoreError("not_initialised", target)
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except StoreError:
        raise
    except DBAPIError as exc:
        message = str(exc.orig) if exc.orig is not None else str(exc)
        kind = "not_a_store" if "not a database" in message or "malformed" in message else "unreachable"
        raise StoreError(kind, target, message.splitlines()[0] if message else "") from exc
    except SQLAlchemyError as exc:
        raise StoreError("unreachable", target, str(exc).splitlines()[0]) from exc
    head = head_revision()
    if version != head:
        raise StoreError("outdated", target, f"schema {version}, code expects {head}")


def _alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def init_store(engine: Engine) -> None:
    """Create or upgrade the schema and seed the reference data; a no-op on a current store."""
    from alembic import command

    with engine.begin() as conn:
        cfg = _alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        seed_reference_data(conn)


def driver_connection(conn: Connection) -> Any:
    """The database driver's own connection under ``conn`` (sqlite3 or psycopg), for the writes that
    go past SQLAlchemy for speed."""
    driver = conn.connection.driver_connection
    assert driver is not None, "an open connection has a driver connection"
    return driver
