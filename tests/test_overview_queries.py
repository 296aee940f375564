"""Every Overview figure reconciled with a direct count over the raw declarations.

Includes rows at 23:59:59 and 00:00:00 local time, the edge of "same time yesterday", and a late row
written after its hour's aggregate already existed. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import select, text

from data_access import simulator
from data_access.queries import overview
from data_access.risk import HotZoneIndex
from data_access.store import load_hot_zones, rollup, schema, write_declarations
from data_access.timeutil import local_today
from tests.support import declaration

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
# 10:30:17 local on 25/11/2026: a partial hour, so both raw edges and whole rollup hours are used.
NOW = dt.datetime(2026, 11, 25, 3, 30, 17)

# Each Overview measure as an independent SQL predicate over the raw rows.
RAW_PREDICATES = {
    "crossings": "1 = 1",
    "risk_high": "risk_level = 'high'",
    "electronic": "channel <> 'paper'",
    "bluezone_installed": "bluezone_installed = :true",
}


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HCM)


def direct_count(conn, lo: dt.datetime, hi: dt.datetime, checkpoint_id: int, direction: str, measure: str) -> int:
    sql = text(
        f"SELECT count(*) FROM declarations WHERE declared_at >= :lo AND declared_at < :hi "
        f"AND checkpoint_id = :cp AND direction = :dir AND {RAW_PREDICATES[measure]}"
    )
    return conn.execute(sql, {"lo": lo, "hi": hi, "cp": checkpoint_id, "dir": direction, "true": True}).scalar()


def assert_reconciles(conn, now: dt.datetime) -> pd.DataFrame:
    counts = overview.today_vs_yesterday(conn, now)
    midnight = dt.datetime.combine(local_today(now), dt.time(), tzinfo=HCM).astimezone(UTC).replace(tzinfo=None)
    windows = {"today": (midnight, now), "yesterday": (midnight - dt.timedelta(days=1), now - dt.timedelta(days=1))}
    checked = 0
    for row in counts.itertuples():
        lo, hi = windows[row.period]
        for measure in RAW_PREDICATES:
            assert getattr(row, measure) == direct_count(conn, lo, hi, row.checkpoint_id, row.direction, measure), (
                row.period,
                row.checkpoint_id,
                row.direction,
                measure,
            )
            checked += 1
    assert checked == 3 * 2 * 2 * len(RAW_PREDICATES)
    return counts


def write(engine, rows):
    with engine.begin() as conn:
        return write_declarations(conn, rows, HotZoneIndex(load_hot_zones(conn)))


def cell(counts, period, checkpoint_id, direction, measure="crossings") -> int:
    sel = counts[(counts.period == period) & (counts.checkpoint_id == checkpoint_id) & (counts.direction == direction)]
    return int(sel[measure].iloc[0])


def test_day_boundaries_and_same_time_yesterday(engine):
    write(
        engine,
        [
            declaration(1, local(2026, 11, 24, 23, 59, 59)),  # yesterday, after "same time": not counted
            declaration(1, local(2026, 11, 25, 0, 0, 0)),  # today's first second
            declaration(1, local(2026, 11, 24, 0, 0, 0)),  # yesterday's first second
            declaration(1, local(2026, 11, 23, 23, 59, 59)),  # the day before yesterday
            declaration(1, local(2026, 11, 24, 10, 30, 16)),  # yesterday, one second before same time
            declaration(1, local(2026, 11, 24, 10, 30, 17)),  # yesterday at exactly same time: excluded
            declaration(1, local(2026, 11, 25, 10, 30, 16)),  # today, one second before now
            declaration(1, local(2026, 11, 25, 10, 30, 17)),  # now itself: not yet
            declaration(2, local(2026, 11, 25, 9, 59, 59), direction="out", channel="paper", contact_f0=True),
            declaration(3, local(2026, 11, 25, 10, 0, 0), bluezone_installed=True, fever=True, visited_hotzone=True),
        ],
    )
    with engine.connect() as conn:
        counts = assert_reconciles(conn, NOW)
    assert cell(counts, "today", 1, "in") == 2
    assert cell(counts, "yesterday", 1, "in") == 2
    assert cell(counts, "today", 2, "out", "risk_high") == 1
    assert cell(counts, "today", 2, "out", "electronic") == 0
    assert cell(counts, "today", 3, "in", "risk_high") == 1
    assert cell(counts, "today", 3, "in", "bluezone_installed") == 1


def test_a_late_row_for_an_earlier_hour_is_counted(engine):
    write(engine, [declaration(1, local(2026, 11, 25, 8, 15)), declaration(1, local(2026, 11, 25, 10, 5))])
    with engine.connect() as conn:
        before = cell(overview.today_vs_yesterday(conn, NOW), "today", 1, "in")
    # Arrives after its hour's aggregate row exists, and out of order.
    write(engine, [declaration(1, local(2026, 11, 25, 8, 45)), declaration(1, local(2026, 11, 25, 2, 0))])
    with engine.connect() as conn:
        counts = assert_reconciles(conn, NOW)
    assert cell(counts, "today", 1, "in") == before + 2


def test_duplicate_declaration_ids_are_not_counted_twice(engine):
    row = declaration(1, local(2026, 11, 25, 9, 0))
    assert len(write(engine, [row]).ids) == 1
    assert len(write(engine, [row, dict(row)]).ids) == 0
    with engine.connect() as conn:
        assert cell(assert_reconciles(conn, NOW), "today", 1, "in") == 1


@pytest.fixture
def seeded(engine):
    simulator.seed(engine, days=3, seed=11, scale=0.05, now=NOW)
    return engine


def test_simulated_days_reconcile_at_many_instants(seeded):
    with seeded.connect() as conn:
        for now in (
            NOW,
            NOW.replace(minute=0, second=0),
            dt.datetime(2026, 11, 24, 16, 59, 59),
            dt.datetime(2026, 11, 24, 17, 0, 0),
            dt.datetime(2026, 11, 24, 17, 0, 1),
        ):
            assert_reconciles(conn, now)


def test_daily_trend_matches_local_days_of_raw_rows(seeded):
    with seeded.connect() as conn:
        trend = overview.daily_trend(conn, local_today(NOW), now=NOW, days=7)
        raw = pd.DataFrame(
            conn.execute(
                select(
                    schema.declarations.c.declared_at,
                    schema.declarations.c.checkpoint_id,
                    schema.declarations.c.risk_level,
                    schema.declarations.c.channel,
                    schema.declarations.c.bluezone_installed,
                )
            ).all(),
            columns=["declared_at", "checkpoint_id", "risk_level", "channel", "bluezone_installed"],
        )
    # Local day computed here from the UTC timestamp, independently of the stored local_day.
    raw["local_day"] = [ts.replace(tzinfo=UTC).astimezone(HCM).date() for ts in raw["declared_at"]]
    raw["crossings"] = 1
    raw["risk_high"] = (raw["risk_level"] == "high").astype(int)
    raw["electronic"] = (raw["channel"] != "paper").astype(int)
    raw["bluezone_installed"] = raw["bluezone_installed"].astype(int)
    expected = raw.groupby(["local_day", "checkpoint_id"], as_index=False)[
        ["crossings", "risk_high", "electronic", "bluezone_installed"]
    ].sum()
    expected = expected[expected["local_day"] >= local_today(NOW) - dt.timedelta(days=6)]
    merged = trend.merge(expected, on=["local_day", "checkpoint_id"], how="outer", suffixes=("", "_raw"))
    assert len(merged) == len(expected) == len(trend) > 0
    for measure in ("crossings", "risk_high", "electronic", "bluezone_installed"):
        assert (merged[measure] == merged[f"{measure}_raw"]).all(), measure


def test_incremental_rollups_equal_a_full_rebuild(seeded):
    def snapshot(conn):
        return {r.table.name: sorted(map(tuple, conn.execute(select(r.table)).all())) for r in rollup.ROLLUPS}

    with seeded.connect() as conn:
        before = snapshot(conn)
    with seeded.begin() as conn:
        rollup.rebuild_all(conn)
    with seeded.connect() as conn:
        assert snapshot(conn) == before
    assert before["crossing_hourly"]


def test_same_figures_on_sqlite_and_postgresql(sqlite_url, postgres_url):
    from data_access.store import create_store_engine, init_store

    results = []
    for url in (sqlite_url, postgres_url):
        eng = create_store_engine(url)
        init_store(eng)
        simulator.seed(eng, days=2, seed=5, scale=0.03, now=NOW)
        with eng.connect() as conn:
            results.append(
                (
                    overview.today_vs_yesterday(conn, NOW)
                    .sort_values(["checkpoint_id", "direction", "period"])
                    .reset_index(drop=True),
                    overview.daily_trend(conn, local_today(NOW), now=NOW, days=7).reset_index(drop=True),
                    overview.latest_declaration_at(conn, NOW),
                )
            )
        eng.dispose()
    (a_counts, a_trend, a_latest), (b_counts, b_trend, b_latest) = results
    pd.testing.assert_frame_equal(a_counts, b_counts)
    pd.testing.assert_frame_equal(a_trend, b_trend)
    assert a_latest == b_latest
    assert a_counts["crossings"].sum() > 0
