"""Aggregates kept up with every write: hourly crossings, origins, distinct vehicles, field fill.

Every rollup is one GROUP BY over the declarations, defined once here. Writers add the increments of
the rows they just inserted, in the same transaction; a change that rewrites stored rows (a new
hot-zone list) rebuilds the days it touched. Both paths use the same SELECT, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Table, and_, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from . import schema
from .schema import declarations


@dataclass(frozen=True)
class Rollup:
    """One aggregate table: its key columns and its measures (predicates over a declaration)."""

    table: Table
    keys: tuple[str, ...]
    measures: dict[str, ColumnElement[bool]]
    where: ColumnElement[bool] | None = None

    def select_from_declarations(self, condition: ColumnElement[bool]):
        """SELECT of this rollup's rows over the declarations matching ``condition``."""
        cols = [declarations.c[k] for k in self.keys]
        sums = [func.sum(case((pred, 1), else_=0)).label(f"n_{name}") for name, pred in self.measures.items()]
        stmt = select(*cols, *sums).where(condition)
        if self.where is not None:
            stmt = stmt.where(self.where)
        return stmt.group_by(*cols)


ROLLUPS: tuple[Rollup, ...] = (
    Rollup(schema.crossing_hourly, schema.ROLLUP_KEYS, schema.MEASURES),
    Rollup(schema.origin_hourly, schema.ORIGIN_KEYS, schema.ORIGIN_MEASURES),
    Rollup(schema.plate_daily, schema.PLATE_KEYS, {"crossings": schema.MEASURES["crossings"]},
           where=declarations.c.plate_hash.is_not(None)),
    Rollup(schema.quality_daily, schema.QUALITY_KEYS, schema.QUALITY_MEASURES),
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


def _add_where(conn: Connection, condition: ColumnElement[bool]) -> None:
    """Add the declarations matching ``condition`` to every rollup: one ``INSERT … SELECT … GROUP BY
    … ON CONFLICT DO UPDATE`` each, run inside the database (issue 4: fetching the groups into
    Python and sending them back cost as much as the GROUP BY itself)."""
    dialect = conn.dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - only the two supported backends
        raise NotImplementedError(f"upsert on {dialect}")
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for rollup in ROLLUPS:
        # the WHERE of the SELECT also keeps SQLite from reading ON CONFLICT as a join's ON
        query = rollup.select_from_declarations(condition)
        names = [c.name for c in query.selected_columns]
        stmt = dialect_insert(rollup.table).from_select(names, query)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(rollup.keys),
            set_={c: rollup.table.c[c] + stmt.excluded[c] for c in names if c not in rollup.keys},
        )
        conn.execute(stmt)


def rebuild_days(conn: Connection, days: Iterable[dt.date]) -> None:
    """Recompute every rollup for these local days from the declarations."""
    days = sorted(set(days))
    for start in range(0, len(days), 200):
        chunk = days[start : start + 200]
        for rollup in ROLLUPS:
            conn.execute(delete(rollup.table).where(rollup.table.c.local_day.in_(chunk)))
            query = rollup.select_from_declarations(declarations.c.local_day.in_(chunk))
            conn.execute(rollup.table.insert().from_select([c.name for c in query.selected_columns], query))


def rebuild_all(conn: Connection) -> None:
    """Recompute every rollup from scratch (repair tool; the writers keep them current)."""
    days = [r[0] for r in conn.execute(select(declarations.c.local_day).distinct())]
    for rollup in ROLLUPS:
        conn.execute(delete(rollup.table))
    rebuild_days(conn, days)
