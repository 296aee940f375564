"""An import's chunks on their way into the store (1M rows at 50k rows/s on two cores: docs/PERFORMANCE.md).

A worker process turns a chunk's good rows into a *staged chunk* (:func:`stage`). On SQLite that is
an in-memory database whose view ``declarations`` gives the rows (source line, then the insert's
columns), shipped as its serialised image: bytes cross between processes at memory speed, where
rows as Python tuples cost the writer more to unpickle and bind than SQLite spends storing them.
Elsewhere it is the rows themselves, which PostgreSQL receives with COPY into a temporary table.

The importer writes a staged chunk with :func:`write_staged`, inside its transaction: one
``INSERT … SELECT … ORDER BY line ON CONFLICT (declaration_id) DO NOTHING`` from the stage, so the
first row of an id wins, as row by row. When every row was new (the usual case) the rollups read the
staged rows, with their own SELECTs (:func:`rollup.add_staged`); when some were duplicates, they
read the rows actually inserted from the store, as the live feed does, and the duplicates are
reported by line.

On SQLite the stage is an attached in-memory database, ``import_stage``, which an import opens once
on its connection (:func:`open_stage`, outside any transaction) and closes at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Integer, MetaData, Table

from . import rollup, schema
from .engine import driver_connection
from .writing import (
    BOOLEAN_POSITIONS,
    INSERT_COLUMN_NAMES,
    ROW_COLUMNS,
    Memo,
    insert_kind,
    param_columns,
    pg_insert_staged,
    sqlite_new_rows,
    write_rows,
)

STAGE_SCHEMA = "import_stage"
#: The writer's SQLite page cache during an import (KiB, as PRAGMA cache_size takes it negative):
#: the unique index on declaration_id takes random inserts, and misses cost most of the insert.
IMPORT_CACHE_KIB = 64 * 1024

_COLUMNS = ", ".join(INSERT_COLUMN_NAMES)
_DECL_ID = 1 + ROW_COLUMNS.index("declaration_id")  # in a staged row, after the line


def _stage_table(name: str, schema_name: str | None = None) -> Table:
    """The staged rows as a table: ``line`` and the insert's columns, with the declarations' types."""
    return Table(
        name,
        MetaData(),
        Column("line", Integer, primary_key=True),
        *(Column(name, schema.declarations.c[name].type) for name in INSERT_COLUMN_NAMES),
        schema=schema_name,
    )


SQLITE_STAGE = _stage_table("declarations", STAGE_SCHEMA)
PG_STAGE = _stage_table("import_stage")  # the session's temporary table (store.pg_insert_staged)

# The SQLite stage binds as few values per row as it can, binding being most of a worker's cost for
# the stage: the yes/no columns travel as the bits of one integer, and the two columns with one value
# per chunk (received_at, batch_id) as constants of the view ``declarations``, which gives the rows
# back with every column. Untyped columns: the stage keeps each value as bound, and the insert into
# the store applies the store's column affinities, exactly as binding the row there would.
_CONSTANT = ("received_at", "batch_id")
_BOUND_POSITIONS = tuple(
    i for i, name in enumerate(ROW_COLUMNS) if i not in BOOLEAN_POSITIONS and name not in _CONSTANT
)
_SQLITE_STAGE_DDL = (
    f"CREATE TABLE staged (line INTEGER PRIMARY KEY,"
    f" {', '.join(ROW_COLUMNS[i] for i in _BOUND_POSITIONS)}, flags INTEGER)"
)
_SQLITE_STAGE_ROWS = f"INSERT INTO staged VALUES ({', '.join('?' * (len(_BOUND_POSITIONS) + 2))})"
#: yes/no values of a row (in BOOLEAN_POSITIONS order) -> their bits (at most 2^11 keys)
_FLAG_BITS = Memo(lambda flags: sum(1 << k for k, flag in enumerate(flags) if flag))


def _sqlite_stage_view(received_at: str, batch_id: int | None) -> str:
    """The view ``declarations`` of the staged rows: every insert column, unpacked."""
    bits = {ROW_COLUMNS[i]: k for k, i in enumerate(BOOLEAN_POSITIONS)}
    constants = {
        "received_at": "'" + received_at.replace("'", "''") + "'",
        "batch_id": "NULL" if batch_id is None else str(int(batch_id)),
    }
    exprs = [
        f"(flags >> {bits[name]}) & 1 AS {name}"
        if name in bits
        else f"{constants[name]} AS {name}"
        if name in constants
        else name
        for name in INSERT_COLUMN_NAMES
    ]
    return f"CREATE VIEW declarations AS SELECT line, {', '.join(exprs)} FROM staged"


# WHERE: without it SQLite would read ON CONFLICT as the ON of a join.
_SQLITE_INSERT = (
    f"INSERT INTO main.declarations ({_COLUMNS}) SELECT {_COLUMNS} FROM {STAGE_SCHEMA}.declarations"
    " WHERE true ORDER BY line ON CONFLICT (declaration_id) DO NOTHING"
)
_SQLITE_LINES = f"SELECT line, declaration_id FROM {STAGE_SCHEMA}.declarations ORDER BY line"
_PG_LINES = "SELECT line, declaration_id FROM import_stage ORDER BY line"


@dataclass(frozen=True)
class StagedWrite:
    """What :func:`write_staged` did: rows inserted, and (line, declaration id) of the duplicates."""

    inserted: int
    duplicates: list[tuple[int, str]]


#: A chunk's good rows staged for the store (:func:`stage`): on SQLite, the serialised image of an
#: in-memory database; elsewhere, (line, *row) tuples.
Staged = bytes | list[tuple]


def stage(kind: str, lines: Sequence[int], columns: Sequence[Sequence], batch_id: int | None) -> Staged:
    """A chunk's good rows staged for the store of ``kind`` (:func:`store.insert_kind`): ``columns``
    in :data:`store.ROW_COLUMNS` order, one value per line. Runs in the import's worker processes."""
    if kind != "sqlite":
        return list(zip(lines, *param_columns(kind, columns, batch_id), strict=False))
    params = param_columns(kind, columns, batch_id, booleans=False)
    received = set(params[ROW_COLUMNS.index("received_at")])
    if len(received) > 1:
        raise ValueError("a staged chunk has one received_at")
    flags = map(_FLAG_BITS.__getitem__, zip(*(params[i] for i in BOOLEAN_POSITIONS), strict=False))
    rows = list(zip(lines, *(params[i] for i in _BOUND_POSITIONS), flags, strict=False))
    db = sqlite3.connect(":memory:")
    try:
        db.execute(_SQLITE_STAGE_DDL)
        db.execute(_sqlite_stage_view(received.pop() if received else "", batch_id))
        db.executemany(_SQLITE_STAGE_ROWS, rows)
        db.commit()
        return db.serialize()
    finally:
        db.close()


@contextmanager
def open_stage(conn: Connection) -> Iterator[None]:
    """Make ``conn`` ready to take staged chunks, for the duration of the block (an import).

    SQLite: attaches the in-memory ``import_stage`` database and enlarges the page cache, then
    restores both. Must run outside a transaction (SQLite cannot attach or detach inside one).
    (Checkpoints stay as SQLite does them, at commits: spacing them out made the commits cheaper
    but left one long checkpoint at the end, which nothing overlaps.)
    """
    if insert_kind(conn) != "sqlite":
        yield
        return
    dbapi = driver_connection(conn)
    if conn.in_transaction() or dbapi.in_transaction:
        raise RuntimeError("open_stage needs a connection outside any transaction")
    cache_size = dbapi.execute("PRAGMA cache_size").fetchone()[0]
    attached = {row[1] for row in dbapi.execute("PRAGMA database_list")}
    if STAGE_SCHEMA not in attached:
        dbapi.execute(f"ATTACH DATABASE ':memory:' AS {STAGE_SCHEMA}")
    dbapi.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        dbapi.execute(f"PRAGMA cache_size={cache_size}")  # also frees the extra pages
        dbapi.execute(f"DETACH DATABASE {STAGE_SCHEMA}")


def write_staged(conn: Connection, staged: Staged, count: int, batch_id: int) -> StagedWrite:
    """Insert a staged chunk of ``count`` rows (:func:`stage`) and add it to the rollups, in the
    caller's transaction. Rows whose declaration id is stored already, or came on an earlier line,
    are not inserted: they are the duplicates returned."""
    if not count:
        return StagedWrite(0, [])
    kind = insert_kind(conn)
    if isinstance(staged, bytes):
        return _write_sqlite(conn, staged, count, batch_id)
    if kind == "psycopg":
        return _write_pg(conn, staged, count, batch_id)
    written = write_rows(conn, [row[1:-1] for row in staged], batch_id=batch_id)
    return StagedWrite(
        len(written.ids), _duplicates([(row[0], row[_DECL_ID]) for row in staged], written.declaration_ids)
    )


def _write_sqlite(conn: Connection, image: bytes, count: int, batch_id: int) -> StagedWrite:
    dbapi = driver_connection(conn)
    dbapi.deserialize(image, name=STAGE_SCHEMA)
    cursor = dbapi.cursor()
    try:
        before = dbapi.total_changes
        cursor.execute(_SQLITE_INSERT)
        inserted = dbapi.total_changes - before
        if inserted == count:
            rollup.add_staged(conn, SQLITE_STAGE)
            return StagedWrite(inserted, [])
        written = sqlite_new_rows(cursor, inserted)
        lines = cursor.execute(_SQLITE_LINES).fetchall()
    finally:
        cursor.close()
    return _with_duplicates(conn, batch_id, written, lines)


def _write_pg(conn: Connection, rows: Sequence[tuple], count: int, batch_id: int) -> StagedWrite:
    cursor = driver_connection(conn).cursor()
    try:
        written = pg_insert_staged(cursor, rows)
        if len(written) == count:
            rollup.add_staged(conn, PG_STAGE)
            return StagedWrite(count, [])
        cursor.execute(_PG_LINES)
        lines = cursor.fetchall()
    finally:
        cursor.close()
    return _with_duplicates(conn, batch_id, written, lines)


def _with_duplicates(
    conn: Connection, batch_id: int, written: Sequence[tuple[int, str]], lines: Sequence[tuple[int, str]]
) -> StagedWrite:
    """A staged chunk some of whose rows were not inserted: the rollups read the ``written`` rows
    (id, declaration id) from the store, and the others are reported by line."""
    if written:
        ids = [pk for pk, _ in written]
        rollup.add_batch_range(conn, batch_id, min(ids), max(ids))
    return StagedWrite(len(written), _duplicates(lines, [decl_id for _, decl_id in written]))


def _duplicates(lines: Sequence[tuple[int, str]], written: Sequence[str]) -> list[tuple[int, str]]:
    """The (line, declaration id) of the staged rows that were not inserted: all but the first line
    of each written id (rows go in by line)."""
    fresh = set(written)
    out = []
    for line, decl_id in lines:
        if decl_id in fresh:
            fresh.discard(decl_id)
        else:
            out.append((line, decl_id))
    return out
