"""Tổng quan: today against the same time yesterday, and the past days, per checkpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import (
    Connection,
    func,
    select,
)

from ..domain import DIRECTIONS
from ..store.schema import (
    declarations,
)
from ..timeutil import local_midnight_utc, local_today
from ._core import days_before_now, totals_frame, windows_totals
from .reference import checkpoint_table

#: The Overview's figures, by rollup measure.
OVERVIEW_MEASURES = ("crossings", "risk_high", "electronic", "bluezone_installed")


def today_vs_yesterday(
    conn: Connection, now: dt.datetime, *, measures: Sequence[str] = OVERVIEW_MEASURES
) -> pd.DataFrame:
    """Per checkpoint and direction: counts today up to ``now`` and yesterday up to the same time.

    Columns: checkpoint_id, direction, period ("today" | "yesterday"), then one per measure. Every
    active checkpoint and direction has a row for both periods, zero when nothing crossed.
    """
    today_start = local_midnight_utc(local_today(now))
    day = dt.timedelta(days=1)
    periods = ("today", "yesterday")
    # Both windows in one pass (one statement per source), the grid built in plain Python: pandas
    # merges cost more than the SQL.
    found = windows_totals(
        conn,
        [(today_start, now), (today_start - day, now - day)],
        measures=measures,
        by=("checkpoint_id", "direction"),
    )
    zero = [0] * len(measures)
    rows = [
        (cid, way, period, *totals.get((cid, way), zero))
        for cid in checkpoint_table(conn)["id"].tolist()
        for way in DIRECTIONS
        for period, totals in zip(periods, found, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["checkpoint_id", "direction", "period", *measures])
    return frame.astype({m: "int64" for m in measures})


def daily_trend(
    conn: Connection,
    last_day: dt.date,
    *,
    now: dt.datetime,
    days: int = 7,
    measures: Sequence[str] = OVERVIEW_MEASURES,
    checkpoint_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Per local day and checkpoint over the ``days`` days ending on ``last_day``, up to ``now``: the
    measures."""
    by = ("local_day", "checkpoint_id")
    totals = days_before_now(
        conn,
        last_day - dt.timedelta(days=days - 1),
        last_day,
        now,
        measures=measures,
        by=by,
        checkpoint_ids=checkpoint_ids,
    )
    frame = totals_frame(totals, by, measures)
    frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame


def latest_declaration_at(conn: Connection, now: dt.datetime) -> dt.datetime | None:
    """When the newest declaration stamped up to ``now`` was made (naive UTC), or None if there is none."""
    d = declarations.c
    return conn.execute(select(func.max(d.declared_at)).where(d.declared_at <= now)).scalar()
