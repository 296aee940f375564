"""The store design that keeps figures flat on years of busy data: windows cut into hours, minutes and
seconds; distinct vehicles per set of checkpoints and directions. Each is reconciled with a direct
count over the raw rows, on both backends, written in several transactions as the feed writes."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from sqlalchemy import distinct, func, select

from data_access.queries._core import window_counts, window_parts, windows_totals
from data_access.queries.traffic import people_and_vehicles_by_day
from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.store.schema import declarations
from data_access.timeutil import LOCAL_TZ, local_day_hour, local_today, to_store
from tests.import_support import rollups_reconcile
from tests.support import declaration

NOW = to_store(dt.datetime(2026, 11, 20, 17, 55, 41, tzinfo=LOCAL_TZ))
PLATES = [f"17B1-{n:05d}" for n in range(40)]
d = declarations.c


@pytest.fixture
def busy_store(engine):
    """Three days of declarations at random seconds, plates shared across checkpoints and directions,
    written in many small transactions (the feed's way) so the rollups are built incrementally."""
    rng = random.Random(13)
    with engine.connect() as conn:
        ids = [row.id for row in conn.execute(select(schema.checkpoints.c.id).order_by(schema.checkpoints.c.id))]
    start = NOW - dt.timedelta(days=3)
    rows = []
    for _ in range(2500):
        at = start + dt.timedelta(seconds=rng.randrange(int((NOW - start).total_seconds()) + 600))
        rows.append(
            declaration(
                rng.choice(ids),
                at.replace(tzinfo=dt.UTC),
                direction=rng.choice(("in", "out")),
                plate=rng.choice((*PLATES, None)),
                contact_f0=rng.random() < 0.1,
                fever=rng.random() < 0.2,
                visited_hotzone=rng.random() < 0.3,
                origin_province_code=rng.choice(("36", "01", "79", "24")),
            )
        )
    for first in range(0, len(rows), 97):
        with engine.begin() as conn:
            write_declarations(conn, rows[first : first + 97], HotZoneIndex([]))
    return engine


def _raw_crossings(conn, lo, hi, **where):
    stmt = select(d.checkpoint_id, func.count()).where(d.declared_at >= lo, d.declared_at < hi)
    for column, values in where.items():
        stmt = stmt.where(d[column].in_(values))
    return {cid: n for cid, n in conn.execute(stmt.group_by(d.checkpoint_id))}


def test_window_parts_cover_the_window_exactly_once():
    rng = random.Random(5)
    for _ in range(2000):
        start = dt.datetime(2026, 11, 20) + dt.timedelta(
            seconds=rng.randrange(3 * 86400), microseconds=rng.choice((0, 7))
        )
        end = start + dt.timedelta(seconds=rng.choice((0, 1, 59, 60, 61, 3599, 3600, 3601, 7300, 86400, 200000)))
        parts = window_parts(start, end)
        pieces = list(parts.raw)
        if parts.hours:
            pieces.append(parts.hours)
            assert parts.hours[0].minute == parts.hours[1].minute == 0
        for day, hour, first, stop in parts.minutes:
            assert 0 <= first < stop <= 60
            base = dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_TZ)
            pieces.append((to_store(base) + dt.timedelta(minutes=first), to_store(base) + dt.timedelta(minutes=stop)))
        # only the seconds of the two partial minutes at the edges are read from the rows
        assert sum((hi - lo for lo, hi in parts.raw), dt.timedelta()) < dt.timedelta(minutes=2)
        pieces.sort()
        covered = start
        for lo, hi in pieces:
            assert lo == covered and hi > lo
            covered = hi
        assert covered == end or (start == end and not pieces)


def test_windows_equal_direct_counts_to_the_second(busy_store):
    rng = random.Random(8)
    with busy_store.connect() as conn:
        windows = []
        for _ in range(40):
            start = NOW - dt.timedelta(seconds=rng.randrange(3 * 86400))
            windows.append((start, start + dt.timedelta(seconds=rng.choice((30, 61, 1800, 3600, 5000, 40000)))))
        windows += [
            (NOW - dt.timedelta(hours=1), NOW),
            (NOW - dt.timedelta(days=1, hours=1), NOW - dt.timedelta(days=1)),
        ]
        together = windows_totals(conn, windows, measures=("crossings", "contact_f0"), directions=("in",))
        for (lo, hi), totals in zip(windows, together, strict=True):
            alone = window_counts(conn, lo, hi, measures=("crossings", "contact_f0"), directions=("in",))
            assert {cid: n for cid, n in zip(alone["checkpoint_id"], alone["crossings"], strict=True) if n} == {
                cid: values[0] for (cid,), values in totals.items() if values[0]
            }
            assert {cid: values[0] for (cid,), values in totals.items() if values[0]} == _raw_crossings(
                conn, lo, hi, direction=["in"]
            )
            contacts = conn.execute(
                select(func.count()).where(
                    d.declared_at >= lo, d.declared_at < hi, d.direction == "in", d.contact_f0.is_(True)
                )
            ).scalar()
            assert sum(values[1] for values in totals.values()) == contacts


def test_origin_windows_and_local_hours_equal_direct_counts(busy_store):
    with busy_store.connect() as conn:
        lo, hi = NOW - dt.timedelta(hours=30, seconds=17), NOW
        got = window_counts(
            conn, lo, hi, measures=("crossings",), by=("origin_province_code",), rollup=schema.origin_hourly
        )
        raw = dict(
            conn.execute(
                select(d.origin_province_code, func.count())
                .where(d.declared_at >= lo, d.declared_at < hi)
                .group_by(d.origin_province_code)
            ).all()
        )
        assert dict(zip(got["origin_province_code"], got["crossings"], strict=True)) == raw
        by_hour = window_counts(conn, lo, hi, by=("local_day", "local_hour"))
        raw_hours = {}
        for (at,) in conn.execute(select(d.declared_at).where(d.declared_at >= lo, d.declared_at < hi)):
            key = local_day_hour(at)
            raw_hours[key] = raw_hours.get(key, 0) + 1
        got_hours = {}
        for day, hour, n in zip(by_hour["local_day"], by_hour["local_hour"], by_hour["crossings"], strict=True):
            got_hours[(day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)), int(hour))] = n
        assert got_hours == raw_hours


def test_rollups_and_vehicle_sets_reconcile_after_incremental_writes(busy_store):
    with busy_store.connect() as conn:
        rollups_reconcile(conn)


def test_distinct_vehicles_for_every_choice_of_checkpoints_and_directions(busy_store):
    with busy_store.connect() as conn:
        ids = [row.id for row in conn.execute(select(schema.checkpoints.c.id))]
        first, last = local_today(NOW) - dt.timedelta(days=3), local_today(NOW)
        choices = [None, *(list(c) for n in range(1, len(ids) + 1) for c in itertools.combinations(ids, n))]
        for checkpoint_ids, directions in itertools.product(choices, (None, ["in"], ["out"])):
            got = people_and_vehicles_by_day(
                conn, first, last, now=NOW, checkpoint_ids=checkpoint_ids, directions=directions
            )
            stmt = select(d.local_day, func.count(distinct(d.plate_hash))).where(
                d.plate_hash.is_not(None), d.declared_at < NOW
            )
            if checkpoint_ids is not None:
                stmt = stmt.where(d.checkpoint_id.in_(checkpoint_ids))
            if directions is not None:
                stmt = stmt.where(d.direction.in_(directions))
            raw = {
                day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)): n
                for day, n in conn.execute(stmt.group_by(d.local_day))
            }
            assert dict(zip(got["local_day"], got["vehicles"], strict=True)) == {
                day: raw.get(day, 0) for day in got["local_day"]
            }, (checkpoint_ids, directions)
            assert sum(raw.values()) == int(got["vehicles"].sum())
        # rows stamped after NOW exist today (up to 10 minutes ahead): today's count left them out
        ahead = conn.execute(select(func.count()).where(d.declared_at >= NOW, d.plate_hash.is_not(None))).scalar()
        assert ahead > 0
