"""Read side of the steering committee's pages (live map, traffic, high risk, app adoption).

One function per figure, each a SQL aggregate over the rollups (``crossing_hourly``, ``origin_hourly``)
or, for distinct vehicles, over the partial plate index of the declarations; only "last hour" and
"today up to now" windows read the partial hour at their edge from the declarations (through
:func:`data_access.queries.window_counts`). Day ranges are inclusive
local days (Asia/Ho_Chi_Minh); ``checkpoint_ids`` / ``directions`` of None mean all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
from sqlalchemy import Connection, and_, case, distinct, func, literal, or_, select, union_all

from . import schema
from .queries import _filters, _frame, checkpoint_table, window_counts
from .schema import CHANNELS, VEHICLES, crossing_hourly, declarations, origin_hourly
from .timeutil import local_day_hour, local_midnight_utc, local_today

#: Checkpoint states on the live map, in the order of their urgency.
STATE_SILENT, STATE_HIGH_RISK, STATE_NORMAL = "silent", "high_risk", "normal"
#: High-risk reasons (rollup measures); one traveller may have several.
REASONS = ("reason_contact_f0", "reason_hotzone_origin", "reason_symptom_travel")
#: The surge rule (issue 3): today's high-risk count up to this hour against the same hours of the
#: previous ``SURGE_BASELINE_DAYS`` days.
SURGE_BASELINE_DAYS = 7
SURGE_MIN_EXCESS = 10
SURGE_RATIO = Fraction(3, 2)

Ids = Sequence[int] | None
Dirs = Sequence[str] | None


def _day_sums(conn: Connection, first_day: dt.date, last_day: dt.date, *, measures: Sequence[str],
              by: Sequence[str], checkpoint_ids: Ids, directions: Dirs, table=crossing_hourly,
              order_by: Sequence[str] | None = None) -> pd.DataFrame:
    """Sums of rollup ``measures`` over the local days [first_day, last_day], grouped ``by``."""
    stmt = _day_sums_stmt(first_day, last_day, measures=measures, by=by, checkpoint_ids=checkpoint_ids,
                          directions=directions, table=table)
    if order_by:
        stmt = stmt.order_by(*(table.c[k] for k in order_by))
    frame = _frame(conn, stmt, by, measures)
    if "local_day" in frame:
        frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame


def _day_sums_stmt(first_day: dt.date, last_day: dt.date, *, measures: Sequence[str], by: Sequence[str],
                   checkpoint_ids: Ids, directions: Dirs, table=crossing_hourly):
    """The SELECT of :func:`_day_sums`."""
    c = table.c
    return (select(*(c[k] for k in by), *(func.sum(c[f"n_{m}"]).label(m) for m in measures))
            .where(c.local_day.between(first_day, last_day), *_filters(table, checkpoint_ids, directions))
            .group_by(*(c[k] for k in by)))


# --- live map -----------------------------------------------------------------------------------

def checkpoint_state(last_declared_at: dt.datetime | None, last_hour_high_risk: int, now: dt.datetime,
                     silent_after_minutes: int) -> str:
    """A checkpoint's state on the map: silent (nothing for ``silent_after_minutes`` or ever), else
    high_risk (a high-risk arrival in the last hour), else normal."""
    if last_declared_at is None or now - last_declared_at >= dt.timedelta(minutes=silent_after_minutes):
        return STATE_SILENT
    if last_hour_high_risk > 0:
        return STATE_HIGH_RISK
    return STATE_NORMAL


def checkpoint_live_status(conn: Connection, now: dt.datetime, *, silent_after_minutes: int,
                           checkpoint_ids: Ids = None) -> pd.DataFrame:
    """The live map's checkpoint markers: one row per active checkpoint at ``now`` (naive UTC).

    Columns: id, code, name, lat, lon, last_hour, last_hour_high_risk (declared in [now - 1 h, now)),
    today_in, today_out, today_crossings, today_high_risk, today_electronic, today_free_wifi (local
    midnight to now), last_declared_at (naive UTC or None), state (silent | high_risk | normal).
    """
    checkpoints = checkpoint_table(conn)
    if checkpoint_ids is not None:
        checkpoints = checkpoints[checkpoints["id"].isin(list(checkpoint_ids))]
    checkpoints = checkpoints[["id", "code", "name", "lat", "lon"]].reset_index(drop=True)
    hour = window_counts(conn, now - dt.timedelta(hours=1), now, measures=("crossings", "risk_high"),
                         by=("checkpoint_id",), checkpoint_ids=checkpoint_ids)
    today = window_counts(conn, local_midnight_utc(local_today(now)), now,
                          measures=("crossings", "risk_high", "electronic", "free_wifi"),
                          by=("checkpoint_id", "direction"), checkpoint_ids=checkpoint_ids)
    # The newest declaration per checkpoint: a correlated MAX reads one entry of the
    # (checkpoint_id, declared_at) index per checkpoint, where a GROUP BY would scan them all.
    d, cp = declarations.c, schema.checkpoints.c
    newest = (select(func.max(d.declared_at)).where(d.checkpoint_id == cp.id, d.declared_at <= now)
              .scalar_subquery())
    last_rows = conn.execute(select(cp.id, newest)).all()
    last = {cid: ts for cid, ts in last_rows}

    def today_sum(cid: int, measure: str, direction: str | None = None) -> int:
        rows = today[today["checkpoint_id"] == cid]
        if direction is not None:
            rows = rows[rows["direction"] == direction]
        return int(rows[measure].sum())

    records = []
    for row in checkpoints.itertuples(index=False):
        hour_rows = hour[hour["checkpoint_id"] == row.id]
        last_hour_high = int(hour_rows["risk_high"].sum())
        records.append({
            **row._asdict(),
            "last_hour": int(hour_rows["crossings"].sum()),
            "last_hour_high_risk": last_hour_high,
            "today_in": today_sum(row.id, "crossings", "in"),
            "today_out": today_sum(row.id, "crossings", "out"),
            "today_crossings": today_sum(row.id, "crossings"),
            "today_high_risk": today_sum(row.id, "risk_high"),
            "today_electronic": today_sum(row.id, "electronic"),
            "today_free_wifi": today_sum(row.id, "free_wifi"),
            "last_declared_at": last.get(row.id),
            "state": checkpoint_state(last.get(row.id), last_hour_high, now, silent_after_minutes),
        })
    columns = ["id", "code", "name", "lat", "lon", "last_hour", "last_hour_high_risk", "today_in", "today_out",
               "today_crossings", "today_high_risk", "today_electronic", "today_free_wifi", "last_declared_at",
               "state"]
    return pd.DataFrame(records, columns=columns)


def active_hot_zones(conn: Connection, day: dt.date) -> pd.DataFrame:
    """Hot zones in force on local ``day``: province_code, district_name (None = whole province), label."""
    hz = schema.hot_zones.c
    stmt = (select(hz.province_code, hz.district_name, hz.label)
            .where(hz.valid_from <= day, or_(hz.valid_to.is_(None), hz.valid_to >= day))
            .order_by(hz.province_code, hz.district_name))
    return pd.DataFrame(conn.execute(stmt).all(), columns=["province_code", "district_name", "label"])


def origins_today(conn: Connection, now: dt.datetime, *, checkpoint_ids: Ids = None) -> pd.DataFrame:
    """Where today's incoming travellers come from (local midnight to ``now``), for the map's second layer.

    One row per origin province with at least one traveller in: province_code, province, lat, lon,
    travellers, high_risk, from_hotzone (travellers whose origin was in an active hot zone), hot_zone
    ("province" when the whole province is a hot zone today, "district" when part of it, else None),
    hot_zone_label. Largest first.
    """
    counts = window_counts(conn, local_midnight_utc(local_today(now)), now,
                           measures=("crossings", "risk_high", "origin_in_hotzone"),
                           by=("origin_province_code",), checkpoint_ids=checkpoint_ids, directions=("in",),
                           rollup=origin_hourly)
    counts = counts.rename(columns={"origin_province_code": "province_code", "crossings": "travellers",
                                    "risk_high": "high_risk", "origin_in_hotzone": "from_hotzone"})
    p = schema.provinces.c
    provinces = pd.DataFrame(conn.execute(select(p.code, p.name, p.lat, p.lon)).all(),
                             columns=["province_code", "province", "lat", "lon"])
    frame = counts.merge(provinces, on="province_code", how="left")
    zones = active_hot_zones(conn, local_today(now))
    scope, labels = {}, {}
    for code, group in zones.groupby("province_code"):
        whole = group["district_name"].isna().any()
        scope[code] = "province" if whole else "district"
        parts = [label if pd.isna(district) else f"{label}: {district}"
                 for label, district in zip(group["label"], group["district_name"])]
        labels[code] = "; ".join(parts)
    frame["hot_zone"] = frame["province_code"].map(scope)
    frame["hot_zone_label"] = frame["province_code"].map(labels)
    frame = frame[frame["travellers"] > 0]
    columns = ["province_code", "province", "lat", "lon", "travellers", "high_risk", "from_hotzone", "hot_zone",
               "hot_zone_label"]
    return frame.sort_values(["travellers", "province_code"], ascending=[False, True])[columns].reset_index(
        drop=True)


# --- traffic ------------------------------------------------------------------------------------

def crossings_by_hour(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
                      directions: Dirs = None) -> pd.DataFrame:
    """Crossings per local hour and checkpoint: local_day, local_hour, checkpoint_id, crossings."""
    return _day_sums(conn, first_day, last_day, measures=("crossings",),
                     by=("local_day", "local_hour", "checkpoint_id"), checkpoint_ids=checkpoint_ids,
                     directions=directions, order_by=("local_day", "local_hour", "checkpoint_id"))


def crossings_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
                     directions: Dirs = None) -> pd.DataFrame:
    """Crossings per local day, checkpoint and direction: local_day, checkpoint_id, direction, crossings."""
    return _day_sums(conn, first_day, last_day, measures=("crossings",),
                     by=("local_day", "checkpoint_id", "direction"), checkpoint_ids=checkpoint_ids,
                     directions=directions, order_by=("local_day", "checkpoint_id", "direction"))


def crossings_by_vehicle(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
                         directions: Dirs = None) -> pd.DataFrame:
    """Crossings per checkpoint and vehicle type: checkpoint_id, vehicle (one of VEHICLES or "unknown"),
    crossings. Every checkpoint with traffic has a row per vehicle type."""
    names = [f"vehicle_{v}" for v in VEHICLES] + ["vehicle_unknown"]
    wide = _day_sums(conn, first_day, last_day, measures=names, by=("checkpoint_id",),
                     checkpoint_ids=checkpoint_ids, directions=directions)
    long = wide.melt(id_vars="checkpoint_id", value_vars=names, var_name="vehicle", value_name="crossings")
    long["vehicle"] = long["vehicle"].str.removeprefix("vehicle_")
    return long.astype({"crossings": "int64"}).sort_values(["checkpoint_id", "vehicle"]).reset_index(drop=True)


def people_and_vehicles_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *,
                               checkpoint_ids: Ids = None, directions: Dirs = None) -> pd.DataFrame:
    """Per local day: crossings (people) and vehicles (distinct plates seen that day at the selected
    checkpoints and directions). Columns: local_day, crossings, vehicles."""
    # rows, not a frame: this is the slowest figure, and a pandas frame costs milliseconds
    people = dict(conn.execute(_day_sums_stmt(first_day, last_day, measures=("crossings",), by=("local_day",),
                                              checkpoint_ids=checkpoint_ids, directions=directions)).all())
    # Read from the partial index on plated declarations alone (the WHERE repeats its condition),
    # one UNION ALL arm per day: SQLite then counts each day's distinct plates along the index
    # order, a fifth faster than one GROUP BY. The checkpoint is compared as checkpoint_id + 0,
    # which no index serves: otherwise SQLite takes the (checkpoint_id, declared_at) index and
    # reads every row of the checkpoint (ten times slower on a million rows).
    d = declarations.c
    where = [d.plate_hash.is_not(None), *_filters(declarations, None, directions)]
    if checkpoint_ids is not None:
        where.append((d.checkpoint_id + 0).in_(list(checkpoint_ids)))
    all_days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    vehicles = {}
    for start in range(0, len(all_days), 100):  # SQLite allows 500 arms in one compound SELECT
        arms = [select(literal(i).label("i"), func.count(distinct(d.plate_hash))).where(d.local_day == day, *where)
                for i, day in enumerate(all_days[start : start + 100], start=start)]
        vehicles.update((all_days[i], n) for i, n in conn.execute(union_all(*arms)).all() if n)
    days = sorted(set(people) | set(vehicles))
    return pd.DataFrame({"local_day": days, "crossings": [int(people.get(day) or 0) for day in days],
                         "vehicles": [int(vehicles.get(day) or 0) for day in days]},
                        columns=["local_day", "crossings", "vehicles"]).astype({"crossings": "int64",
                                                                                 "vehicles": "int64"})


def peak_hours(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
               directions: Dirs = None, limit: int = 10) -> pd.DataFrame:
    """The busiest local hours of the range, busiest first: local_day, local_hour, crossings, crossings_in,
    crossings_out."""
    c = crossing_hourly.c
    total = func.sum(c.n_crossings)
    stmt = (select(c.local_day, c.local_hour, total.label("crossings"),
                   func.sum(case((c.direction == "in", c.n_crossings), else_=0)).label("crossings_in"),
                   func.sum(case((c.direction == "out", c.n_crossings), else_=0)).label("crossings_out"))
            .where(c.local_day.between(first_day, last_day), *_filters(crossing_hourly, checkpoint_ids, directions))
            .group_by(c.local_day, c.local_hour)
            .having(total > 0)
            .order_by(total.desc(), c.local_day, c.local_hour)
            .limit(limit))
    frame = _frame(conn, stmt, ("local_day", "local_hour"), ("crossings", "crossings_in", "crossings_out"))
    frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame


# --- high risk ----------------------------------------------------------------------------------

def risk_levels_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
                       directions: Dirs = None) -> pd.DataFrame:
    """Crossings per risk level, local day and checkpoint: local_day, checkpoint_id, risk_high, risk_medium,
    risk_low."""
    return _day_sums(conn, first_day, last_day, measures=("risk_high", "risk_medium", "risk_low"),
                     by=("local_day", "checkpoint_id"), checkpoint_ids=checkpoint_ids, directions=directions,
                     order_by=("local_day", "checkpoint_id"))


def high_risk_reasons_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *,
                             checkpoint_ids: Ids = None, directions: Dirs = None) -> pd.DataFrame:
    """High-risk reasons per local day and checkpoint: local_day, checkpoint_id, reason_contact_f0,
    reason_hotzone_origin, reason_symptom_travel (each counted on its own: one traveller may have several)."""
    return _day_sums(conn, first_day, last_day, measures=REASONS, by=("local_day", "checkpoint_id"),
                     checkpoint_ids=checkpoint_ids, directions=directions, order_by=("local_day", "checkpoint_id"))


def high_risk_origins(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
                      directions: Dirs = None, limit: int = 15) -> pd.DataFrame:
    """The origin provinces behind the high-risk crossings, most first: province_code, province,
    high_risk, crossings (all crossings from there), from_hotzone."""
    o, p = origin_hourly.c, schema.provinces.c
    high = func.sum(o.n_risk_high)
    stmt = (select(o.origin_province_code, p.name, high.label("high_risk"), func.sum(o.n_crossings),
                   func.sum(o.n_origin_in_hotzone))
            .join_from(origin_hourly, schema.provinces, p.code == o.origin_province_code)
            .where(o.local_day.between(first_day, last_day), *_filters(origin_hourly, checkpoint_ids, directions))
            .group_by(o.origin_province_code, p.name)
            .having(high > 0)
            .order_by(high.desc(), o.origin_province_code)
            .limit(limit))
    return _frame(conn, stmt, ("province_code", "province"), ("high_risk", "crossings", "from_hotzone"))


@dataclass(frozen=True)
class Surge:
    """Today's high-risk count up to now against the same hours of the previous days."""

    today: int
    previous: tuple[int, ...]  # yesterday first
    flag: bool

    @property
    def baseline(self) -> float:
        """The average of the previous days' counts over the same hours."""
        return sum(self.previous) / len(self.previous) if self.previous else 0.0


def is_surge(today: int, previous: Sequence[int]) -> bool:
    """The surge rule: ``today`` exceeds the average of ``previous`` by 50% and by at least 10.

    "By 50%" is reached at exactly 1.5 × the average, "by at least 10" at exactly average + 10. Exact
    fractions (the average is rarely whole) so that the thresholds are exact.
    """
    average = Fraction(sum(previous), len(previous)) if previous else Fraction(0)
    return today >= SURGE_RATIO * average and today - average >= SURGE_MIN_EXCESS


def high_risk_surge(conn: Connection, now: dt.datetime, *, checkpoint_ids: Ids = None) -> Surge:
    """High-risk crossings from local midnight to ``now``, today and on each of the previous 7 days over the
    same hours (to the second), and the surge flag of :func:`is_surge`."""
    today = local_today(now)
    days = [today - dt.timedelta(days=k) for k in range(SURGE_BASELINE_DAYS + 1)]
    elapsed = now - local_midnight_utc(today)
    _, hour = local_day_hour(now)
    # Whole hours before the current one come from the rollup in one query over the 8 days ...
    c = crossing_hourly.c
    stmt = (select(c.local_day, func.sum(c.n_risk_high))
            .where(c.local_day.between(days[-1], today), c.local_hour < hour,
                   *_filters(crossing_hourly, checkpoint_ids, None))
            .group_by(c.local_day))
    counts = {pd.Timestamp(day).date(): int(n) for day, n in conn.execute(stmt).all()}
    # ... the current, partial hour of each day from the declarations: eight short ranges of the
    # declared_at index, one UNION ALL arm each. (An OR of the ranges, or a WHERE on risk_level, makes the
    # planners scan a whole index instead: 35 ms and more on a million rows, against well under 1 ms.)
    d = declarations.c
    hour_start = dt.timedelta(hours=hour)
    arms = [select(literal(i).label("back"), func.sum(case((d.risk_level == "high", 1), else_=0)).label("n"))
            .where(d.declared_at >= local_midnight_utc(day) + hour_start,
                   d.declared_at < local_midnight_utc(day) + elapsed,
                   *_filters(declarations, checkpoint_ids, None))
            for i, day in enumerate(days)]
    for back, n in conn.execute(union_all(*arms)).all():
        if n:
            counts[days[back]] = counts.get(days[back], 0) + int(n)
    today_n = counts.get(today, 0)
    previous = tuple(counts.get(day, 0) for day in days[1:])
    return Surge(today_n, previous, is_surge(today_n, previous))


# --- app adoption -------------------------------------------------------------------------------

ADOPTION_MEASURES = ("crossings", "electronic", "bluezone_installed")


def adoption_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
                    directions: Dirs = None) -> pd.DataFrame:
    """Per local day and checkpoint: crossings, electronic (any channel but paper), bluezone_installed."""
    return _day_sums(conn, first_day, last_day, measures=ADOPTION_MEASURES, by=("local_day", "checkpoint_id"),
                     checkpoint_ids=checkpoint_ids, directions=directions, order_by=("local_day", "checkpoint_id"))


def adoption_by_checkpoint(conn: Connection, first_day: dt.date, last_day: dt.date, *,
                           checkpoint_ids: Ids = None, directions: Dirs = None) -> pd.DataFrame:
    """Per checkpoint over the whole range: crossings, electronic, bluezone_installed."""
    return _day_sums(conn, first_day, last_day, measures=ADOPTION_MEASURES, by=("checkpoint_id",),
                     checkpoint_ids=checkpoint_ids, directions=directions, order_by=("checkpoint_id",))


def free_wifi_since_opening(conn: Connection, *, checkpoint_ids: Ids = None, directions: Dirs = None
                            ) -> pd.DataFrame:
    """Free Wi-Fi use per checkpoint since its Wi-Fi opened (every stored day from the opening day on).

    Columns: checkpoint_id, wifi_opened_on (None = no free Wi-Fi; its counts are 0), crossings, electronic,
    free_wifi.
    """
    c, cp = crossing_hourly.c, schema.checkpoints.c
    measures = ("crossings", "electronic", "free_wifi")
    stmt = (select(cp.id, cp.wifi_opened_on,
                   *(func.coalesce(func.sum(c[f"n_{m}"]), 0).label(m) for m in measures))
            .select_from(schema.checkpoints.outerjoin(
                crossing_hourly, and_(c.checkpoint_id == cp.id, c.local_day >= cp.wifi_opened_on,
                                      *_filters(crossing_hourly, None, directions))))
            .where(cp.active.is_(True), *([cp.id.in_(list(checkpoint_ids))] if checkpoint_ids is not None else []))
            .group_by(cp.id, cp.wifi_opened_on).order_by(cp.id))
    frame = _frame(conn, stmt, ("checkpoint_id", "wifi_opened_on"), measures)
    frame["wifi_opened_on"] = frame["wifi_opened_on"].map(lambda v: None if v is None or pd.isna(v)
                                                          else pd.Timestamp(v).date())
    return frame


def channel_mix(conn: Connection, first_day: dt.date, last_day: dt.date, *, checkpoint_ids: Ids = None,
                directions: Dirs = None) -> pd.DataFrame:
    """Crossings per checkpoint and declaration channel: checkpoint_id, channel (one of CHANNELS),
    crossings."""
    names = [f"channel_{ch}" for ch in CHANNELS]
    wide = _day_sums(conn, first_day, last_day, measures=names, by=("checkpoint_id",),
                     checkpoint_ids=checkpoint_ids, directions=directions)
    long = wide.melt(id_vars="checkpoint_id", value_vars=names, var_name="channel", value_name="crossings")
    long["channel"] = long["channel"].str.removeprefix("channel_")
    order = {ch: i for i, ch in enumerate(CHANNELS)}
    return (long.astype({"crossings": "int64"}).sort_values(["checkpoint_id", "channel"], key=lambda s: s.map(
        order) if s.name == "channel" else s).reset_index(drop=True))

