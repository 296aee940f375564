"""Every figure of the committee pages reconciled with a direct count over the declarations, on both backends.

The store gets a reproducible mix of declarations over ten local days, plus rows on the edges that
matter: 23:59:59 and 00:00:00 local time, exactly one hour before "now", one second before "now", and a
few minutes after "now" (a live figure must not count them). Expected values are counted from the raw
rows with UTC ``declared_at`` windows computed here, never from the rollups the queries read.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from sqlalchemy import and_, distinct, func, not_, or_, select, update

from data_access import schema
from data_access.queries import adoption, high_risk, live_map, traffic
from data_access.risk import HotZone, HotZoneIndex
from data_access.schema import CHANNELS, SYMPTOMS, VEHICLES, declarations
from data_access.store import write_declarations
from data_access.timeutil import LOCAL_TZ, local_day_hour, local_midnight_utc, to_store
from tests.support import declaration

NOW_LOCAL = dt.datetime(2026, 11, 20, 14, 25, 30, tzinfo=LOCAL_TZ)
NOW = to_store(NOW_LOCAL)
TODAY = NOW_LOCAL.date()
DAY = dt.timedelta(days=1)
ZONES = [
    HotZone(province_code="24", label="Chỉ thị 16", valid_from=TODAY - 30 * DAY),
    HotZone(province_code="79", label="Phong tỏa", valid_from=TODAY - 12 * DAY, district_name="Gò Vấp"),
    HotZone(province_code="27", label="Chỉ thị 15", valid_from=TODAY - 30 * DAY, valid_to=TODAY - 5 * DAY),
]
ORIGINS = [("36", None), ("01", None), ("24", None), ("79", "Gò Vấp"), ("79", "Quận 1"), ("27", None), ("35", None)]
PLATES = [f"17B1-{n:05d}" for n in range(6)]
d = declarations.c


def local(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LOCAL_TZ)


def _random_row(rng: random.Random, checkpoint_id: int, at: dt.datetime, **overrides) -> dict:
    origin, district = rng.choice(ORIGINS)
    values = dict(
        direction=rng.choice(("in", "out")),
        channel=rng.choice(CHANNELS),
        vehicle=rng.choice((*VEHICLES, None)),
        plate=rng.choice((*PLATES, None, None)),
        origin_province_code=origin,
        origin_district=district,
        contact_f0=rng.random() < 0.08,
        visited_hotzone=rng.random() < 0.2,
        fever=rng.random() < 0.1,
        cough=rng.random() < 0.1,
        bluezone_installed=rng.random() < 0.4,
        used_free_wifi=rng.random() < 0.3,
    )
    values.update(overrides)
    return declaration(checkpoint_id, at, **values)


def build_rows(ids: dict[str, int]) -> list[dict]:
    """Ten local days of declarations ending at NOW, with the edge rows."""
    rng = random.Random(20211)
    rows = []
    for back in range(10, -1, -1):
        day = TODAY - back * DAY
        for _ in range(45):
            code = rng.choice(list(ids))
            at = local(day) + dt.timedelta(seconds=rng.randrange(86400))
            if day == TODAY:
                # TRIEU_DUONG falls silent 40 minutes before now: the map must show it grey.
                limit = NOW_LOCAL - dt.timedelta(minutes=40 if code == "TRIEU_DUONG" else 0)
                if at >= limit:
                    continue
            rows.append(_random_row(rng, ids[code], at))
        # Local midnight: the last second of the previous day and the first of this one.
        for code in ids:
            rows.append(_random_row(rng, ids[code], local(day) - dt.timedelta(seconds=1)))
            rows.append(_random_row(rng, ids[code], local(day)))
    hour_ago = NOW_LOCAL - dt.timedelta(hours=1)
    for code in ("TAN_DE", "THAI_HA"):
        rows.append(_random_row(rng, ids[code], hour_ago, contact_f0=True))  # in the last hour
        rows.append(_random_row(rng, ids[code], hour_ago - dt.timedelta(seconds=1), contact_f0=True))  # not
        rows.append(_random_row(rng, ids[code], NOW_LOCAL - dt.timedelta(seconds=1), direction="in"))
        rows.append(_random_row(rng, ids[code], NOW_LOCAL + dt.timedelta(minutes=5)))  # after now
    # The same second as now on previous days: the surge window [midnight, midnight + elapsed) excludes it.
    for back in range(1, 8):
        rows.append(_random_row(rng, ids["TAN_DE"], NOW_LOCAL - back * DAY, contact_f0=True))
    return rows


@pytest.fixture
def store(engine):
    """The engine with the declarations of :func:`build_rows`, the hot zones, and Wi-Fi opening days."""
    with engine.begin() as conn:
        ids = {code: cid for cid, code in conn.execute(select(schema.checkpoints.c.id, schema.checkpoints.c.code))}
        conn.execute(
            schema.hot_zones.insert(),
            [
                dict(
                    province_code=z.province_code,
                    district_name=z.district_name,
                    label=z.label,
                    valid_from=z.valid_from,
                    valid_to=z.valid_to,
                    created_at=NOW,
                )
                for z in ZONES
            ],
        )
        for code, opened in (("TAN_DE", TODAY - 3 * DAY), ("THAI_HA", None), ("TRIEU_DUONG", TODAY)):
            conn.execute(
                update(schema.checkpoints).where(schema.checkpoints.c.code == code).values(wifi_opened_on=opened)
            )
        written = write_declarations(conn, build_rows(ids), HotZoneIndex(ZONES))
        assert len(written.ids) > 400
    return engine, ids


def count(conn, *conditions) -> int:
    """A direct count over the declarations."""
    return conn.execute(select(func.count()).select_from(declarations).where(*conditions)).scalar()


def window(lo: dt.datetime, hi: dt.datetime):
    return and_(d.declared_at >= lo, d.declared_at < hi)


def days_window(first: dt.date, last: dt.date, now: dt.datetime = NOW):
    """The declarations of local days [first, last] that a figure at ``now`` counts: stamped before now."""
    return window(local_midnight_utc(first), min(local_midnight_utc(last + DAY), now))


def scope(ids: list[int] | None, directions: tuple[str, ...] | None) -> list:
    conds = []
    if ids is not None:
        conds.append(d.checkpoint_id.in_(ids))
    if directions is not None:
        conds.append(d.direction.in_(directions))
    return conds


ANY_SYMPTOM = or_(*(d[s] for s in SYMPTOMS))
FILTERS = [  # (days back to first, days back to last, checkpoint codes, directions)
    (0, 0, None, None),
    (6, 1, None, None),
    (10, 0, ("TAN_DE", "TRIEU_DUONG"), ("in",)),
    (1, 1, ("THAI_HA",), ("out",)),
]


def _filter_args(ids: dict[str, int], spec):
    back_first, back_last, codes, directions = spec
    first, last = TODAY - back_first * DAY, TODAY - back_last * DAY
    chosen = None if codes is None else [ids[c] for c in codes]
    return first, last, dict(checkpoint_ids=chosen, directions=directions, now=NOW)


# --- live map -----------------------------------------------------------------------------------


def test_checkpoint_state_thresholds():
    silent_after = 30
    just_before = NOW - dt.timedelta(minutes=30) + dt.timedelta(seconds=1)
    assert live_map.checkpoint_state(just_before, NOW, silent_after) == live_map.STATE_NORMAL
    assert live_map.checkpoint_state(just_before, NOW, silent_after, attention=True) == live_map.STATE_ATTENTION
    # silent at 30 minutes exactly, on the map and on the data-quality page alike
    assert (
        live_map.checkpoint_state(NOW - dt.timedelta(minutes=30), NOW, silent_after, attention=True)
        == live_map.STATE_SILENT
    )
    assert live_map.checkpoint_state(None, NOW, silent_after) == live_map.STATE_SILENT


def test_checkpoint_live_status_reconciles(store):
    engine, ids = store
    midnight = local_midnight_utc(TODAY)
    with engine.connect() as conn:
        status = live_map.checkpoint_live_status(conn, NOW, silent_after_minutes=30)
        assert sorted(status["code"]) == sorted(ids)
        for row in status.itertuples():
            cid = d.checkpoint_id == row.id
            last_hour = window(NOW - dt.timedelta(hours=1), NOW)
            today = window(midnight, NOW)
            assert row.last_hour == count(conn, cid, last_hour)
            assert row.last_hour_high_risk == count(conn, cid, last_hour, d.risk_level == "high")
            assert row.today_in == count(conn, cid, today, d.direction == "in")
            assert row.today_out == count(conn, cid, today, d.direction == "out")
            assert row.today_crossings == row.today_in + row.today_out
            assert row.today_high_risk == count(conn, cid, today, d.risk_level == "high")
            assert row.today_electronic == count(conn, cid, today, d.channel != "paper")
            assert row.today_free_wifi == count(conn, cid, today, d.used_free_wifi)
            newest = conn.execute(select(func.max(d.declared_at)).where(cid, d.declared_at <= NOW)).scalar()
            assert row.last_declared_at == newest
        states = dict(zip(status["code"], status["state"], strict=False))
        # Contact-with-a-case rows exactly one hour ago at TAN_DE and THAI_HA: high risk in the last hour, but
        # no surge and no contact in the last 15 minutes here (the rows one second before now are low risk).
        assert states["TAN_DE"] in (live_map.STATE_NORMAL, live_map.STATE_ATTENTION)
        assert states["TRIEU_DUONG"] == live_map.STATE_SILENT
        # The rows five minutes after now are not "the last declaration" yet.
        assert (status["last_declared_at"] < NOW).all()

        only = live_map.checkpoint_live_status(conn, NOW, silent_after_minutes=30, checkpoint_ids=[ids["THAI_HA"]])
        assert list(only["code"]) == ["THAI_HA"]


def test_origins_today_reconciles(store):
    engine, ids = store
    today = window(local_midnight_utc(TODAY), NOW)
    with engine.connect() as conn:
        for chosen in (None, [ids["TAN_DE"]]):
            origins = live_map.origins_today(conn, NOW, checkpoint_ids=chosen)
            expected = dict(
                conn.execute(
                    select(d.origin_province_code, func.count())
                    .where(today, d.direction == "in", *scope(chosen, None))
                    .group_by(d.origin_province_code)
                ).all()
            )
            assert dict(zip(origins["province_code"], origins["travellers"], strict=False)) == expected
            for row in origins.itertuples():
                where = [today, d.direction == "in", d.origin_province_code == row.province_code, *scope(chosen, None)]
                assert row.high_risk == count(conn, *where, d.risk_level == "high")
                assert row.from_hotzone == count(conn, *where, d.origin_in_hotzone)
            assert list(origins["travellers"]) == sorted(origins["travellers"], reverse=True)
        everyone = live_map.origins_today(conn, NOW)
        hot = dict(zip(everyone["province_code"], everyone["hot_zone"], strict=False))
        assert {"24", "79", "27", "36"} <= set(hot)
        # Bắc Giang is a hot zone as a whole, HCMC in one district, Bắc Ninh's zone has expired.
        assert hot.get("24") == "province"
        assert hot.get("79") == "district"
        assert pd_isna(hot.get("27")) and pd_isna(hot.get("36"))


def pd_isna(value) -> bool:
    return value is None or value != value


# --- traffic ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", FILTERS)
def test_traffic_figures_reconcile(store, spec):
    engine, ids = store
    first, last, where = _filter_args(ids, spec)
    conds = scope(where["checkpoint_ids"], where["directions"])
    with engine.connect() as conn:
        by_day = traffic.crossings_by_day(conn, first, last, **where)
        assert by_day["crossings"].sum() == count(conn, days_window(first, last), *conds)
        for row in by_day.itertuples():
            assert row.crossings == count(
                conn,
                days_window(row.local_day, row.local_day),
                d.checkpoint_id == row.checkpoint_id,
                d.direction == row.direction,
                *conds,
            )

        by_hour = traffic.crossings_by_hour(conn, first, last, **where)
        assert by_hour["crossings"].sum() == count(conn, days_window(first, last), *conds)
        for row in by_hour.itertuples():
            start = local_midnight_utc(row.local_day) + dt.timedelta(hours=row.local_hour)
            assert row.crossings == count(
                conn,
                window(start, min(start + dt.timedelta(hours=1), NOW)),
                d.checkpoint_id == row.checkpoint_id,
                *conds,
            )

        vehicles = traffic.crossings_by_vehicle(conn, first, last, **where)
        for row in vehicles.itertuples():
            kind = d.vehicle.is_(None) if row.vehicle == "unknown" else d.vehicle == row.vehicle
            assert row.crossings == count(
                conn, days_window(first, last), d.checkpoint_id == row.checkpoint_id, kind, *conds
            )
        assert vehicles["crossings"].sum() == count(conn, days_window(first, last), *conds)

        people = traffic.people_and_vehicles_by_day(conn, first, last, **where)
        for row in people.itertuples():
            day = days_window(row.local_day, row.local_day)
            assert row.crossings == count(conn, day, *conds)
            plates = conn.execute(select(func.count(distinct(d.plate))).where(day, d.plate.is_not(None), *conds))
            assert row.vehicles == plates.scalar()

        # Peak hours: recount every local hour from the raw timestamps, independently of the rollup.
        stamps = conn.execute(select(d.declared_at, d.direction).where(days_window(first, last), *conds)).all()
        hours = Counter(local_day_hour(ts) for ts, _ in stamps)
        peaks = traffic.peak_hours(conn, first, last, **where, limit=5)
        assert len(peaks) == min(5, len(hours))
        ranked = sorted(hours.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        assert [((r.local_day, r.local_hour), r.crossings) for r in peaks.itertuples()] == ranked
        for r in peaks.itertuples():
            assert r.crossings_in == sum(
                1 for ts, way in stamps if way == "in" and local_day_hour(ts) == (r.local_day, r.local_hour)
            )
            assert r.crossings_in + r.crossings_out == r.crossings


def test_day_filter_edges_at_local_midnight(engine):
    """23:59:59 belongs to the day before, 00:00:00 to the day it starts."""
    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id).where(schema.checkpoints.c.code == "TAN_DE")).scalar()
        write_declarations(
            conn,
            [
                declaration(cid, local(TODAY) - dt.timedelta(seconds=1), plate="30A-11111"),
                declaration(cid, local(TODAY), plate="30A-11111"),
                declaration(cid, local(TODAY) + dt.timedelta(seconds=1), plate="30A-22222"),
            ],
            HotZoneIndex([]),
        )
    with engine.connect() as conn:
        later = local_midnight_utc(TODAY) + dt.timedelta(hours=1)
        yesterday = traffic.crossings_by_day(conn, TODAY - DAY, TODAY - DAY, now=later)
        today = traffic.crossings_by_day(conn, TODAY, TODAY, now=later)
        assert yesterday["crossings"].sum() == 1
        assert today["crossings"].sum() == 2
        hourly = traffic.crossings_by_hour(conn, TODAY - DAY, TODAY, now=later)
        assert {(r.local_day, r.local_hour): r.crossings for r in hourly.itertuples()} == {
            (TODAY - DAY, 23): 1,
            (TODAY, 0): 2,
        }
        people = traffic.people_and_vehicles_by_day(conn, TODAY - DAY, TODAY, now=later)
        assert list(people["vehicles"]) == [1, 2]


# --- high risk ----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", FILTERS)
def test_risk_figures_reconcile(store, spec):
    engine, ids = store
    first, last, where = _filter_args(ids, spec)
    conds = scope(where["checkpoint_ids"], where["directions"])
    with engine.connect() as conn:
        levels = high_risk.risk_levels_by_day(conn, first, last, **where)
        reasons = high_risk.high_risk_reasons_by_day(conn, first, last, **where)
        for row in levels.itertuples():
            base = [days_window(row.local_day, row.local_day), d.checkpoint_id == row.checkpoint_id, *conds]
            for level in ("high", "medium", "low"):
                assert getattr(row, f"risk_{level}") == count(conn, *base, d.risk_level == level)
        for row in reasons.itertuples():
            base = [days_window(row.local_day, row.local_day), d.checkpoint_id == row.checkpoint_id, *conds]
            assert row.reason_contact_f0 == count(conn, *base, d.contact_f0)
            assert row.reason_hotzone_origin == count(conn, *base, d.origin_in_hotzone)
            assert row.reason_symptom_travel == count(conn, *base, ANY_SYMPTOM, d.visited_hotzone)
        assert levels["risk_high"].sum() == count(conn, days_window(first, last), d.risk_level == "high", *conds)

        origins = high_risk.high_risk_origins(conn, first, last, **where, limit=50)
        expected = dict(
            conn.execute(
                select(d.origin_province_code, func.count())
                .where(days_window(first, last), d.risk_level == "high", *conds)
                .group_by(d.origin_province_code)
            ).all()
        )
        assert dict(zip(origins["province_code"], origins["high_risk"], strict=False)) == expected
        for row in origins.itertuples():
            base = [days_window(first, last), d.origin_province_code == row.province_code, *conds]
            assert row.crossings == count(conn, *base)
            assert row.from_hotzone == count(conn, *base, d.origin_in_hotzone)


@pytest.mark.parametrize(
    ("today", "previous", "flag"),
    [
        (30, [20] * 7, True),  # +50% and +10 exactly
        (29, [20] * 7, False),  # +45%
        (14, [4] * 7, True),  # +10 exactly, far above +50%
        (13, [4] * 7, False),  # +9
        (45, [30] * 7, True),  # +50% exactly, +15
        (44, [30] * 7, False),  # +14 but under +50%
        (10, [0] * 7, True),
        (9, [0] * 7, False),
        (12, [1, 1, 1, 1, 1, 1, 2], True),  # average 8/7: +10.86
        (11, [1, 1, 1, 1, 1, 1, 2], False),  # +9.86
    ],
)
def test_surge_rule_thresholds(today, previous, flag):
    assert high_risk.is_surge(today, previous) is flag


def test_high_risk_surge_reconciles(store):
    engine, ids = store
    elapsed = NOW - local_midnight_utc(TODAY)
    with engine.connect() as conn:
        for chosen in (None, [ids["TAN_DE"]]):
            surge = high_risk.high_risk_surge(conn, NOW, checkpoint_ids=chosen)
            counts = []
            for back in range(8):
                start = local_midnight_utc(TODAY - back * DAY)
                counts.append(count(conn, window(start, start + elapsed), d.risk_level == "high", *scope(chosen, None)))
            assert surge.today == counts[0]
            assert surge.previous == tuple(counts[1:])
            assert surge.flag is high_risk.is_surge(counts[0], counts[1:])


@pytest.mark.parametrize(("today_high", "flag"), [(12, True), (11, False)])
def test_high_risk_surge_flags_a_real_surge(engine, today_high, flag):
    """Two high-risk arrivals before this time on each of the 7 previous days; today 12 is a surge (+10,
    ×6), 11 is not (+9). Arrivals at this very second on the previous days are outside the window."""
    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id)).scalars().first()
        rows = []
        for back in range(1, 8):
            same_time = NOW_LOCAL - back * DAY
            rows += [
                declaration(cid, same_time - dt.timedelta(seconds=1), contact_f0=True),
                declaration(cid, local(same_time.date()), contact_f0=True),
                declaration(cid, same_time, contact_f0=True),
            ]
        rows += [declaration(cid, local(TODAY) + dt.timedelta(minutes=m), contact_f0=True) for m in range(today_high)]
        rows.append(declaration(cid, NOW_LOCAL, contact_f0=True))  # at now: not yet counted
        write_declarations(conn, rows, HotZoneIndex([]))
    with engine.connect() as conn:
        surge = high_risk.high_risk_surge(conn, NOW)
    assert surge.previous == (2,) * 7
    assert surge.today == today_high
    assert surge.flag is flag


# --- app adoption -------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", FILTERS)
def test_adoption_figures_reconcile(store, spec):
    engine, ids = store
    first, last, where = _filter_args(ids, spec)
    conds = scope(where["checkpoint_ids"], where["directions"])
    with engine.connect() as conn:
        by_day = adoption.adoption_by_day(conn, first, last, **where)
        for row in by_day.itertuples():
            base = [days_window(row.local_day, row.local_day), d.checkpoint_id == row.checkpoint_id, *conds]
            assert row.crossings == count(conn, *base)
            assert row.electronic == count(conn, *base, d.channel != "paper")
            assert row.bluezone_installed == count(conn, *base, d.bluezone_installed)
        per_checkpoint = adoption.adoption_by_checkpoint(conn, first, last, **where)
        for row in per_checkpoint.itertuples():
            base = [days_window(first, last), d.checkpoint_id == row.checkpoint_id, *conds]
            assert row.crossings == count(conn, *base)
            assert row.electronic == count(conn, *base, not_(d.channel == "paper"))
            assert row.bluezone_installed == count(conn, *base, d.bluezone_installed)
        mix = adoption.channel_mix(conn, first, last, **where)
        for row in mix.itertuples():
            assert row.crossings == count(
                conn, days_window(first, last), d.checkpoint_id == row.checkpoint_id, d.channel == row.channel, *conds
            )
        assert mix["crossings"].sum() == count(conn, days_window(first, last), *conds)


def test_free_wifi_since_opening_reconciles(store):
    engine, ids = store
    opened = {"TAN_DE": TODAY - 3 * DAY, "THAI_HA": None, "TRIEU_DUONG": TODAY}
    with engine.connect() as conn:
        for directions in (None, ("in",)):
            wifi = adoption.free_wifi_since_opening(conn, now=NOW, directions=directions)
            by_id = {row.checkpoint_id: row for row in wifi.itertuples()}
            for code, day in opened.items():
                row = by_id[ids[code]]
                assert row.wifi_opened_on == day
                if day is None:
                    assert (row.crossings, row.electronic, row.free_wifi) == (0, 0, 0)
                    continue
                base = [
                    d.checkpoint_id == ids[code],
                    d.declared_at >= local_midnight_utc(day),
                    d.declared_at < NOW,
                    *scope(None, directions),
                ]
                assert row.crossings == count(conn, *base)
                assert row.electronic == count(conn, *base, d.channel != "paper")
                assert row.free_wifi == count(conn, *base, d.used_free_wifi)
                assert row.free_wifi > 0


def test_free_wifi_counts_on_a_store_made_by_init(engine):
    """A store made by init (no simulator) has the Wi-Fi opening days of June 2021: imported rows that
    declare using the free Wi-Fi are counted since then, and the IT team can correct a day."""
    from data_access.store import set_wifi_opened_on

    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id).where(schema.checkpoints.c.code == "TAN_DE")).scalar()
        write_declarations(
            conn,
            [declaration(cid, NOW_LOCAL - dt.timedelta(hours=h), used_free_wifi=h % 2 == 0) for h in range(1, 7)],
            HotZoneIndex([]),
        )
    with engine.connect() as conn:
        wifi = adoption.free_wifi_since_opening(conn, now=NOW).set_index("checkpoint_id")
    assert wifi.loc[cid, "wifi_opened_on"] == dt.date(2021, 6, 15)
    assert (wifi.loc[cid, "crossings"], wifi.loc[cid, "free_wifi"]) == (6, 3)
    with engine.begin() as conn:
        set_wifi_opened_on(conn, cid, TODAY, TODAY)
        with pytest.raises(ValueError):
            set_wifi_opened_on(conn, cid, dt.date(2020, 1, 1), TODAY)
    with engine.connect() as conn:
        wifi = adoption.free_wifi_since_opening(conn, now=NOW).set_index("checkpoint_id")
    today_rows = sum(1 for h in range(1, 7) if (NOW_LOCAL - dt.timedelta(hours=h)).date() == TODAY)
    assert wifi.loc[cid, "crossings"] == today_rows


def test_wifi_editor_changes():
    import pandas as pd

    from dashboard.views.quality import wifi_changes, wifi_frame

    before = wifi_frame(
        pd.DataFrame({"id": [1, 2], "name": ["A", "B"], "wifi_opened_on": [dt.date(2021, 6, 15), dt.date(2021, 6, 15)]})
    )
    after = before.copy()
    after.loc[1, "wifi_opened_on"] = pd.Timestamp(2021, 6, 20)
    assert wifi_changes(before, after) == [(2, dt.date(2021, 6, 20))]
    after.loc[0, "wifi_opened_on"] = None
    assert wifi_changes(before, after) == [(1, None), (2, dt.date(2021, 6, 20))]


def test_free_wifi_is_never_negative_before_the_wifi_opens(engine):
    """A checkpoint whose Wi-Fi opens after the page's day counts nothing, even with rows stamped after now."""
    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id).where(schema.checkpoints.c.code == "THAI_HA")).scalar()
        conn.execute(
            update(schema.checkpoints).where(schema.checkpoints.c.id == cid).values(wifi_opened_on=TODAY + DAY)
        )
        write_declarations(
            conn, [declaration(cid, NOW_LOCAL + dt.timedelta(minutes=5), used_free_wifi=True)], HotZoneIndex([])
        )
    with engine.connect() as conn:
        wifi = adoption.free_wifi_since_opening(conn, now=NOW).set_index("checkpoint_id")
    assert (wifi.loc[cid, "crossings"], wifi.loc[cid, "free_wifi"]) == (0, 0)
