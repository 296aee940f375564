"""The exact-window method every figure rests on (private to :mod:`data_access.queries`).

Whole hours and whole days are read from the rollups (``crossing_hourly``, ``origin_hourly``,
``quality_daily``); the partial hours at a window's edges, and the rows stamped after the page run's
``now``, from the declarations themselves (an indexed range of ``declared_at``). So a figure is exact
to the second and costs the same on a month or on years of data. ``checkpoint_ids`` / ``directions``
of None mean all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import (
    Connection,
    Table,
    and_,
    case,
    func,
    or_,
    select,
)

from ..store.schema import (
    MEASURES,
    ORIGIN_MEASURES,
    QUALITY_MEASURES,
    crossing_hourly,
    declarations,
    origin_hourly,
    quality_daily,
)
from ..timeutil import floor_hour, local_day_hour, local_midnight_utc, local_today

Ids = Sequence[int] | None


Dirs = Sequence[str] | None


#: Each hourly rollup's measures (predicates over one declaration), to count the partial edge hours.
ROLLUP_MEASURES = {
    crossing_hourly.name: MEASURES,
    origin_hourly.name: ORIGIN_MEASURES,
    quality_daily.name: QUALITY_MEASURES,
}


#: Counts per group key: the running sums of a figure's measures.
Totals = dict[tuple, list[int]]


def scope_filters(table, checkpoint_ids: Sequence[int] | None, directions: Sequence[str] | None) -> list:
    conds = []
    if checkpoint_ids is not None:
        conds.append(table.c.checkpoint_id.in_(list(checkpoint_ids)))
    if directions is not None:
        conds.append(table.c.direction.in_(list(directions)))
    return conds


def hour_range(start_hour: dt.datetime, end_hour: dt.datetime, table=crossing_hourly):
    """Rollup rows whose local hour lies in [start_hour, end_hour) (naive UTC hour starts)."""
    d0, h0 = local_day_hour(start_hour)
    d1, h1 = local_day_hour(end_hour)
    c = table.c
    return and_(
        c.local_day.between(d0, d1),
        or_(c.local_day > d0, c.local_hour >= h0),
        or_(c.local_day < d1, c.local_hour < h1),
    )


def window_counts(
    conn: Connection,
    start: dt.datetime,
    end: dt.datetime,
    *,
    measures: Sequence[str] = ("crossings",),
    by: Sequence[str] = ("checkpoint_id",),
    checkpoint_ids: Sequence[int] | None = None,
    directions: Sequence[str] | None = None,
    rollup: Table = crossing_hourly,
) -> pd.DataFrame:
    """Exact counts of declarations with ``start <= declared_at < end`` (naive UTC), grouped ``by``.

    Whole hours are read from the hourly ``rollup`` (``crossing_hourly``, or ``origin_hourly`` with
    its own measures and the extra key origin_province_code); the partial hours at either edge from
    the declarations. ``by`` may name checkpoint_id, direction, local_day, local_hour (and
    origin_province_code on ``origin_hourly``).
    """
    by = list(by)
    # The parts are summed in plain Python: a handful of groups each, where a pandas frame per part
    # cost ten times the SQL (pandas 3).
    totals: Totals = {}
    first_whole = floor_hour(start) if start == floor_hour(start) else floor_hour(start) + dt.timedelta(hours=1)
    last_whole = floor_hour(end)
    if first_whole < last_whole:
        rows = _rollup_stmt(
            hour_range(first_whole, last_whole, rollup), measures, by, checkpoint_ids, directions, rollup
        )
        _add(totals, conn.execute(rows), len(by))
        raw_ranges = [(start, first_whole), (last_whole, end)]
    else:
        raw_ranges = [(start, end)]
    for lo, hi in raw_ranges:
        if lo < hi:
            _add(totals, conn.execute(_raw_stmt(lo, hi, measures, by, checkpoint_ids, directions, rollup)), len(by))
    return totals_frame(totals, by, measures)


def _add(totals: Totals, rows, width: int) -> None:
    """Add result rows (``width`` key columns, then the measures) to ``totals``."""
    for row in rows:
        key, values = tuple(row[:width]), row[width:]
        acc = totals.get(key)
        if acc is None:
            totals[key] = acc = [0] * len(values)
        for i, v in enumerate(values):
            acc[i] += int(v or 0)


def _rollup_stmt(
    condition,
    measures: Sequence[str],
    by: Sequence[str],
    checkpoint_ids: Sequence[int] | None,
    directions: Sequence[str] | None,
    rollup: Table,
):
    """The rollup's ``measures`` summed over its rows that meet ``condition``, grouped ``by``."""
    c = rollup.c
    return (
        select(*(c[k] for k in by), *(func.sum(c[f"n_{m}"]).label(m) for m in measures))
        .where(condition, *scope_filters(rollup, checkpoint_ids, directions))
        .group_by(*(c[k] for k in by))
    )


def _raw_stmt(
    lo: dt.datetime,
    hi: dt.datetime,
    measures: Sequence[str],
    by: Sequence[str],
    checkpoint_ids: Sequence[int] | None,
    directions: Sequence[str] | None,
    rollup: Table,
):
    """The rollup's ``measures`` counted from the declarations with ``lo <= declared_at < hi``, grouped ``by``."""
    predicates = ROLLUP_MEASURES[rollup.name]
    d = declarations.c
    return (
        select(*(d[k] for k in by), *(func.sum(case((predicates[m], 1), else_=0)).label(m) for m in measures))
        .where(d.declared_at >= lo, d.declared_at < hi, *scope_filters(declarations, checkpoint_ids, directions))
        .group_by(*(d[k] for k in by))
    )


def stamped_after(
    conn: Connection,
    now: dt.datetime,
    last_day: dt.date,
    *,
    measures: Sequence[str],
    by: Sequence[str],
    checkpoint_ids: Sequence[int] | None = None,
    directions: Sequence[str] | None = None,
    rollup: Table = crossing_hourly,
) -> Totals:
    """The rollup's ``measures`` over the declarations stamped from ``now`` to the end of local day
    ``last_day`` (none when that day has ended): what a day sum must leave out at ``now``."""
    end = local_midnight_utc(last_day + dt.timedelta(days=1))
    totals: Totals = {}
    if now < end:
        _add(totals, conn.execute(_raw_stmt(now, end, measures, by, checkpoint_ids, directions, rollup)), len(by))
    return totals


def totals_frame(totals: Totals, by: Sequence[str], measures: Sequence[str]) -> pd.DataFrame:
    """``totals`` as a frame in key order (as a GROUP BY … ORDER BY gives), measures as int64."""
    rows = [(*key, *values) for key, values in sorted(totals.items())]
    return pd.DataFrame(rows, columns=[*by, *measures]).astype({m: "int64" for m in measures})


def days_before_now(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    *,
    measures: Sequence[str],
    by: Sequence[str],
    checkpoint_ids: Sequence[int] | None = None,
    directions: Sequence[str] | None = None,
    rollup: Table = crossing_hourly,
) -> Totals:
    """Exact counts of the declarations of local days [first_day, last_day] stamped before ``now``.

    The rollup holds every stored row, including rows stamped a few minutes ahead (a phone whose clock
    runs fast; the import accepts up to 10 minutes). So the days are summed from the rollup and the
    rows stamped from ``now`` to the end of today are taken away again: an indexed range of the
    declarations that is empty or nearly so on a live store. Groups that only such rows made are
    dropped, as a GROUP BY over the rows before ``now`` would not have them.
    """
    last_day = min(last_day, local_today(now))
    if last_day < first_day:
        return {}
    # Rows are counted too (every rollup has "crossings"): a group is dropped when no row of it is left.
    counted = list(measures) if "crossings" in measures else [*measures, "crossings"]
    rows_at = counted.index("crossings")
    totals: Totals = {}
    days = rollup.c.local_day.between(first_day, last_day)
    _add(totals, conn.execute(_rollup_stmt(days, counted, by, checkpoint_ids, directions, rollup)), len(by))
    for key, values in stamped_after(
        conn,
        now,
        last_day,
        measures=counted,
        by=by,
        checkpoint_ids=checkpoint_ids,
        directions=directions,
        rollup=rollup,
    ).items():
        acc = totals.setdefault(key, [0] * len(values))
        for i, v in enumerate(values):
            acc[i] -= v
        if acc[rows_at] == 0:
            del totals[key]
    return {key: values[: len(measures)] for key, values in totals.items()}


def day_sums(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    *,
    measures: Sequence[str],
    by: Sequence[str],
    checkpoint_ids: Ids,
    directions: Dirs,
    table=crossing_hourly,
) -> pd.DataFrame:
    """Sums of rollup ``measures`` over the local days [first_day, last_day] up to ``now``, grouped
    ``by``, in key order."""
    totals = days_before_now(
        conn,
        first_day,
        last_day,
        now,
        measures=measures,
        by=by,
        checkpoint_ids=checkpoint_ids,
        directions=directions,
        rollup=table,
    )
    frame = totals_frame(totals, by, measures)
    if "local_day" in frame:
        frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame
