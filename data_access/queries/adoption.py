"""Ứng dụng CNTT: electronic declarations, Bluezone and free Wi-Fi against the target, and the
channel mix. Day ranges are inclusive local days, counted up to the page run's ``now``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    and_,
    func,
    select,
)

from ..store import schema
from ..store.schema import (
    CHANNELS,
    crossing_hourly,
)
from ..timeutil import local_today
from ._core import Dirs, Ids, day_sums, scope_filters, stamped_after

ADOPTION_MEASURES = ("crossings", "electronic", "bluezone_installed")


def adoption_by_day(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Per local day and checkpoint: crossings, electronic (any channel but paper), bluezone_installed."""
    return day_sums(
        conn,
        first_day,
        last_day,
        now,
        measures=ADOPTION_MEASURES,
        by=("local_day", "checkpoint_id"),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
    )


def adoption_by_checkpoint(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Per checkpoint over the whole range: crossings, electronic, bluezone_installed."""
    return day_sums(
        conn,
        first_day,
        last_day,
        now,
        measures=ADOPTION_MEASURES,
        by=("checkpoint_id",),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
    )


def free_wifi_since_opening(
    conn: Connection, *, now: dt.datetime, checkpoint_ids: Ids = None, directions: Dirs = None
) -> pd.DataFrame:
    """Free Wi-Fi use per checkpoint since its Wi-Fi opened, up to ``now``.

    Columns: checkpoint_id, wifi_opened_on (None = no free Wi-Fi; its counts are 0), crossings, electronic,
    free_wifi.
    """
    c, cp = crossing_hourly.c, schema.checkpoints.c
    measures = ("crossings", "electronic", "free_wifi")
    today = local_today(now)
    stmt = (
        select(cp.id, cp.wifi_opened_on, *(func.coalesce(func.sum(c[f"n_{m}"]), 0).label(m) for m in measures))
        .select_from(
            schema.checkpoints.outerjoin(
                crossing_hourly,
                and_(
                    c.checkpoint_id == cp.id,
                    c.local_day >= cp.wifi_opened_on,
                    c.local_day <= today,
                    *scope_filters(crossing_hourly, None, directions),
                ),
            )
        )
        .where(cp.active.is_(True), *([cp.id.in_(list(checkpoint_ids))] if checkpoint_ids is not None else []))
        .group_by(cp.id, cp.wifi_opened_on)
        .order_by(cp.id)
    )
    found: Sequence[Any] = conn.execute(stmt).all()
    rows = [[cid, opened, *(int(v) for v in values)] for cid, opened, *values in found]
    # The rollup also holds rows stamped after now (see days_before_now): take them away again.
    ahead = stamped_after(
        conn, now, today, measures=measures, by=("checkpoint_id",), checkpoint_ids=checkpoint_ids, directions=directions
    )
    for row in rows:
        # Only a checkpoint whose Wi-Fi is open today counted today's rows in the first place.
        if row[1] is not None and pd.Timestamp(row[1]).date() <= today and (row[0],) in ahead:
            row[2:] = [v - a for v, a in zip(row[2:], ahead[(row[0],)], strict=False)]
    frame = pd.DataFrame(rows, columns=["checkpoint_id", "wifi_opened_on", *measures]).astype(
        {m: "int64" for m in measures}
    )
    frame["wifi_opened_on"] = frame["wifi_opened_on"].map(
        lambda v: None if v is None or pd.isna(v) else pd.Timestamp(v).date()
    )
    return frame


def channel_mix(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Crossings per checkpoint and declaration channel: checkpoint_id, channel (one of CHANNELS),
    crossings."""
    names = [f"channel_{ch}" for ch in CHANNELS]
    wide = day_sums(
        conn,
        first_day,
        last_day,
        now,
        measures=names,
        by=("checkpoint_id",),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
    )
    long = wide.melt(id_vars="checkpoint_id", value_vars=names, var_name="channel", value_name="crossings")
    long["channel"] = long["channel"].str.removeprefix("channel_")
    order = {ch: i for i, ch in enumerate(CHANNELS)}
    return (
        long.astype({"crossings": "int64"})
        .sort_values(["checkpoint_id", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s)
        .reset_index(drop=True)
    )
