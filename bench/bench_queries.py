"""Benchmark: time every dashboard figure's query on a large store.

    python bench/bench_queries.py --store /tmp/bench-1m.db --rows 1000000

Builds the store once with the simulator (scaled so that it holds about ``--rows`` declarations
over 60 days) unless it exists, then runs each figure's query ``--repeat`` times and prints the
median and the worst time in milliseconds. Results go in docs/PERFORMANCE.md by hand, with the
machine and the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_access import simulator  # noqa: E402
from data_access.queries import adoption, high_risk, live_map, overview, reference, traffic  # noqa: E402
from data_access.store import create_store_engine, init_store, schema  # noqa: E402
from data_access.timeutil import local_today, now_utc  # noqa: E402

Figure = Callable[[Connection, dt.datetime], object]


def _days(now: dt.datetime, n: int) -> tuple[dt.date, dt.date]:
    """The committee filter's day range: the ``n`` local days ending today."""
    return local_today(now) - dt.timedelta(days=n - 1), local_today(now)


FIGURES: dict[str, Figure] = {
    # Overview
    "overview.today_vs_yesterday": lambda c, now: overview.today_vs_yesterday(c, now),
    "overview.daily_trend_7d": lambda c, now: overview.daily_trend(c, local_today(now), now=now, days=7),
    "overview.latest_declaration": lambda c, now: overview.latest_declaration_at(c, now),
    "overview.checkpoints": lambda c, now: reference.checkpoint_table(c),
    # committee pages
    "map.checkpoint_live_status": lambda c, now: live_map.checkpoint_live_status(c, now, silent_after_minutes=30),
    "map.origins_today": lambda c, now: live_map.origins_today(c, now),
    "traffic.crossings_by_hour_today": lambda c, now: traffic.crossings_by_hour(c, *_days(now, 1), now=now),
    "traffic.crossings_by_hour_7d": lambda c, now: traffic.crossings_by_hour(c, *_days(now, 7), now=now),
    "traffic.crossings_by_day_7d": lambda c, now: traffic.crossings_by_day(c, *_days(now, 7), now=now),
    "traffic.crossings_by_vehicle_7d": lambda c, now: traffic.crossings_by_vehicle(c, *_days(now, 7), now=now),
    "traffic.people_and_vehicles_today": lambda c, now: traffic.people_and_vehicles_by_day(c, *_days(now, 1), now=now),
    "traffic.people_and_vehicles_7d": lambda c, now: traffic.people_and_vehicles_by_day(c, *_days(now, 7), now=now),
    "traffic.peak_hours_7d": lambda c, now: traffic.peak_hours(c, *_days(now, 7), now=now),
    "traffic.peak_hours_30d_filtered": lambda c, now: traffic.peak_hours(
        c, *_days(now, 30), now=now, checkpoint_ids=[1], directions=["in"]
    ),
    "risk.levels_by_day_7d": lambda c, now: high_risk.risk_levels_by_day(c, *_days(now, 7), now=now),
    "risk.reasons_by_day_7d": lambda c, now: high_risk.high_risk_reasons_by_day(c, *_days(now, 7), now=now),
    "risk.origins_7d": lambda c, now: high_risk.high_risk_origins(c, *_days(now, 7), now=now),
    "risk.origins_today": lambda c, now: high_risk.high_risk_origins(c, *_days(now, 1), now=now),
    "risk.surge": lambda c, now: high_risk.high_risk_surge(c, now),
    "adoption.by_day_7d": lambda c, now: adoption.adoption_by_day(c, *_days(now, 7), now=now),
    "adoption.by_checkpoint_7d": lambda c, now: adoption.adoption_by_checkpoint(c, *_days(now, 7), now=now),
    "adoption.free_wifi_since_opening": lambda c, now: adoption.free_wifi_since_opening(c, now=now),
    "adoption.channel_mix_7d": lambda c, now: adoption.channel_mix(c, *_days(now, 7), now=now),
}

DAYS = 60
DAILY_AT_SCALE_1 = 12_000


def build(url: str, rows: int) -> None:
    """Seed ``url`` with about ``rows`` declarations over 60 days (no-op when already seeded)."""
    engine = create_store_engine(url)
    init_store(engine)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
    if have:
        print(f"store already holds {have:,} declarations")
        return
    # Weekends are lighter: a simulated day averages about 94 % of the weekday figure.
    scale = rows / (DAYS * DAILY_AT_SCALE_1 * 0.94)
    started = time.perf_counter()
    written = simulator.seed(engine, days=DAYS, scale=scale, seed=7)
    print(f"seeded {written:,} declarations in {time.perf_counter() - started:.0f} s (scale {scale:.2f})")


def main() -> None:
    """Build the store if needed and time every figure."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="/tmp/bench-1m.db", help="SQLite file, or a SQLAlchemy URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="run only figures whose name contains this")
    args = parser.parse_args()
    url = args.store if "://" in args.store else f"sqlite:///{os.path.abspath(args.store)}"
    build(url, args.rows)
    engine = create_store_engine(url, read_only=True)
    now = now_utc()
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}; store {engine.url.get_backend_name()}"
    )
    print(f"{'figure':45} {'median ms':>10} {'max ms':>8}")
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
        print(f"declarations: {n:,}")
        for name, figure in FIGURES.items():
            if args.only not in name:
                continue
            figure(conn, now)  # warm the page cache: the dashboard runs warm
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                figure(conn, now)
                times.append((time.perf_counter() - started) * 1000)
            print(f"{name:45} {statistics.median(times):10.2f} {max(times):8.2f}")


if __name__ == "__main__":
    main()
