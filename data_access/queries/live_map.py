"""Bản đồ trực tiếp: each checkpoint's state at ``now`` (normal, attention, silent), and where today's
arrivals come from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    func,
    or_,
    select,
)

from ..store import schema
from ..store.schema import (
    declarations,
    origin_hourly,
)
from ..timeutil import local_midnight_utc, local_today
from ._core import Ids, Totals, window_counts, windows_totals
from .high_risk import SURGE_BASELINE_DAYS, is_surge
from .reference import checkpoint_table

#: Checkpoint states on the live map, in the order of their urgency.
STATE_SILENT, STATE_ATTENTION, STATE_NORMAL = "silent", "attention", "normal"


#: Why a checkpoint needs attention: more high-risk arrivals in the last hour than usual for that hour,
#: or an arrival who had contact with a confirmed case in the last few minutes.
ATTENTION_SURGE, ATTENTION_CONTACT = "surge", "contact_f0"


ATTENTION_CONTACT_MINUTES = 15


#: "More than usual" for one checkpoint's hour: the surge rule with a smaller margin (an hour at one
#: checkpoint has a tenth of a day's province-wide count).
ATTENTION_MIN_EXCESS = 5


def checkpoint_state(
    last_declared_at: dt.datetime | None, now: dt.datetime, silent_after_minutes: int, *, attention: bool = False
) -> str:
    """A checkpoint's state, on the map and on the data-quality page alike: silent (no declaration for
    ``silent_after_minutes`` or more, or ever), else attention (``attention``: see
    :func:`checkpoint_live_status`), else normal."""
    if last_declared_at is None or now - last_declared_at >= dt.timedelta(minutes=silent_after_minutes):
        return STATE_SILENT
    return STATE_ATTENTION if attention else STATE_NORMAL


DAY = dt.timedelta(days=1)


def attention_reason(arrivals: Sequence[int], contacts: int) -> str | None:
    """Why a checkpoint needs attention, or None: ``arrivals`` are its high-risk arrivals in the last
    hour and then in the same hour of the previous days; ``contacts`` its arrivals with a contact with
    a confirmed case in the last :data:`ATTENTION_CONTACT_MINUTES` minutes."""
    if contacts > 0:
        return ATTENTION_CONTACT
    if arrivals and is_surge(arrivals[0], arrivals[1:], min_excess=ATTENTION_MIN_EXCESS):
        return ATTENTION_SURGE
    return None


def checkpoint_live_status(
    conn: Connection, now: dt.datetime, *, silent_after_minutes: int, checkpoint_ids: Ids = None
) -> pd.DataFrame:
    """The live map's checkpoint markers: one row per active checkpoint at ``now`` (naive UTC).

    Columns: id, code, name, lat, lon, last_hour, last_hour_high_risk (declared in [now - 1 h, now)),
    high_risk_arrivals (the same, direction in), usual_high_risk (high-risk arrivals in the same hour,
    average of the previous 7 days), today_in,
    today_out, today_crossings, today_high_risk, today_electronic, today_free_wifi (local midnight to
    now), last_declared_at (naive UTC or None), state (silent | attention | normal), attention (None |
    surge | contact_f0).
    """
    checkpoints = checkpoint_table(conn)
    if checkpoint_ids is not None:
        checkpoints = checkpoints[checkpoints["id"].isin(list(checkpoint_ids))]
    checkpoints = checkpoints[["id", "code", "name", "lat", "lon"]].reset_index(drop=True)
    # Every window of the map in one pass (one statement per source), by checkpoint and direction.
    measures = ("crossings", "risk_high", "electronic", "free_wifi", "contact_f0")
    hour = dt.timedelta(hours=1)
    today, last_hour, recent = windows_totals(
        conn,
        [
            (local_midnight_utc(local_today(now)), now),
            (now - hour, now),
            (now - dt.timedelta(minutes=ATTENTION_CONTACT_MINUTES), now),
        ],
        measures=measures,
        by=("checkpoint_id", "direction"),
        checkpoint_ids=checkpoint_ids,
    )
    # The same hour on each previous day asks only for high-risk arrivals, whose columns the declared_at
    # index holds: its seconds at the edges are read from the index alone.
    baseline = windows_totals(
        conn,
        [(now - hour - back * DAY, now - back * DAY) for back in range(1, SURGE_BASELINE_DAYS + 1)],
        measures=("risk_high",),
        checkpoint_ids=checkpoint_ids,
        directions=("in",),
    )

    def total(totals: Totals, cid: int, measure: str, direction: str | None = None) -> int:
        at = measures.index(measure)
        ways = ("in", "out") if direction is None else (direction,)
        return sum(totals.get((cid, way), (0,) * len(measures))[at] for way in ways)

    # The newest declaration per checkpoint: a correlated MAX reads one entry of the
    # (checkpoint_id, declared_at) index per checkpoint, where a GROUP BY would scan them all.
    d, cp = declarations.c, schema.checkpoints.c
    newest = select(func.max(d.declared_at)).where(d.checkpoint_id == cp.id, d.declared_at <= now).scalar_subquery()
    last_rows: Sequence[Any] = conn.execute(select(cp.id, newest)).all()
    last: dict[int, dt.datetime | None] = {cid: ts for cid, ts in last_rows}

    records = []
    for row in checkpoints.itertuples(index=False):
        # high-risk arrivals in the last hour, then in the same hour of the previous days
        counts = [total(last_hour, row.id, "risk_high", "in"), *(day.get((row.id,), [0])[0] for day in baseline)]
        reason = attention_reason(counts, total(recent, row.id, "contact_f0", "in"))
        state = checkpoint_state(last.get(row.id), now, silent_after_minutes, attention=reason is not None)
        records.append(
            {
                **row._asdict(),
                "last_hour": total(last_hour, row.id, "crossings"),
                "last_hour_high_risk": total(last_hour, row.id, "risk_high"),
                "high_risk_arrivals": counts[0],
                "usual_high_risk": sum(counts[1:]) / SURGE_BASELINE_DAYS,
                "today_in": total(today, row.id, "crossings", "in"),
                "today_out": total(today, row.id, "crossings", "out"),
                "today_crossings": total(today, row.id, "crossings"),
                "today_high_risk": total(today, row.id, "risk_high"),
                "today_electronic": total(today, row.id, "electronic"),
                "today_free_wifi": total(today, row.id, "free_wifi"),
                "last_declared_at": last.get(row.id),
                "state": state,
                "attention": reason if state == STATE_ATTENTION else None,
            }
        )
    columns = [
        "id",
        "code",
        "name",
        "lat",
        "lon",
        "last_hour",
        "last_hour_high_risk",
        "high_risk_arrivals",
        "usual_high_risk",
        "today_in",
        "today_out",
        "today_crossings",
        "today_high_risk",
        "today_electronic",
        "today_free_wifi",
        "last_declared_at",
        "state",
        "attention",
    ]
    return pd.DataFrame(records, columns=columns)


def active_hot_zones(conn: Connection, day: dt.date) -> pd.DataFrame:
    """Hot zones in force on local ``day``: province_code, district_name (None = whole province), label."""
    hz = schema.hot_zones.c
    stmt = (
        select(hz.province_code, hz.district_name, hz.label)
        .where(hz.valid_from <= day, or_(hz.valid_to.is_(None), hz.valid_to >= day))
        .order_by(hz.province_code, hz.district_name)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=["province_code", "district_name", "label"])


def origins_today(conn: Connection, now: dt.datetime, *, checkpoint_ids: Ids = None) -> pd.DataFrame:
    """Where today's incoming travellers come from (local midnight to ``now``), for the map's second layer.

    One row per origin province with at least one traveller in: province_code, province, lat, lon,
    travellers, high_risk, from_hotzone (travellers whose origin was in an active hot zone), hot_zone
    ("province" when the whole province is a hot zone today, "district" when part of it, else None),
    hot_zone_label. Largest first.
    """
    counts = window_counts(
        conn,
        local_midnight_utc(local_today(now)),
        now,
        measures=("crossings", "risk_high", "origin_in_hotzone"),
        by=("origin_province_code",),
        checkpoint_ids=checkpoint_ids,
        directions=("in",),
        rollup=origin_hourly,
    )
    counts = counts.rename(
        columns={
            "origin_province_code": "province_code",
            "crossings": "travellers",
            "risk_high": "high_risk",
            "origin_in_hotzone": "from_hotzone",
        }
    )
    p = schema.provinces.c
    provinces = pd.DataFrame(
        conn.execute(select(p.code, p.name, p.lat, p.lon)).all(), columns=["province_code", "province", "lat", "lon"]
    )
    frame = counts.merge(provinces, on="province_code", how="left")
    zones = active_hot_zones(conn, local_today(now))
    scope, labels = {}, {}
    for code, group in zones.groupby("province_code"):
        whole = group["district_name"].isna().any()
        scope[code] = "province" if whole else "district"
        parts = [
            label if pd.isna(district) else f"{label}: {district}"
            for label, district in zip(group["label"], group["district_name"], strict=False)
        ]
        labels[code] = "; ".join(parts)
    frame["hot_zone"] = frame["province_code"].map(scope)
    frame["hot_zone_label"] = frame["province_code"].map(labels)
    frame = frame[frame["travellers"] > 0]
    columns = [
        "province_code",
        "province",
        "lat",
        "lon",
        "travellers",
        "high_risk",
        "from_hotzone",
        "hot_zone",
        "hot_zone_label",
    ]
    return frame.sort_values(["travellers", "province_code"], ascending=[False, True])[columns].reset_index(drop=True)
