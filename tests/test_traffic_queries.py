"""The traffic page's figures (data_access/queries/traffic.py), each reconciled with a direct count
over the raw rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import distinct, func, select

from data_access.queries import traffic
from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.timeutil import local_day_hour, local_midnight_utc
from tests.committee_store import (
    DAY,
    FILTERS,
    NOW,
    TODAY,
    count,
    d,
    days_window,
    filter_args,
    local,
    scope,
    window,
)
from tests.support import declaration


@pytest.mark.parametrize("spec", FILTERS)
def test_traffic_figures_reconcile(store, spec):
    engine, ids = store
    first, last, where = filter_args(ids, spec)
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
