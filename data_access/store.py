"""Opening the store, checking it, creating it, and writing declarations.

One code path for SQLite (the embedded default) and PostgreSQL (production).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from . import reference_data, rollup, schema
from .risk import HotZone, HotZoneIndex, assess
from .timeutil import local_day_hour, now_utc, to_store

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The store cannot be used; ``kind`` says why and ``target`` names it (password masked)."""

    def __init__(self, kind: str, target: str, detail: str = ""):
        super().__init__(f"{kind}: {target} {detail}".strip())
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
            engine = create_engine(
                "sqlite://",
                creator=lambda: sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                                                check_same_thread=False),
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

    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    if read_only:
        @event.listens_for(engine, "connect")
        def _pg_read_only(dbapi_conn, _record):
            with dbapi_conn.cursor() as cur:
                cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_conn.commit()
    return engine


def head_revision() -> str:
    """The newest schema revision this code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()


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
    if version != head_revision():
        raise StoreError("outdated", target, f"schema {version}, code expects {head_revision()}")


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


def seed_reference_data(conn: Connection) -> None:
    """Insert the reference rows (checkpoints, provinces, districts) that are missing.

    Existing rows are left alone: the IT team may have corrected coordinates or names.
    """
    existing = set(conn.execute(select(schema.provinces.c.code)).scalars())
    rows = [dict(code=c, name=n, kind=k, lat=la, lon=lo) for c, n, k, la, lo in reference_data.PROVINCES
            if c not in existing]
    if rows:
        conn.execute(schema.provinces.insert(), rows)
    existing = set(conn.execute(select(schema.districts.c.code)).scalars())
    rows = [dict(code=c, province_code=reference_data.THAI_BINH_PROVINCE_CODE, name=n, kind=k, lat=la, lon=lo)
            for c, n, k, la, lo in reference_data.THAI_BINH_DISTRICTS if c not in existing]
    if rows:
        conn.execute(schema.districts.insert(), rows)
    existing = set(conn.execute(select(schema.checkpoints.c.code)).scalars())
    rows = [dict(cp) for cp in reference_data.CHECKPOINTS if cp["code"] not in existing]
    if rows:
        conn.execute(schema.checkpoints.insert(), rows)


def load_hot_zones(conn: Connection) -> list[HotZone]:
    """Every hot zone in the store."""
    hz = schema.hot_zones.c
    return [
        HotZone(id=r.id, province_code=r.province_code, district_name=r.district_name, label=r.label,
                valid_from=r.valid_from, valid_to=r.valid_to)
        for r in conn.execute(select(hz.id, hz.province_code, hz.district_name, hz.label, hz.valid_from,
                                     hz.valid_to).order_by(hz.id))
    ]


def plate_hash(plate: str | None) -> str | None:
    """The hash kept in aggregates instead of a plate."""
    if not plate:
        return None
    return hashlib.sha256(plate.encode()).hexdigest()[:16]


@dataclass
class Written:
    """What :func:`write_declarations` stored: primary keys and declaration ids of new rows."""

    ids: list[int]
    declaration_ids: list[str]


def prepare_row(values: dict, zones: HotZoneIndex, received_at: dt.datetime) -> dict:
    """A full declarations row from normalised values: local day/hour, risk, plate hash."""
    row = {c.name: values.get(c.name) for c in schema.declarations.c if c.name != "id"}
    row["declared_at"] = to_store(values["declared_at"])
    row["local_day"], row["local_hour"] = local_day_hour(row["declared_at"])
    for flag in schema.SYMPTOMS + schema.FLAGS:
        row[flag] = bool(values.get(flag))
    row["plate_hash"] = plate_hash(row.get("plate"))
    row["received_at"] = received_at
    row.update(assess(row, zones, row["local_day"]))
    return row


def write_declarations(conn: Connection, rows: Sequence[dict], zones: HotZoneIndex, *,
                       batch_id: int | None = None) -> Written:
    """Store normalised declarations and add them to the aggregates, in the caller's transaction.

    Rows whose ``declaration_id`` is already stored (or repeated within ``rows``) are skipped; the
    result lists the ones written, so the caller can count duplicates exactly.
    """
    if not rows:
        return Written([], [])
    received_at = now_utc()
    return write_prepared(conn, [prepare_row(v, zones, received_at) for v in rows], batch_id=batch_id)


def write_prepared(conn: Connection, prepared: Sequence[dict], *, batch_id: int | None = None) -> Written:
    """:func:`write_declarations` for rows already made by :func:`prepare_row` (issue 4: the import
    prepares rows in worker processes and only writes them here)."""
    if not prepared:
        return Written([], [])
    for row in prepared:
        row["batch_id"] = batch_id
    table = schema.declarations
    ids, decl_ids = [], []
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        ids, decl_ids = _insert_pg_pipelined(conn, prepared)
    else:
        insert = (_dialect_insert(conn)(table).on_conflict_do_nothing(index_elements=["declaration_id"])
                  .returning(table.c.id, table.c.declaration_id))
        for start in range(0, len(prepared), 2000):
            for pk, decl_id in conn.execute(insert, prepared[start : start + 2000]):
                ids.append(pk)
                decl_ids.append(decl_id)
    if batch_id is not None and ids:
        rollup.add_batch_range(conn, batch_id, min(ids), max(ids))  # issue 4: faster than IN (ids)
    else:
        rollup.add_declarations(conn, ids)
    return Written(ids, decl_ids)


_PG_COLUMNS = tuple(c.name for c in schema.declarations.c if c.name != "id")
_PG_INSERT = (f"INSERT INTO declarations ({', '.join(_PG_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_PG_COLUMNS))})"
              " ON CONFLICT (declaration_id) DO NOTHING RETURNING id, declaration_id")


def _insert_pg_pipelined(conn: Connection, prepared: Sequence[dict]) -> tuple[list[int], list[str]]:
    """The insert of :func:`write_prepared` on PostgreSQL/psycopg: one short prepared statement run
    for every row in pipeline mode (issue 4). SQLAlchemy's multi-row VALUES statement is a
    different, very long text for each page of rows, which psycopg parses in Python every time:
    that parsing cost ~240 µs per row, more than everything else of an import together."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(_PG_INSERT, [tuple(row[c] for c in _PG_COLUMNS) for row in prepared], returning=True)
        ids, decl_ids = [], []
        while True:
            for pk, decl_id in cursor.fetchall():  # one result per row; empty when it was a duplicate
                ids.append(pk)
                decl_ids.append(decl_id)
            if not cursor.nextset():
                break
        return ids, decl_ids
    finally:
        cursor.close()


def _dialect_insert(conn: Connection):
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def new_batch(conn: Connection, kind: str, *, file_name: str | None = None, checksum: str | None = None,
              created_by: str = "system") -> int:
    """Open an import batch record and return its id."""
    result = conn.execute(schema.import_batches.insert().values(
        kind=kind, file_name=file_name, checksum=checksum, created_by=created_by, started_at=now_utc(),
    ).returning(schema.import_batches.c.id))
    return result.scalar_one()
