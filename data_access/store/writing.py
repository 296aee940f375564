"""Writing declarations: one path for the live feed and the import.

A declaration row is a tuple in :data:`ROW_COLUMNS` order (:func:`prepare_row` makes it from normalised
values; the import makes the same rows column-wise). :func:`write_rows` inserts rows and adds them to
the rollups in the caller's transaction; the import's chunks take the staged path of
:mod:`data_access.store.staging`, which ends in the same insert.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import sqltypes

from ..domain import FLAGS, SYMPTOMS
from ..memo import Memo
from ..risk import HotZoneIndex, assess
from ..timeutil import local_day_hour, now_utc, to_store
from . import rollup, schema
from .engine import driver_connection


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


def prepare_row(values: dict, zones: HotZoneIndex, received_at: dt.datetime) -> tuple:
    """A declaration row as the store takes it (:data:`ROW_COLUMNS` order) from normalised values:
    local day and hour, risk, plate hash added."""
    row = {c.name: values.get(c.name) for c in schema.declarations.c if c.name != "id"}
    declared_at = to_store(values["declared_at"])
    row["declared_at"] = declared_at
    local_day, row["local_hour"] = local_day_hour(declared_at)
    row["local_day"] = local_day
    for flag in SYMPTOMS + FLAGS:
        row[flag] = bool(values.get(flag))
    row["plate_hash"] = plate_hash(row.get("plate"))
    row["received_at"] = received_at
    row.update(assess(row, zones, local_day))
    return tuple(row[c] for c in ROW_COLUMNS)


def write_declarations(
    conn: Connection, rows: Sequence[dict], zones: HotZoneIndex, *, batch_id: int | None = None
) -> Written:
    """Store normalised declarations and add them to the aggregates, in the caller's transaction.

    Rows whose ``declaration_id`` is already stored (or repeated within ``rows``) are skipped; the
    result lists the ones written, so the caller can count duplicates exactly.
    """
    if not rows:
        return Written([], [])
    received_at = now_utc()
    return write_rows(conn, [prepare_row(v, zones, received_at) for v in rows], batch_id=batch_id)


#: The columns of a prepared declaration row as :func:`write_rows` takes it (all but id and batch_id;
#: tuples in this order travel between the import's processes several times faster than dicts).
ROW_COLUMNS = tuple(c.name for c in schema.declarations.c if c.name not in ("id", "batch_id"))
INSERT_COLUMN_NAMES = (*ROW_COLUMNS, "batch_id")
_INSERT_COLUMNS = ", ".join(INSERT_COLUMN_NAMES)


def insert_kind(conn: Connection) -> str:
    """Which insert :func:`write_rows` uses on this connection: "sqlite", "psycopg" or "sqlalchemy"."""
    if conn.dialect.name == "sqlite" and conn.dialect.driver == "pysqlite":
        return "sqlite"
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return "psycopg"
    return "sqlalchemy"


def row_params(kind: str, rows: Sequence[Sequence], batch_id: int | None) -> list[tuple]:
    """Rows in :data:`ROW_COLUMNS` order as the parameters of the insert of :func:`write_rows` for
    ``kind`` (:func:`insert_kind`): :func:`param_columns`, row by row."""
    if not rows:
        return []
    return list(zip(*param_columns(kind, list(zip(*rows, strict=False)), batch_id), strict=False))


def param_columns(
    kind: str, columns: Sequence[Sequence], batch_id: int | None, *, booleans: bool = True
) -> list[Sequence]:
    """Columns in :data:`ROW_COLUMNS` order as the insert's parameter columns for ``kind``: the batch
    id column appended and, on SQLite, dates and times as the text SQLAlchemy's SQLite types write
    and (unless not ``booleans``) booleans as the 0/1 they are stored as (sqlite3 binds a bool
    several times slower than an int). Column-wise, so that each conversion runs once per
    distinct value."""
    out = list(columns)
    if kind == "sqlite":
        for i, process in _SQLITE_TEMPORAL:
            out[i] = list(map(Memo(process).__getitem__, out[i]))
        for i in BOOLEAN_POSITIONS if booleans else ():
            out[i] = list(map(_AS_INT.__getitem__, out[i]))
    out.append([batch_id] * (len(out[0]) if out else 0))
    return out


def write_rows(conn: Connection, rows: Sequence[Sequence], *, batch_id: int | None = None) -> Written:
    """Store declaration rows (:func:`prepare_row`) and add them to the rollups, in the caller's transaction.

    SQLite and PostgreSQL/psycopg are written through the DBAPI connection of ``conn`` (same
    transaction): SQLAlchemy building the parameters of every row cost more than the database's own
    work. Other drivers take SQLAlchemy's insert.
    """
    if not rows:
        return Written([], [])
    kind = insert_kind(conn)
    insert = {"sqlite": _insert_sqlite, "psycopg": _insert_pg_copy}.get(kind, _insert_sqlalchemy)
    ids, decl_ids = insert(conn, row_params(kind, rows, batch_id))
    if batch_id is not None and ids:
        rollup.add_batch_range(conn, batch_id, min(ids), max(ids))  # faster than IN (ids) on a large batch
    else:
        rollup.add_declarations(conn, ids)
    return Written(ids, decl_ids)


def _insert_sqlalchemy(conn: Connection, params: Sequence[Sequence]) -> tuple[list[int], list[str]]:
    table = schema.declarations
    insert = (
        _dialect_insert(conn)(table)
        .on_conflict_do_nothing(index_elements=["declaration_id"])
        .returning(table.c.id, table.c.declaration_id)
    )
    ids: list[int] = []
    decl_ids: list[str] = []
    for start in range(0, len(params), 2000):
        inserted: Iterable[Any] = conn.execute(
            insert, [dict(zip(INSERT_COLUMN_NAMES, row, strict=False)) for row in params[start : start + 2000]]
        )
        for pk, decl_id in inserted:
            ids.append(pk)
            decl_ids.append(decl_id)
    return ids, decl_ids


# Not INSERT OR IGNORE: that would also skip rows breaking NOT NULL or a foreign key, silently.
_SQLITE_INSERT_ROWS = (
    f"INSERT INTO declarations ({_INSERT_COLUMNS}) VALUES ({', '.join(['?'] * (len(ROW_COLUMNS) + 1))})"
    " ON CONFLICT (declaration_id) DO NOTHING"
)


def _sqlite_temporal() -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, SQLAlchemy bind processor) of the date and time columns: the DBAPI insert stores
    them as the same text SQLAlchemy's SQLite types write, so both paths store identical values."""
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    out = []
    for i, name in enumerate(ROW_COLUMNS):
        type_ = schema.declarations.c[name].type
        if isinstance(type_, (sqltypes.Date, sqltypes.DateTime)):
            bound = type_.dialect_impl(dialect).bind_processor(dialect)
            assert bound is not None, "SQLite's date and time types convert their values"
            process: Callable[[Any], Any] = bound
            # datetime.isoformat writes the same text five times faster (an import converts every
            # distinct time): used only if it agrees with SQLAlchemy's processor on the samples.
            fast: Callable[[Any], Any]
            samples: tuple
            if isinstance(type_, sqltypes.DateTime):
                fast, samples = _iso_datetime, _DATETIME_SAMPLES
            else:
                fast, samples = _iso_date, _DATE_SAMPLES
            if _agrees(fast, process, samples):
                process = fast
            out.append((i, process))
    return out


_DATETIME_SAMPLES = (
    dt.datetime(2021, 6, 1, 7, 5, 9),
    dt.datetime(2026, 12, 31, 23, 59, 59, 999999),
    dt.datetime(999, 1, 2, 3, 4, 5, 60),
    None,
)
_DATE_SAMPLES = (dt.date(2021, 6, 1), dt.date(999, 1, 2), None)


def _agrees(fast: Callable[[Any], Any], process: Callable[[Any], Any], samples: tuple) -> bool:
    return all(fast(v) == process(v) for v in samples)


def _iso_datetime(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(" ", "microseconds")


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


_SQLITE_TEMPORAL = _sqlite_temporal()


BOOLEAN_POSITIONS = tuple(
    i for i, name in enumerate(ROW_COLUMNS) if isinstance(schema.declarations.c[name].type, sqltypes.Boolean)
)
_AS_INT = {False: 0, True: 1, None: None}


def _insert_sqlite(conn: Connection, params: Sequence[Sequence]) -> tuple[list[int], list[str]]:
    """The insert of :func:`write_rows` on SQLite: one DBAPI executemany without RETURNING (which
    sqlite3's executemany cannot do), then the new rows read back (:func:`sqlite_new_rows`)."""
    dbapi = driver_connection(conn)
    before = dbapi.total_changes
    cursor = dbapi.cursor()
    try:
        cursor.executemany(_SQLITE_INSERT_ROWS, params)
        written = sqlite_new_rows(cursor, dbapi.total_changes - before)
    finally:
        cursor.close()
    return [pk for pk, _ in written], [decl_id for _, decl_id in written]


def sqlite_new_rows(cursor, count: int) -> list[tuple[int, str]]:
    """(id, declaration_id) of the ``count`` declarations this transaction has just inserted, in id order.

    The first INSERT takes the database's write lock for the rest of the transaction, so the rows
    it adds get consecutive ids ending at max(id), and ``total_changes`` counts them: they are the
    last ``count`` ids, whatever other writers did before.
    """
    if not count:
        return []
    last = cursor.execute("SELECT max(id) FROM declarations").fetchone()[0]
    written = cursor.execute(
        "SELECT id, declaration_id FROM declarations WHERE id > ? ORDER BY id", (last - count,)
    ).fetchall()
    if len(written) != count:  # cannot happen while SQLite has one writer at a time
        raise RuntimeError(f"expected {count} new declarations after id {last - count}, found {len(written)}")
    return written


_PG_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS import_stage ON COMMIT DELETE ROWS AS"
    f" SELECT 0::bigint AS line, {_INSERT_COLUMNS} FROM declarations WITH NO DATA"
)
_PG_COPY = f"COPY import_stage (line, {_INSERT_COLUMNS}) FROM STDIN"
_PG_INSERT_STAGED = (
    f"INSERT INTO declarations ({_INSERT_COLUMNS}) SELECT {_INSERT_COLUMNS} FROM import_stage"
    " ORDER BY line ON CONFLICT (declaration_id) DO NOTHING RETURNING id, declaration_id"
)


def pg_insert_staged(cursor, rows: Iterable[Sequence]) -> list[tuple[int, str]]:
    """Insert ``rows`` (a line number, then the insert's columns) on PostgreSQL/psycopg: copied (COPY,
    the bulk path) into the session's temporary table ``import_stage``, which commit empties, then
    inserted from it in line order in one statement. Returns (id, declaration_id) of the rows
    inserted; the staged rows stay readable in ``import_stage`` until the commit."""
    cursor.execute(_PG_STAGE)
    with cursor.copy(_PG_COPY) as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(_PG_INSERT_STAGED)
    return cursor.fetchall()


def _insert_pg_copy(conn: Connection, params: Sequence[Sequence]) -> tuple[list[int], list[str]]:
    """The insert of :func:`write_rows` on PostgreSQL/psycopg (:func:`pg_insert_staged`).
    Per-row statements, even pipelined, cost several times more: psycopg's work for each statement
    and the server's for each execution."""
    cursor = driver_connection(conn).cursor()
    try:
        written = pg_insert_staged(cursor, ((line, *row) for line, row in enumerate(params)))
    finally:
        cursor.close()
    return [pk for pk, _ in written], [decl_id for _, decl_id in written]


def _dialect_insert(conn: Connection):
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def new_batch(
    conn: Connection,
    kind: str,
    *,
    file_name: str | None = None,
    checksum: str | None = None,
    created_by: str = "system",
) -> int:
    """Open an import batch record and return its id."""
    result = conn.execute(
        schema.import_batches.insert()
        .values(
            kind=kind,
            file_name=file_name,
            checksum=checksum,
            created_by=created_by,
            started_at=now_utc(),
        )
        .returning(schema.import_batches.c.id)
    )
    return result.scalar_one()
