"""Read side: every figure the dashboard shows, one function per figure, as DataFrames.

Figures come from the hourly rollups; only the partial hours at the edges of a window are counted
from the declarations themselves (an indexed range of at most two hours), so a figure costs the same
on a month or on years of data and is exact to the second. Every figure takes the page run's ``now``
and counts only declarations stamped before it (:func:`days_before_now`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, Table, and_, case, func, or_, select

from . import schema
from .schema import MEASURES, ORIGIN_MEASURES, QUALITY_MEASURES, crossing_hourly, declarations, origin_hourly, \
    quality_daily
from .timeutil import floor_hour, local_day_hour, local_midnight_utc, local_today

#: The Overview's figures, by rollup measure.
OVERVIEW_MEASURES = ("crossings", "risk_high", "electronic", "bluezone_installed")

#: Each hourly rollup's measures (predicates over one declaration), to count the partial edge hours.
_ROLLUP_MEASURES = {crossing_hourly.name: MEASURES, origin_hourly.name: ORIGIN_MEASURES,
                    quality_daily.name: QUALITY_MEASURES}

#: Counts per group key: the running sums of a figure's measures.
Totals = dict[tuple, list[int]]


def _filters(table, checkpoint_ids: Sequence[int] | None, directions: Sequence[str] | None) -> list:
    conds = []
    if checkpoint_ids is not None:
        conds.append(table.c.checkpoint_id.in_(list(checkpoint_ids)))
    if directions is not None:
        conds.append(table.c.direction.in_(list(directions)))
    return conds


def _hour_range(start_hour: dt.datetime, end_hour: dt.datetime, table=crossing_hourly):
    """Rollup rows whose local hour lies in [start_hour, end_hour) (naive UTC hour starts)."""
    d0, h0 = local_day_hour(start_hour)
    d1, h1 = local_day_hour(end_hour)
    c = table.c
    return and_(
        c.local_day.between(d0, d1),
        or_(c.local_day > d0, c.local_hour >= h0),
        or_(c.local_day < d1, c.local_hour < h1),
    )


def window_counts(conn: Connection, start: dt.datetime, end: dt.datetime, *,
                  measures: Sequence[str] = ("crossings",), by: Sequence[str] = ("checkpoint_id",),
                  checkpoint_ids: Sequence[int] | None = None,
                  directions: Sequence[str] | None = None,
                  rollup: Table = crossing_hourly) -> pd.DataFrame:
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
        c = rollup.c
        _add(totals, conn.execute(
            select(*(c[k] for k in by), *(func.sum(c[f"n_{m}"]).label(m) for m in measures))
            .where(_hour_range(first_whole, last_whole, rollup), *_filters(rollup, checkpoint_ids, directions))
            .group_by(*(c[k] for k in by))), len(by))
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


def _raw_stmt(lo: dt.datetime, hi: dt.datetime, measures: Sequence[str], by: Sequence[str],
              checkpoint_ids: Sequence[int] | None, directions: Sequence[str] | None, rollup: Table):
    """The rollup's ``measures`` counted from the declarations with ``lo <= declared_at < hi``, grouped ``by``."""
    predicates = _ROLLUP_MEASURES[rollup.name]
    d = declarations.c
    return (select(*(d[k] for k in by), *(func.sum(case((predicates[m], 1), else_=0)).label(m) for m in measures))
            .where(d.declared_at >= lo, d.declared_at < hi, *_filters(declarations, checkpoint_ids, directions))
            .group_by(*(d[k] for k in by)))


def stamped_after(conn: Connection, now: dt.datetime, last_day: dt.date, *, measures: Sequence[str],
                  by: Sequence[str], checkpoint_ids: Sequence[int] | None = None,
                  directions: Sequence[str] | None = None, rollup: Table = crossing_hourly) -> Totals:
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


def days_before_now(conn: Connection, first_day: dt.date, last_day: dt.date, now: dt.datetime, *,
                    measures: Sequence[str], by: Sequence[str], checkpoint_ids: Sequence[int] | None = None,
                    directions: Sequence[str] | None = None, rollup: Table = crossing_hourly) -> Totals:
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
    c = rollup.c
    totals: Totals = {}
    _add(totals, conn.execute(
        select(*(c[k] for k in by), *(func.sum(c[f"n_{m}"]).label(m) for m in counted))
        .where(c.local_day.between(first_day, last_day), *_filters(rollup, checkpoint_ids, directions))
        .group_by(*(c[k] for k in by))), len(by))
    for key, values in stamped_after(conn, now, last_day, measures=counted, by=by, checkpoint_ids=checkpoint_ids,
                                     directions=directions, rollup=rollup).items():
        acc = totals.setdefault(key, [0] * len(values))
        for i, v in enumerate(values):
            acc[i] -= v
        if acc[rows_at] == 0:
            del totals[key]
    return {key: values[: len(measures)] for key, values in totals.items()}


def checkpoint_table(conn: Connection) -> pd.DataFrame:
    """The checkpoints (reference data): id, code, name, road, links, lat, lon, wifi_opened_on."""
    cp = schema.checkpoints.c
    stmt = select(cp.id, cp.code, cp.name, cp.road, cp.links, cp.lat, cp.lon, cp.wifi_opened_on).where(
        cp.active.is_(True)).order_by(cp.id)
    return pd.DataFrame(conn.execute(stmt).all(), columns=["id", "code", "name", "road", "links", "lat", "lon",
                                                          "wifi_opened_on"])


def today_vs_yesterday(conn: Connection, now: dt.datetime, *,
                       measures: Sequence[str] = OVERVIEW_MEASURES) -> pd.DataFrame:
    """Per checkpoint and direction: counts today up to ``now`` and yesterday up to the same time.

    Columns: checkpoint_id, direction, period ("today" | "yesterday"), then one per measure. Every
    active checkpoint and direction has a row for both periods, zero when nothing crossed.
    """
    today_start = local_midnight_utc(local_today(now))
    day = dt.timedelta(days=1)
    frames = []
    for period, lo, hi in (("today", today_start, now), ("yesterday", today_start - day, now - day)):
        counts = window_counts(conn, lo, hi, measures=measures, by=("checkpoint_id", "direction"))
        frames.append(counts.assign(period=period))
    ids = checkpoint_table(conn)["id"].tolist()
    grid = pd.MultiIndex.from_product([ids, schema.DIRECTIONS, ["today", "yesterday"]],
                                      names=["checkpoint_id", "direction", "period"]).to_frame(index=False)
    merged = grid.merge(pd.concat(frames, ignore_index=True), how="left", on=["checkpoint_id", "direction", "period"])
    return merged.fillna({m: 0 for m in measures}).astype({m: "int64" for m in measures})


def daily_trend(conn: Connection, last_day: dt.date, *, now: dt.datetime, days: int = 7,
                measures: Sequence[str] = OVERVIEW_MEASURES,
                checkpoint_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Per local day and checkpoint over the ``days`` days ending on ``last_day``, up to ``now``: the
    measures."""
    by = ("local_day", "checkpoint_id")
    totals = days_before_now(conn, last_day - dt.timedelta(days=days - 1), last_day, now, measures=measures, by=by,
                             checkpoint_ids=checkpoint_ids)
    frame = totals_frame(totals, by, measures)
    frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame


def latest_declaration_at(conn: Connection, now: dt.datetime) -> dt.datetime | None:
    """When the newest declaration stamped up to ``now`` was made (naive UTC), or None if there is none."""
    d = declarations.c
    return conn.execute(select(func.max(d.declared_at)).where(d.declared_at <= now)).scalar()


def first_declaration_day(conn: Connection) -> dt.date | None:
    """The local day of the oldest stored declaration (from the hourly rollup's key), or None."""
    day = conn.execute(select(func.min(crossing_hourly.c.local_day))).scalar()
    return dt.date.fromisoformat(day) if isinstance(day, str) else day
