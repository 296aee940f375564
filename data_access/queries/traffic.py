"""Lưu lượng: crossings by hour, day, checkpoint, direction and vehicle; people against vehicles; the
peak hours. Day ranges are inclusive local days, counted up to the page run's ``now``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import (
    BigInteger,
    Connection,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
)

from ..store.schema import (
    MAX_VEHICLE_CHECKPOINT_ID,
    VEHICLES,
    crossing_hourly,
    declarations,
    vehicle_daily,
)
from ..timeutil import floor_hour, local_day_hour, local_midnight_utc, local_today
from ._core import Dirs, Ids, day_sums, days_before_now, scope_filters, window_counts


def crossings_by_hour(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Crossings per local hour and checkpoint: local_day, local_hour, checkpoint_id, crossings."""
    return day_sums(
        conn,
        first_day,
        last_day,
        now,
        measures=("crossings",),
        by=("local_day", "local_hour", "checkpoint_id"),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
    )


def crossings_by_day(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Crossings per local day, checkpoint and direction: local_day, checkpoint_id, direction, crossings."""
    return day_sums(
        conn,
        first_day,
        last_day,
        now,
        measures=("crossings",),
        by=("local_day", "checkpoint_id", "direction"),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
    )


def crossings_by_vehicle(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Crossings per checkpoint and vehicle type: checkpoint_id, vehicle (one of VEHICLES or "unknown"),
    crossings. Every checkpoint with traffic has a row per vehicle type."""
    names = [f"vehicle_{v}" for v in VEHICLES] + ["vehicle_unknown"]
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
    long = wide.melt(id_vars="checkpoint_id", value_vars=names, var_name="vehicle", value_name="crossings")
    long["vehicle"] = long["vehicle"].str.removeprefix("vehicle_")
    return long.astype({"crossings": "int64"}).sort_values(["checkpoint_id", "vehicle"]).reset_index(drop=True)


def people_and_vehicles_by_day(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Per local day up to ``now``: crossings (people) and vehicles (distinct plates seen that day at
    the selected checkpoints and directions). Columns: local_day, crossings, vehicles."""
    # rows, not a frame: this is the slowest figure, and a pandas frame costs milliseconds
    people = {
        key[0]: values[0]
        for key, values in days_before_now(
            conn,
            first_day,
            last_day,
            now,
            measures=("crossings",),
            by=("local_day",),
            checkpoint_ids=checkpoint_ids,
            directions=directions,
        ).items()
    }
    today = local_today(now)
    last_day = min(last_day, today)
    # The plates of each day per set of (checkpoint, direction) pairs crossed: the sets that meet the
    # chosen pairs are the day's distinct vehicles there (store.schema, vehicle_daily).
    v = vehicle_daily.c
    chosen = literal(vehicle_pairs_mask(checkpoint_ids, directions), BigInteger)
    found: Sequence[Any] = conn.execute(
        select(v.local_day, func.sum(v.vehicles))
        .where(v.local_day.between(first_day, last_day), v.crossed.op("&")(chosen) != 0)
        .group_by(v.local_day)
    ).all()
    vehicles: dict[dt.date, int] = {pd.Timestamp(day).date(): int(n) for day, n in found if n}
    if first_day <= today <= last_day and _plates_stamped_after(conn, now):
        # Rows stamped after now (a phone whose clock runs fast) are in today's counts: today's distinct
        # plates are counted from the rows before now instead. Rare on a live store.
        d = declarations.c
        n = conn.execute(
            select(func.count(distinct(d.plate_hash))).where(
                d.declared_at >= local_midnight_utc(today),
                d.declared_at < now,
                d.plate_hash.is_not(None),
                *scope_filters(declarations, checkpoint_ids, directions),
            )
        ).scalar()
        vehicles.pop(today, None)
        if n:
            vehicles[today] = int(n)
    days = sorted(set(people) | set(vehicles))
    return pd.DataFrame(
        {
            "local_day": days,
            "crossings": [int(people.get(day) or 0) for day in days],
            "vehicles": [int(vehicles.get(day) or 0) for day in days],
        },
        columns=["local_day", "crossings", "vehicles"],
    ).astype({"crossings": "int64", "vehicles": "int64"})


def vehicle_pairs_mask(checkpoint_ids: Ids, directions: Dirs) -> int:
    """The bits of the chosen (checkpoint, direction) pairs in vehicle_daily.crossed (None: all)."""
    ids = range(1, MAX_VEHICLE_CHECKPOINT_ID + 1) if checkpoint_ids is None else checkpoint_ids
    ways = ("in", "out") if directions is None else directions
    return sum(1 << (2 * (cid - 1) + (way == "out")) for cid in ids for way in ways if way in ("in", "out"))


def _plates_stamped_after(conn: Connection, now: dt.datetime) -> bool:
    """Whether today holds plated rows stamped from ``now`` on (the declared_at index answers at once)."""
    d = declarations.c
    end = local_midnight_utc(local_today(now) + dt.timedelta(days=1))
    found = conn.execute(
        select(d.id).where(d.declared_at >= now, d.declared_at < end, d.plate_hash.is_not(None)).limit(1)
    ).first()
    return found is not None


def peak_hours(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
    limit: int = 10,
) -> pd.DataFrame:
    """The busiest local hours of the range up to ``now``, busiest first: local_day, local_hour,
    crossings, crossings_in, crossings_out."""
    c = crossing_hourly.c
    total = func.sum(c.n_crossings)
    measures = ("crossings", "crossings_in", "crossings_out")
    now_day, now_hour = local_day_hour(now)
    # Whole hours before the current one, best first; the current hour is counted up to now apart.
    stmt = (
        select(
            c.local_day,
            c.local_hour,
            total.label("crossings"),
            func.sum(case((c.direction == "in", c.n_crossings), else_=0)).label("crossings_in"),
            func.sum(case((c.direction == "out", c.n_crossings), else_=0)).label("crossings_out"),
        )
        .where(
            c.local_day.between(first_day, last_day),
            *scope_filters(crossing_hourly, checkpoint_ids, directions),
            or_(c.local_day < now_day, and_(c.local_day == now_day, c.local_hour < now_hour)),
        )
        .group_by(c.local_day, c.local_hour)
        .having(total > 0)
        .order_by(total.desc(), c.local_day, c.local_hour)
        .limit(limit)
    )
    found: Sequence[Any] = conn.execute(stmt).all()
    hours = [(day, hour, int(n), int(i), int(o)) for day, hour, n, i, o in found]
    if first_day <= now_day <= last_day:
        current = window_counts(
            conn,
            floor_hour(now),
            now,
            measures=("crossings",),
            by=("direction",),
            checkpoint_ids=checkpoint_ids,
            directions=directions,
        )
        ways = dict(zip(current["direction"], current["crossings"], strict=False))
        n_in, n_out = int(ways.get("in", 0)), int(ways.get("out", 0))
        if n_in + n_out:
            hours.append((now_day, now_hour, n_in + n_out, n_in, n_out))
    hours = sorted(hours, key=lambda h: (-h[2], pd.Timestamp(h[0]), h[1]))[:limit]
    frame = pd.DataFrame(hours, columns=["local_day", "local_hour", *measures]).astype({m: "int64" for m in measures})
    frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame
