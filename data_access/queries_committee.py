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
from .queries import _filters, checkpoint_table, days_before_now, stamped_after, totals_frame, window_counts
from .schema import CHANNELS, VEHICLES, crossing_hourly, declarations, origin_hourly
from .timeutil import floor_hour, local_day_hour, local_midnight_utc, local_today

#: Checkpoint states on the live map, in the order of their urgency.
STATE_SILENT, STATE_ATTENTION, STATE_NORMAL = "silent", "attention", "normal"
#: Why a checkpoint needs attention: more high-risk arrivals in the last hour than usual for that hour,
#: or an arrival who had contact with a confirmed case in the last few minutes.
ATTENTION_SURGE, ATTENTION_CONTACT = "surge", "contact_f0"
ATTENTION_CONTACT_MINUTES = 15
#: "More than usual" for one checkpoint's hour: the surge rule with a smaller margin (an hour at one
#: checkpoint has a tenth of a day's province-wide count).
ATTENTION_MIN_EXCESS = 5
#: High-risk reasons (rollup measures); one traveller may have several.
REASONS = ("reason_contact_f0", "reason_hotzone_origin", "reason_symptom_travel")
#: The surge rule (issue 3): today's high-risk count up to this hour against the same hours of the
#: previous ``SURGE_BASELINE_DAYS`` days.
SURGE_BASELINE_DAYS = 7
SURGE_MIN_EXCESS = 10
SURGE_RATIO = Fraction(3, 2)

Ids = Sequence[int] | None
Dirs = Sequence[str] | None


def _day_sums(conn: Connection, first_day: dt.date, last_day: dt.date, now: dt.datetime, *,
              measures: Sequence[str], by: Sequence[str], checkpoint_ids: Ids, directions: Dirs,
              table=crossing_hourly) -> pd.DataFrame:
    """Sums of rollup ``measures`` over the local days [first_day, last_day] up to ``now``, grouped
    ``by``, in key order."""
    totals = days_before_now(conn, first_day, last_day, now, measures=measures, by=by,
                             checkpoint_ids=checkpoint_ids, directions=directions, rollup=table)
    frame = totals_frame(totals, by, measures)
    if "local_day" in frame:
        frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame


# --- live map -----------------------------------------------------------------------------------

def checkpoint_state(last_declared_at: dt.datetime | None, now: dt.datetime, silent_after_minutes: int, *,
                     attention: bool = False) -> str:
    """A checkpoint's state, on the map and on the data-quality page alike: silent (no declaration for
    ``silent_after_minutes`` or more, or ever), else attention (``attention``: see
    :func:`checkpoint_live_status`), else normal."""
    if last_declared_at is None or now - last_declared_at >= dt.timedelta(minutes=silent_after_minutes):
        return STATE_SILENT
    return STATE_ATTENTION if attention else STATE_NORMAL


def _high_risk_arrivals_last_hour(conn: Connection, now: dt.datetime, checkpoint_ids: Ids
                                  ) -> dict[int, list[int]]:
    """Per checkpoint: high-risk arrivals in [now - 1 h, now), then in the same hour on each of the
    previous ``SURGE_BASELINE_DAYS`` days (yesterday first). One short declared_at range per day."""
    d = declarations.c
    hour = dt.timedelta(hours=1)
    arms = [select(literal(back).label("back"), d.checkpoint_id, func.count().label("n"))
            .where(d.declared_at >= now - hour - dt.timedelta(days=back), d.declared_at < now - dt.timedelta(days=back),
                   d.direction == "in", d.risk_level == "high", *_filters(declarations, checkpoint_ids, None))
            .group_by(d.checkpoint_id)
            for back in range(SURGE_BASELINE_DAYS + 1)]
    out: dict[int, list[int]] = {}
    for back, cid, n in conn.execute(union_all(*arms)).all():
        out.setdefault(cid, [0] * (SURGE_BASELINE_DAYS + 1))[back] = int(n)
    return out


def _recent_contacts(conn: Connection, now: dt.datetime, checkpoint_ids: Ids) -> dict[int, int]:
    """Per checkpoint: arrivals who had contact with a confirmed case in the last few minutes."""
    d = declarations.c
    stmt = (select(d.checkpoint_id, func.count())
            .where(d.declared_at >= now - dt.timedelta(minutes=ATTENTION_CONTACT_MINUTES), d.declared_at < now,
                   d.direction == "in", d.contact_f0.is_(True), *_filters(declarations, checkpoint_ids, None))
            .group_by(d.checkpoint_id))
    return {cid: int(n) for cid, n in conn.execute(stmt).all()}


def attention_reason(arrivals: Sequence[int], contacts: int) -> str | None:
    """Why a checkpoint needs attention, or None: ``arrivals`` are its high-risk arrivals in the last
    hour and then in the same hour of the previous days; ``contacts`` its arrivals with a contact with
    a confirmed case in the last :data:`ATTENTION_CONTACT_MINUTES` minutes."""
    if contacts > 0:
        return ATTENTION_CONTACT
    if arrivals and is_surge(arrivals[0], arrivals[1:], min_excess=ATTENTION_MIN_EXCESS):
        return ATTENTION_SURGE
    return None


def checkpoint_live_status(conn: Connection, now: dt.datetime, *, silent_after_minutes: int,
                           checkpoint_ids: Ids = None) -> pd.DataFrame:
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
    hour = window_counts(conn, now - dt.timedelta(hours=1), now, measures=("crossings", "risk_high"),
                         by=("checkpoint_id",), checkpoint_ids=checkpoint_ids)
    today = window_counts(conn, local_midnight_utc(local_today(now)), now,
                          measures=("crossings", "risk_high", "electronic", "free_wifi"),
                          by=("checkpoint_id", "direction"), checkpoint_ids=checkpoint_ids)
    arrivals = _high_risk_arrivals_last_hour(conn, now, checkpoint_ids)
    contacts = _recent_contacts(conn, now, checkpoint_ids)
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
        counts = arrivals.get(row.id, [0] * (SURGE_BASELINE_DAYS + 1))
        reason = attention_reason(counts, contacts.get(row.id, 0))
        state = checkpoint_state(last.get(row.id), now, silent_after_minutes, attention=reason is not None)
        records.append({
            **row._asdict(),
            "last_hour": int(hour_rows["crossings"].sum()),
            "last_hour_high_risk": int(hour_rows["risk_high"].sum()),
            "high_risk_arrivals": counts[0],
            "usual_high_risk": sum(counts[1:]) / SURGE_BASELINE_DAYS,
            "today_in": today_sum(row.id, "crossings", "in"),
            "today_out": today_sum(row.id, "crossings", "out"),
            "today_crossings": today_sum(row.id, "crossings"),
            "today_high_risk": today_sum(row.id, "risk_high"),
            "today_electronic": today_sum(row.id, "electronic"),
            "today_free_wifi": today_sum(row.id, "free_wifi"),
            "last_declared_at": last.get(row.id),
            "state": state,
            "attention": reason if state == STATE_ATTENTION else None,
        })
    columns = ["id", "code", "name", "lat", "lon", "last_hour", "last_hour_high_risk", "high_risk_arrivals",
               "usual_high_risk", "today_in",
               "today_out", "today_crossings", "today_high_risk", "today_electronic", "today_free_wifi",
               "last_declared_at", "state", "attention"]
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

def crossings_by_hour(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime, checkpoint_ids: Ids = None,
                      directions: Dirs = None) -> pd.DataFrame:
    """Crossings per local hour and checkpoint: local_day, local_hour, checkpoint_id, crossings."""
    return _day_sums(conn, first_day, last_day, now, measures=("crossings",),
                     by=("local_day", "local_hour", "checkpoint_id"), checkpoint_ids=checkpoint_ids,
                     directions=directions)


def crossings_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime, checkpoint_ids: Ids = None,
                     directions: Dirs = None) -> pd.DataFrame:
    """Crossings per local day, checkpoint and direction: local_day, checkpoint_id, direction, crossings."""
    return _day_sums(conn, first_day, last_day, now, measures=("crossings",),
                     by=("local_day", "checkpoint_id", "direction"), checkpoint_ids=checkpoint_ids,
                     directions=directions)


def crossings_by_vehicle(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime, checkpoint_ids: Ids = None,
                         directions: Dirs = None) -> pd.DataFrame:
    """Crossings per checkpoint and vehicle type: checkpoint_id, vehicle (one of VEHICLES or "unknown"),
    crossings. Every checkpoint with traffic has a row per vehicle type."""
    names = [f"vehicle_{v}" for v in VEHICLES] + ["vehicle_unknown"]
    wide = _day_sums(conn, first_day, last_day, now, measures=names, by=("checkpoint_id",),
                     checkpoint_ids=checkpoint_ids, directions=directions)
    long = wide.melt(id_vars="checkpoint_id", value_vars=names, var_name="vehicle", value_name="crossings")
    long["vehicle"] = long["vehicle"].str.removeprefix("vehicle_")
    return long.astype({"crossings": "int64"}).sort_values(["checkpoint_id", "vehicle"]).reset_index(drop=True)


def people_and_vehicles_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime,
                               checkpoint_ids: Ids = None, directions: Dirs = None) -> pd.DataFrame:
    """Per local day up to ``now``: crossings (people) and vehicles (distinct plates seen that day at
    the selected checkpoints and directions). Columns: local_day, crossings, vehicles."""
    # rows, not a frame: this is the slowest figure, and a pandas frame costs milliseconds
    people = {key[0]: values[0] for key, values in days_before_now(
        conn, first_day, last_day, now, measures=("crossings",), by=("local_day",),
        checkpoint_ids=checkpoint_ids, directions=directions).items()}
    # Read from the partial index on plated declarations alone (the WHERE repeats its condition),
    # one UNION ALL arm per day: SQLite then counts each day's distinct plates along the index
    # order, a fifth faster than one GROUP BY. The checkpoint is compared as checkpoint_id + 0,
    # which no index serves: otherwise SQLite takes the (checkpoint_id, declared_at) index and
    # reads every row of the checkpoint (ten times slower on a million rows).
    d = declarations.c
    where = [d.plate_hash.is_not(None), *_filters(declarations, None, directions)]
    if checkpoint_ids is not None:
        where.append((d.checkpoint_id + 0).in_(list(checkpoint_ids)))
    today = local_today(now)
    last_day = min(last_day, today)
    # Today's arm leaves out plates stamped after now, when there are any (it then reads rows, not
    # only the index): on a live store there rarely are.
    ahead = conn.execute(select(d.id).where(d.declared_at >= now, d.local_day == today, *where).limit(1)).first()
    all_days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    vehicles = {}
    for start in range(0, len(all_days), 100):  # SQLite allows 500 arms in one compound SELECT
        arms = [select(literal(i).label("i"), func.count(distinct(d.plate_hash)))
                .where(d.local_day == day, *where, *([d.declared_at < now] if ahead and day == today else []))
                for i, day in enumerate(all_days[start : start + 100], start=start)]
        vehicles.update((all_days[i], n) for i, n in conn.execute(union_all(*arms)).all() if n)
    days = sorted(set(people) | set(vehicles))
    return pd.DataFrame({"local_day": days, "crossings": [int(people.get(day) or 0) for day in days],
                         "vehicles": [int(vehicles.get(day) or 0) for day in days]},
                        columns=["local_day", "crossings", "vehicles"]).astype({"crossings": "int64",
                                                                                 "vehicles": "int64"})


def peak_hours(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime,
               checkpoint_ids: Ids = None, directions: Dirs = None, limit: int = 10) -> pd.DataFrame:
    """The busiest local hours of the range up to ``now``, busiest first: local_day, local_hour,
    crossings, crossings_in, crossings_out."""
    c = crossing_hourly.c
    total = func.sum(c.n_crossings)
    measures = ("crossings", "crossings_in", "crossings_out")
    now_day, now_hour = local_day_hour(now)
    # Whole hours before the current one, best first; the current hour is counted up to now apart.
    stmt = (select(c.local_day, c.local_hour, total.label("crossings"),
                   func.sum(case((c.direction == "in", c.n_crossings), else_=0)).label("crossings_in"),
                   func.sum(case((c.direction == "out", c.n_crossings), else_=0)).label("crossings_out"))
            .where(c.local_day.between(first_day, last_day), *_filters(crossing_hourly, checkpoint_ids, directions),
                   or_(c.local_day < now_day, and_(c.local_day == now_day, c.local_hour < now_hour)))
            .group_by(c.local_day, c.local_hour)
            .having(total > 0)
            .order_by(total.desc(), c.local_day, c.local_hour)
            .limit(limit))
    hours = [(day, hour, int(n), int(i), int(o)) for day, hour, n, i, o in conn.execute(stmt).all()]
    if first_day <= now_day <= last_day:
        current = window_counts(conn, floor_hour(now), now, measures=("crossings",), by=("direction",),
                                checkpoint_ids=checkpoint_ids, directions=directions)
        ways = dict(zip(current["direction"], current["crossings"]))
        n_in, n_out = int(ways.get("in", 0)), int(ways.get("out", 0))
        if n_in + n_out:
            hours.append((now_day, now_hour, n_in + n_out, n_in, n_out))
    hours = sorted(hours, key=lambda h: (-h[2], pd.Timestamp(h[0]), h[1]))[:limit]
    frame = pd.DataFrame(hours, columns=["local_day", "local_hour", *measures]).astype({m: "int64" for m in measures})
    frame["local_day"] = pd.to_datetime(frame["local_day"]).dt.date
    return frame


# --- high risk ----------------------------------------------------------------------------------

def risk_levels_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime, checkpoint_ids: Ids = None,
                       directions: Dirs = None) -> pd.DataFrame:
    """Crossings per risk level, local day and checkpoint: local_day, checkpoint_id, risk_high, risk_medium,
    risk_low."""
    return _day_sums(conn, first_day, last_day, now, measures=("risk_high", "risk_medium", "risk_low"),
                     by=("local_day", "checkpoint_id"), checkpoint_ids=checkpoint_ids, directions=directions)


def high_risk_reasons_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime,
                             checkpoint_ids: Ids = None, directions: Dirs = None) -> pd.DataFrame:
    """High-risk reasons per local day and checkpoint: local_day, checkpoint_id, reason_contact_f0,
    reason_hotzone_origin, reason_symptom_travel (each counted on its own: one traveller may have several)."""
    return _day_sums(conn, first_day, last_day, now, measures=REASONS, by=("local_day", "checkpoint_id"),
                     checkpoint_ids=checkpoint_ids, directions=directions)


def high_risk_origins(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime,
                      checkpoint_ids: Ids = None, directions: Dirs = None, limit: int = 15) -> pd.DataFrame:
    """The origin provinces behind the high-risk crossings up to ``now``, most first: province_code,
    province, high_risk, crossings (all crossings from there), from_hotzone."""
    measures = ("risk_high", "crossings", "origin_in_hotzone")
    totals = days_before_now(conn, first_day, last_day, now, measures=measures, by=("origin_province_code",),
                             checkpoint_ids=checkpoint_ids, directions=directions, rollup=origin_hourly)
    # Names are joined after grouping: at most 63 provinces, where joining first touched every row.
    p = schema.provinces.c
    names = dict(conn.execute(select(p.code, p.name)).all())
    rows = sorted(((code, names.get(code, code), *values) for (code,), values in totals.items() if values[0] > 0),
                  key=lambda r: (-r[2], r[0]))[:limit]
    frame = pd.DataFrame(rows, columns=["province_code", "province", "high_risk", "crossings", "from_hotzone"])
    return frame.astype({m: "int64" for m in ("high_risk", "crossings", "from_hotzone")})


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


def is_surge(today: int, previous: Sequence[int], *, min_excess: int = SURGE_MIN_EXCESS) -> bool:
    """The surge rule: ``today`` exceeds the average of ``previous`` by 50% and by at least ``min_excess``
    (10 for the province's day).

    "By 50%" is reached at exactly 1.5 × the average, "by at least 10" at exactly average + 10. Exact
    fractions (the average is rarely whole) so that the thresholds are exact.
    """
    average = Fraction(sum(previous), len(previous)) if previous else Fraction(0)
    return today >= SURGE_RATIO * average and today - average >= min_excess


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


def adoption_by_day(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime, checkpoint_ids: Ids = None,
                    directions: Dirs = None) -> pd.DataFrame:
    """Per local day and checkpoint: crossings, electronic (any channel but paper), bluezone_installed."""
    return _day_sums(conn, first_day, last_day, now, measures=ADOPTION_MEASURES, by=("local_day", "checkpoint_id"),
                     checkpoint_ids=checkpoint_ids, directions=directions)


def adoption_by_checkpoint(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime,
                           checkpoint_ids: Ids = None, directions: Dirs = None) -> pd.DataFrame:
    """Per checkpoint over the whole range: crossings, electronic, bluezone_installed."""
    return _day_sums(conn, first_day, last_day, now, measures=ADOPTION_MEASURES, by=("checkpoint_id",),
                     checkpoint_ids=checkpoint_ids, directions=directions)


def free_wifi_since_opening(conn: Connection, *, now: dt.datetime, checkpoint_ids: Ids = None,
                            directions: Dirs = None) -> pd.DataFrame:
    """Free Wi-Fi use per checkpoint since its Wi-Fi opened, up to ``now``.

    Columns: checkpoint_id, wifi_opened_on (None = no free Wi-Fi; its counts are 0), crossings, electronic,
    free_wifi.
    """
    c, cp = crossing_hourly.c, schema.checkpoints.c
    measures = ("crossings", "electronic", "free_wifi")
    today = local_today(now)
    stmt = (select(cp.id, cp.wifi_opened_on,
                   *(func.coalesce(func.sum(c[f"n_{m}"]), 0).label(m) for m in measures))
            .select_from(schema.checkpoints.outerjoin(
                crossing_hourly, and_(c.checkpoint_id == cp.id, c.local_day >= cp.wifi_opened_on, c.local_day <= today,
                                      *_filters(crossing_hourly, None, directions))))
            .where(cp.active.is_(True), *([cp.id.in_(list(checkpoint_ids))] if checkpoint_ids is not None else []))
            .group_by(cp.id, cp.wifi_opened_on).order_by(cp.id))
    rows = [[cid, opened, *(int(v) for v in values)] for cid, opened, *values in conn.execute(stmt).all()]
    # The rollup also holds rows stamped after now (see days_before_now): take them away again.
    ahead = stamped_after(conn, now, today, measures=measures, by=("checkpoint_id",), checkpoint_ids=checkpoint_ids,
                          directions=directions)
    for row in rows:
        if row[1] is not None and (row[0],) in ahead:
            row[2:] = [v - a for v, a in zip(row[2:], ahead[(row[0],)])]
    frame = pd.DataFrame(rows, columns=["checkpoint_id", "wifi_opened_on", *measures]).astype(
        {m: "int64" for m in measures})
    frame["wifi_opened_on"] = frame["wifi_opened_on"].map(lambda v: None if v is None or pd.isna(v)
                                                          else pd.Timestamp(v).date())
    return frame


def channel_mix(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime, checkpoint_ids: Ids = None,
                directions: Dirs = None) -> pd.DataFrame:
    """Crossings per checkpoint and declaration channel: checkpoint_id, channel (one of CHANNELS),
    crossings."""
    names = [f"channel_{ch}" for ch in CHANNELS]
    wide = _day_sums(conn, first_day, last_day, now, measures=names, by=("checkpoint_id",),
                     checkpoint_ids=checkpoint_ids, directions=directions)
    long = wide.melt(id_vars="checkpoint_id", value_vars=names, var_name="channel", value_name="crossings")
    long["channel"] = long["channel"].str.removeprefix("channel_")
    order = {ch: i for i, ch in enumerate(CHANNELS)}
    return (long.astype({"crossings": "int64"}).sort_values(["checkpoint_id", "channel"], key=lambda s: s.map(
        order) if s.name == "channel" else s).reset_index(drop=True))

