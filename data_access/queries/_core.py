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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Integer,
    Table,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter

from ..store.schema import (
    MEASURES,
    ORIGIN_MEASURES,
    QUALITY_MEASURES,
    crossing_daily,
    crossing_hourly,
    crossing_minutely,
    declarations,
    origin_daily,
    origin_hourly,
    quality_daily,
)
from ..timeutil import local_day_hour, local_midnight_utc, local_today

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


#: The minute rollup beside each hourly rollup that has one: the partial hours at a window's edges are
#: summed by the minute there, leaving only seconds to count from the rows. origin_hourly has none: the
#: declared_at index holds the origin measures' columns, so its partial hours are read from the index.
MINUTE_ROLLUPS = {crossing_hourly.name: crossing_minutely}


#: The daily rollup beside an hourly one, for sums of whole days.
DAILY_ROLLUPS = {crossing_hourly.name: crossing_daily, origin_hourly.name: origin_daily}


#: Arms per compound SELECT (SQLite allows 500).
_ARMS_PER_QUERY = 100


def _ceil(ts: dt.datetime, unit: dt.timedelta) -> dt.datetime:
    floor = _floor(ts, unit)
    return floor if floor == ts else floor + unit


def _floor(ts: dt.datetime, unit: dt.timedelta) -> dt.datetime:
    return ts - (ts - dt.datetime.min) % unit


_HOUR, _MINUTE = dt.timedelta(hours=1), dt.timedelta(minutes=1)


@dataclass(frozen=True)
class WindowParts:
    """A window [start, end) cut into what each source answers exactly."""

    hours: tuple[dt.datetime, dt.datetime] | None  # whole hours [first, last), from the hourly rollup
    minutes: tuple[tuple[dt.date, int, int, int], ...]  # (local day, local hour, first, last + 1 minute)
    raw: tuple[tuple[dt.datetime, dt.datetime], ...]  # ranges of declared_at, from the rows


def window_parts(start: dt.datetime, end: dt.datetime, *, by_minute: bool = True) -> WindowParts:
    """Cut [start, end) (naive UTC) into whole hours, whole minutes of the partial hours (when
    ``by_minute``) and the seconds left at either edge."""
    first_hour, last_hour = _ceil(start, _HOUR), _floor(end, _HOUR)
    if not by_minute:
        if first_hour < last_hour:
            return WindowParts((first_hour, last_hour), (), _nonempty((start, first_hour), (last_hour, end)))
        return WindowParts(None, (), _nonempty((start, end)))
    first_minute, last_minute = _ceil(start, _MINUTE), _floor(end, _MINUTE)
    if first_minute >= last_minute:
        return WindowParts(None, (), _nonempty((start, end)))
    raw = _nonempty((start, first_minute), (last_minute, end))
    if first_hour < last_hour:
        minute_ranges = [(first_minute, first_hour), (last_hour, last_minute)]
        hours: tuple[dt.datetime, dt.datetime] | None = (first_hour, last_hour)
    else:
        minute_ranges, hours = [(first_minute, last_minute)], None
    segments = []
    for lo, hi in minute_ranges:
        while lo < hi:  # one segment per hour the range touches (at most two)
            cut = min(hi, _floor(lo, _HOUR) + _HOUR)
            day, hour = local_day_hour(lo)
            segments.append((day, hour, lo.minute, lo.minute + (cut - lo) // _MINUTE))
            lo = cut
    return WindowParts(hours, tuple(segments), raw)


def _nonempty(*ranges: tuple[dt.datetime, dt.datetime]) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    return tuple((lo, hi) for lo, hi in ranges if lo < hi)


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
    its own measures and the extra key origin_province_code), whole minutes of the partial edge hours
    from its minute rollup, and the seconds left from the declarations. ``by`` may name checkpoint_id,
    direction, local_day, local_hour (and origin_province_code on ``origin_hourly``).
    """
    (totals,) = windows_totals(
        conn,
        [(start, end)],
        measures=measures,
        by=by,
        checkpoint_ids=checkpoint_ids,
        directions=directions,
        rollup=rollup,
    )
    return totals_frame(totals, by, measures)


def windows_totals(
    conn: Connection,
    windows: Sequence[tuple[dt.datetime, dt.datetime]],
    *,
    measures: Sequence[str] = ("crossings",),
    by: Sequence[str] = ("checkpoint_id",),
    checkpoint_ids: Sequence[int] | None = None,
    directions: Sequence[str] | None = None,
    rollup: Table = crossing_hourly,
) -> list[Totals]:
    """:func:`window_counts` of several windows at once, as totals per window: at most three
    statements (hours, minutes, seconds) whatever the number of windows."""
    by = tuple(by)
    minutes = MINUTE_ROLLUPS.get(rollup.name)
    arms: dict[str, list[tuple[int, tuple]]] = {kind: [] for kind in _ARM_PARAMS}
    for w, (start, end) in enumerate(windows):
        parts = window_parts(start, end, by_minute=minutes is not None)
        if parts.hours is not None:
            arms["hours"].append((w, (*local_day_hour(parts.hours[0]), *local_day_hour(parts.hours[1]))))
        arms["minutes"].extend((w, segment) for segment in parts.minutes)
        arms["raw"].extend((w, edge) for edge in parts.raw)
    # The parts are summed in plain Python: a handful of groups each, where a pandas frame per part
    # cost ten times the SQL (pandas 3).
    totals: list[Totals] = [{} for _ in windows]
    shape = (tuple(measures), by, checkpoint_ids is not None, directions is not None, rollup.name)
    for kind, entries in arms.items():
        for first_arm in range(0, len(entries), _ARMS_PER_QUERY):
            chunk = entries[first_arm : first_arm + _ARMS_PER_QUERY]
            params: dict[str, object] = {}
            for i, (w, values) in enumerate(chunk):
                params[f"w_{i}"] = w
                params.update((f"{name}_{i}", value) for name, value in zip(_ARM_PARAMS[kind], values, strict=True))
            if checkpoint_ids is not None:
                params["checkpoint_ids"] = list(checkpoint_ids)
            if directions is not None:
                params["directions"] = list(directions)
            for row in conn.execute(_arms_statement(kind, len(chunk), *shape), params):
                _add(totals[row[0]], (row[1:],), len(by))
    return totals


#: Each kind of arm's parameters (suffixed with the arm's number in the statement).
_ARM_PARAMS = {
    "hours": ("first_day", "first_hour", "last_day", "last_hour"),  # whole hours [first, last)
    "minutes": ("day", "hour", "first_minute", "stop_minute"),  # minutes [first, stop) of one hour
    "raw": ("lo", "hi"),  # declared_at in [lo, hi)
}
_HOURLY_ROLLUPS = {table.name: table for table in (crossing_hourly, origin_hourly, quality_daily)}


@lru_cache(maxsize=512)
def _arms_statement(
    kind: str,
    arms: int,
    measures: tuple[str, ...],
    by: tuple[str, ...],
    by_checkpoint: bool,
    by_direction: bool,
    rollup_name: str,
):
    """The UNION ALL of ``arms`` arms of one ``kind`` (see :data:`_ARM_PARAMS`), with bound parameters
    only: built once per shape, so SQLAlchemy neither rebuilds nor re-keys it on every refresh (that
    Python work cost more than the SQL at busy windows). Each row: the arm's window, ``by``, ``measures``."""
    rollup = _HOURLY_ROLLUPS[rollup_name]
    table = {"hours": rollup, "minutes": MINUTE_ROLLUPS.get(rollup_name), "raw": declarations}[kind]
    assert table is not None, f"{rollup_name} has no minute rollup"
    c = table.c
    scope = []
    if by_checkpoint:
        scope.append(c.checkpoint_id.in_(bindparam("checkpoint_ids", expanding=True)))
    if by_direction:
        scope.append(c.direction.in_(bindparam("directions", expanding=True)))
    if kind == "raw":
        predicates = ROLLUP_MEASURES[rollup_name]
        sums = [func.sum(case((predicates[m], 1), else_=0)).label(m) for m in measures]
    else:
        sums = [func.sum(c[f"n_{m}"]).label(m) for m in measures]
    selects = []
    for i in range(arms):
        p: dict[str, BindParameter[Any]] = {name: bindparam(f"{name}_{i}") for name in _ARM_PARAMS[kind]}
        if kind == "hours":
            condition = and_(
                c.local_day.between(p["first_day"], p["last_day"]),
                or_(c.local_day > p["first_day"], c.local_hour >= p["first_hour"]),
                or_(c.local_day < p["last_day"], c.local_hour < p["last_hour"]),
            )
        elif kind == "minutes":
            condition = and_(
                c.local_day == p["day"],
                c.local_hour == p["hour"],
                c.local_minute >= p["first_minute"],
                c.local_minute < p["stop_minute"],
            )
        else:
            condition = and_(c.declared_at >= p["lo"], c.declared_at < p["hi"])
        selects.append(
            select(bindparam(f"w_{i}", type_=Integer).label("w"), *(c[k] for k in by), *sums)
            .where(condition, *scope)
            .group_by(*(c[k] for k in by))
        )
    return selects[0] if arms == 1 else union_all(*selects)


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
    # Whole days from the daily rollup beside the hourly one, when there is one and it has the keys.
    daily = DAILY_ROLLUPS.get(rollup.name)
    source = daily if daily is not None and all(k in daily.c for k in by) else rollup
    days = source.c.local_day.between(first_day, last_day)
    _add(totals, conn.execute(_rollup_stmt(days, counted, by, checkpoint_ids, directions, source)), len(by))
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
