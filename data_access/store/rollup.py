"""Aggregates kept up with every write: hourly crossings, hourly origins, daily field fill.

Every rollup is one GROUP BY over the declarations, defined once here. Writers add the increments of
the rows they just inserted, in the same transaction; a change that rewrites stored rows (a new
hot-zone list) rebuilds the days it touched. Both paths use the same SELECT, so they cannot disagree.
Distinct vehicles, which do not add up over groups, are kept per plate and day (:func:`add_vehicles`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Date,
    MetaData,
    SmallInteger,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    distinct,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql import visitors
from sqlalchemy.sql.functions import FunctionElement

from ..timeutil import local_midnight_utc
from . import schema
from .schema import declarations


class minute_of(FunctionElement):
    """The minute (0-59) of a timestamp column, as an integer, on both backends."""

    type = SmallInteger()
    name = "minute_of"
    inherit_cache = True


@compiles(minute_of, "sqlite")
def _minute_of_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%M', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(minute_of, "postgresql")
def _minute_of_pg(element, compiler, **kw):
    return f"CAST(EXTRACT(MINUTE FROM {compiler.process(element.clauses, **kw)}) AS SMALLINT)"


#: Rollup keys that are not a column of the declarations, by name: how each is computed from one.
DERIVED_KEYS: dict[str, ColumnElement] = {"local_minute": minute_of(declarations.c.declared_at)}


@dataclass(frozen=True)
class Rollup:
    """One aggregate table: its key columns and its measures (predicates over a declaration)."""

    table: Table
    keys: tuple[str, ...]
    measures: dict[str, ColumnElement[bool]]
    where: ColumnElement[bool] | None = None

    def select_from_declarations(self, condition: ColumnElement[bool], source: Table = declarations):
        """SELECT of this rollup's rows over the declarations matching ``condition``. ``source`` is
        another table with the declarations' columns to read instead (the import's staged rows)."""
        cols = [DERIVED_KEYS[k].label(k) if k in DERIVED_KEYS else declarations.c[k] for k in self.keys]
        # count(*) FILTER (WHERE …): a fifth cheaper than sum(CASE …) in SQLite, same in PostgreSQL
        sums = [func.count().filter(pred).label(f"n_{name}") for name, pred in self.measures.items()]
        stmt = select(*cols, *sums).where(condition)
        if self.where is not None:
            stmt = stmt.where(self.where)
        stmt = stmt.group_by(*cols)
        return stmt if source is declarations else _read_from(source, stmt)


def _read_from(source: Table, stmt):
    """``stmt`` with every column of the declarations replaced by ``source``'s column of that name."""

    def replace(element):
        if isinstance(element, Column) and element.table is declarations:
            return source.c[element.name]
        return None

    return visitors.replacement_traverse(stmt, {}, replace)  # type: ignore[call-overload]  # stubs miss Select


CROSSINGS_BY_HOUR = Rollup(schema.crossing_hourly, schema.ROLLUP_KEYS, schema.MEASURES)
CROSSINGS_BY_MINUTE = Rollup(schema.crossing_minutely, schema.MINUTE_KEYS, schema.MEASURES)
CROSSINGS_BY_DAY = Rollup(schema.crossing_daily, schema.DAILY_KEYS, schema.MEASURES)
ORIGINS_BY_HOUR = Rollup(schema.origin_hourly, schema.ORIGIN_KEYS, schema.ORIGIN_MEASURES)
ORIGINS_BY_DAY = Rollup(schema.origin_daily, schema.ORIGIN_DAILY_KEYS, schema.ORIGIN_MEASURES)
FILL_BY_DAY = Rollup(schema.quality_daily, schema.QUALITY_KEYS, schema.QUALITY_MEASURES)

ROLLUPS: tuple[Rollup, ...] = (
    CROSSINGS_BY_HOUR,
    ORIGINS_BY_HOUR,
    CROSSINGS_BY_MINUTE,
    ORIGINS_BY_DAY,
    FILL_BY_DAY,
    CROSSINGS_BY_DAY,
)

_ID_CHUNK = 5000


def add_declarations(conn: Connection, ids: Sequence[int]) -> None:
    """Add the declarations with these primary keys to every rollup (call in the inserting transaction)."""
    for start in range(0, len(ids), _ID_CHUNK):
        _add_where(conn, declarations.c.id.in_(list(ids[start : start + _ID_CHUNK])))


def add_batch_range(conn: Connection, batch_id: int, first_id: int, last_id: int) -> None:
    """Like :func:`add_declarations` for the rows just inserted for ``batch_id``, with ids in
    [first_id, last_id]: a range scan on the primary key instead of a long ``IN`` list, which
    halves the cost of the rollups on a large import. Correct because ids only grow and one batch
    has one writer, so every row of the batch in that id range is one of the new rows."""
    _add_where(conn, and_(declarations.c.batch_id == batch_id, declarations.c.id.between(first_id, last_id)))


def add_staged(conn: Connection, source: Table) -> None:
    """Add every row of ``source`` (a table with the declarations' columns: the rows an import has
    just inserted, staged) to every rollup. Reading the staged chunk instead of the store's rows
    spares the GROUP BYs the store's indexes and pages (docs/PERFORMANCE.md, Import)."""
    for stmt in _staged_steps(conn.dialect.name, source):
        conn.execute(stmt)


@lru_cache(maxsize=8)
def _staged_steps(dialect: str, source: Table) -> tuple:
    """The statements of :func:`add_staged`, built once: every chunk of an import runs the same ones."""
    return _write_steps(dialect, true(), source)


def _add_where(conn: Connection, condition: ColumnElement[bool]) -> None:
    """Add the declarations matching ``condition`` to every rollup, inside the database (fetching the
    groups into Python and sending them back cost as much as the GROUP BY itself)."""
    for stmt in _write_steps(conn.dialect.name, condition, declarations):
        conn.execute(stmt)


_CHUNK_METADATA = MetaData()


def _chunk_table(name: str, *columns: Column) -> Table:
    """A session's temporary table for the groups of the rows being written."""
    return Table(f"chunk_{name}", _CHUNK_METADATA, *columns, prefixes=["TEMPORARY"])


def _chunk_like(table: Table) -> Table:
    return _chunk_table(table.name, *(Column(c.name, c.type) for c in table.c))


#: Rollups summed from the groups of a finer one (the rows are grouped once, by the finer keys; the
#: coarser groups are sums of those few groups): (finer, coarser, the finer groups' table).
DERIVED = (
    (CROSSINGS_BY_MINUTE, (CROSSINGS_BY_HOUR, CROSSINGS_BY_DAY), _chunk_like(schema.crossing_minutely)),
    (ORIGINS_BY_HOUR, (ORIGINS_BY_DAY,), _chunk_like(schema.origin_hourly)),
)
_DIRECT = (FILL_BY_DAY,)
_CHUNK_PLATES = _chunk_table(
    "plates", Column("local_day", Date), Column("plate_hash", String(16)), Column("bits", BigInteger)
)


def _write_steps(dialect: str, condition: ColumnElement[bool], source: Table) -> tuple:
    """Every statement that adds ``source``'s rows matching ``condition`` to the rollups and the
    vehicle sets, in order. The minute and origin groups of the rows are computed once into
    temporary tables; the hourly crossings and daily origins are sums of those groups."""
    steps: list = []
    for finer, coarsers, groups in DERIVED:
        query = finer.select_from_declarations(condition, source)
        steps += [
            CreateTable(groups, if_not_exists=True),
            delete(groups),
            insert(groups).from_select([c.name for c in query.selected_columns], query),
            _upsert_from(dialect, finer.table, finer.keys, select(*groups.c).where(true())),
        ]
        for coarser in coarsers:
            sums = (
                select(
                    *(groups.c[k] for k in coarser.keys),
                    *(func.sum(groups.c[f"n_{m}"]).label(f"n_{m}") for m in coarser.measures),
                )
                .where(true())
                .group_by(*(groups.c[k] for k in coarser.keys))
            )
            steps.append(_upsert_from(dialect, coarser.table, coarser.keys, sums))
    steps += [_upsert(dialect, rollup, condition, source) for rollup in _DIRECT]
    steps += _vehicle_upserts(dialect, condition, source)
    return tuple(steps)


def _upsert_from(dialect: str, table: Table, keys: Sequence[str], query):
    """``INSERT INTO`` ``table`` the rows of ``query`` (keys, then counts named as the table's
    columns), adding the counts to the rows already there."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    names = [c.name for c in query.selected_columns]
    stmt = dialect_insert(table).from_select(names, query)
    return stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: table.c[c] + stmt.excluded[c] for c in names if c not in keys},
    )


def _upsert(dialect: str, rollup: Rollup, condition: ColumnElement[bool], source: Table):
    """``INSERT INTO`` the rollup's table the groups of ``source``'s rows matching ``condition``,
    adding to the groups already there."""
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - only the two supported backends
        raise NotImplementedError(f"upsert on {dialect}")
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # the WHERE of the SELECT also keeps SQLite from reading ON CONFLICT as a join's ON
    query = rollup.select_from_declarations(condition, source)
    names = [c.name for c in query.selected_columns]
    stmt = dialect_insert(rollup.table).from_select(names, query)
    return stmt.on_conflict_do_update(
        index_elements=list(rollup.keys),
        set_={c: rollup.table.c[c] + stmt.excluded[c] for c in names if c not in rollup.keys},
    )


def vehicle_bit(checkpoint_id, direction):
    """The bit of a (checkpoint, direction) pair in plate_days.crossed (SQL expression)."""
    shift = 2 * (checkpoint_id - 1) + case((direction == "out", 1), else_=0)
    return literal(1, BigInteger).op("<<")(shift.self_group())


def _vehicle_upserts(dialect: str, condition: ColumnElement[bool], source: Table) -> tuple:
    """Add the plated declarations of ``source`` matching ``condition`` to plate_days and
    vehicle_daily: statements to run in this order in the writing transaction (the day's plates of
    the rows and their pairs are grouped once, into a temporary table).

    The first moves each plate whose set of pairs grows from its old set's count to its new set's
    (plate_days as it was); the second records the new sets. A SUM of distinct powers of two is their OR.
    """
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    d = declarations.c
    seen_stmt = (
        select(
            d.local_day,
            d.plate_hash,
            cast(func.sum(distinct(vehicle_bit(d.checkpoint_id, d.direction))), BigInteger).label("bits"),
        )
        .where(d.plate_hash.is_not(None), condition)
        .group_by(d.local_day, d.plate_hash)
    )
    if source is not declarations:
        seen_stmt = _read_from(source, seen_stmt)
    seen = _CHUNK_PLATES
    fill = (
        CreateTable(seen, if_not_exists=True),
        delete(seen),
        insert(seen).from_select(["local_day", "plate_hash", "bits"], seen_stmt),
    )
    p = schema.plate_days.c
    was = func.coalesce(p.crossed, literal(0, BigInteger))
    grown = was.op("|")(seen.c.bits)
    changes = (
        select(seen.c.local_day, was.label("was"), grown.label("now"))
        .select_from(
            seen.outerjoin(schema.plate_days, and_(p.local_day == seen.c.local_day, p.plate_hash == seen.c.plate_hash))
        )
        .where(grown != was)
        .cte("changes")
    )
    moves = union_all(
        select(changes.c.local_day, changes.c.was.label("crossed"), literal(-1).label("delta")).where(
            changes.c.was != 0
        ),
        select(changes.c.local_day, changes.c.now.label("crossed"), literal(1).label("delta")),
    ).subquery("moves")
    counted = (
        select(moves.c.local_day, moves.c.crossed, func.sum(moves.c.delta).label("vehicles"))
        .where(true())
        .group_by(moves.c.local_day, moves.c.crossed)
    )
    v = schema.vehicle_daily
    to_counts = dialect_insert(v).from_select(["local_day", "crossed", "vehicles"], counted)
    to_counts = to_counts.on_conflict_do_update(
        index_elements=["local_day", "crossed"], set_={"vehicles": v.c.vehicles + to_counts.excluded.vehicles}
    )
    plates = select(seen.c.local_day, seen.c.plate_hash, seen.c.bits).where(true())
    to_plates = dialect_insert(schema.plate_days).from_select(["local_day", "plate_hash", "crossed"], plates)
    to_plates = to_plates.on_conflict_do_update(
        index_elements=["local_day", "plate_hash"],
        set_={"crossed": schema.plate_days.c.crossed.op("|")(to_plates.excluded.crossed)},
    )
    return (*fill, to_counts, to_plates)


def _day_runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as runs of consecutive days (first, last)."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


#: The rollups whose measures read a declaration's risk (risk_level, risk_reason, origin_in_hotzone):
#: the ones a re-classification changes. quality_daily counts filled fields, which a re-classification
#: never changes and the personal-data purge empties on purpose (data_access.purge): rebuilding it
#: would lose the purged days' fill counts.
RECLASSIFIED_ROLLUPS: tuple[Rollup, ...] = tuple(r for r in ROLLUPS if r is not FILL_BY_DAY)


def rebuild_days(conn: Connection, days: Iterable[dt.date], rollups: Sequence[Rollup] = RECLASSIFIED_ROLLUPS) -> None:
    """Recompute ``rollups`` (by default those a re-classification changes) for these local days
    from the declarations.

    The rows of a run of local days are read as one range of the declared_at index (a local day is
    a fixed 24-hour span of UTC), so no index on local_day is needed.
    """
    d = declarations.c
    for first, last in _day_runs(days):
        in_days = and_(
            d.declared_at >= local_midnight_utc(first), d.declared_at < local_midnight_utc(last + dt.timedelta(days=1))
        )
        for rollup in rollups:
            conn.execute(delete(rollup.table).where(rollup.table.c.local_day.between(first, last)))
            query = rollup.select_from_declarations(in_days)
            conn.execute(rollup.table.insert().from_select([c.name for c in query.selected_columns], query))


def rebuild_all(conn: Connection) -> None:
    """Recompute every rollup from scratch (repair tool; the writers keep them current). The fill
    counts of personal fields on days already purged come out as zero: their values are gone."""
    for rollup in ROLLUPS:
        conn.execute(delete(rollup.table))
        query = rollup.select_from_declarations(true())
        conn.execute(rollup.table.insert().from_select([c.name for c in query.selected_columns], query))
    rebuild_vehicles(conn)


def rebuild_vehicles(conn: Connection) -> None:
    """Recompute plate_days and vehicle_daily from the declarations' plate hashes."""
    conn.execute(delete(schema.vehicle_daily))
    conn.execute(delete(schema.plate_days))
    for stmt in _vehicle_upserts(conn.dialect.name, true(), declarations):
        conn.execute(stmt)
