"""Benchmark: the health officers' follow-up list (data_access/queries/follow_up.py) on a large store.

    python bench/bench_follow_up.py --store /tmp/bench-1m.db --rows 1000000

Builds the store once with the simulator as bench/bench_queries.py does (about ``--rows``
declarations over 60 days) unless it exists, brings it to the current schema, gives a few hundred of
today's high-risk travellers a follow-up status, then times each query ``--repeat`` times on a warm
read-only connection and prints the median and the worst in milliseconds. Results go in
docs/PERFORMANCE.md by hand, with the machine and the command.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import build  # noqa: E402

from data_access import follow_up  # noqa: E402
from data_access.queries import follow_up as fq  # noqa: E402
from data_access.store import create_store_engine, init_store, schema  # noqa: E402
from data_access.timeutil import local_midnight_utc, local_today, now_utc  # noqa: E402

Query = Callable[[Connection, dt.datetime], object]


def _days(now: dt.datetime, n: int) -> dict:
    return {"first_day": local_today(now) - dt.timedelta(days=n - 1), "last_day": local_today(now), "now": now}


QUERIES: dict[str, Query] = {
    "travellers_today": lambda c, now: fq.travellers(c, **_days(now, 1)),
    "travellers_7d": lambda c, now: fq.travellers(c, **_days(now, 7)),
    "travellers_7d_page_5": lambda c, now: fq.travellers(c, **_days(now, 7), offset=800),
    "travellers_7d_one_checkpoint_in": lambda c, now: fq.travellers(
        c, **_days(now, 7), checkpoint_ids=[1], directions=["in"]
    ),
    "travellers_7d_not_contacted": lambda c, now: fq.travellers(c, **_days(now, 7), statuses=["not_contacted"]),
    "travellers_7d_search_name": lambda c, now: fq.travellers(c, **_days(now, 7), search="nguyen van"),
    "travellers_7d_search_phone": lambda c, now: fq.travellers(c, **_days(now, 7), search="0912"),
    "travellers_30d_search_name": lambda c, now: fq.travellers(c, **_days(now, 30), search="tran thi"),
    "traveller_count_today": lambda c, now: fq.traveller_count(c, **_days(now, 1)),
    "traveller_count_7d": lambda c, now: fq.traveller_count(c, **_days(now, 7)),
    "traveller_count_7d_search": lambda c, now: fq.traveller_count(c, **_days(now, 7), search="nguyen van"),
    "history_200": lambda c, now: fq.history(c, list(fq.travellers(c, **_days(now, 1))["id"])),
}


def give_statuses(url: str, now: dt.datetime, n: int = 300) -> None:
    """Give ``n`` of today's high-risk travellers a status (two changes each), once."""
    engine = create_store_engine(url)
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(schema.follow_ups)).scalar():
            return
        d = schema.declarations.c
        ids = conn.execute(
            select(d.id).where(d.risk_level == "high", d.declared_at >= local_midnight_utc(local_today(now))).limit(n)
        ).scalars()
        for i in ids:
            follow_up.set_status(conn, i, "contacted", "Đã gọi điện", by="bench")
            follow_up.set_status(conn, i, "home_isolation", None, by="bench")
    engine.dispose()


def main() -> None:
    """Build the store if needed and time every query."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="/tmp/bench-1m.db", help="SQLite file, or a SQLAlchemy URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = args.store if "://" in args.store else f"sqlite:///{os.path.abspath(args.store)}"
    build(url, args.rows)
    init_store(create_store_engine(url))  # a store built before migration 0005 gets its index here
    now = now_utc()
    give_statuses(url, now)
    engine = create_store_engine(url, read_only=True)
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}; store {engine.url.get_backend_name()}"
    )
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
        d = schema.declarations.c
        high = conn.execute(
            select(func.count()).where(d.risk_level == "high", d.declared_at >= local_midnight_utc(local_today(now)))
        ).scalar()
        print(f"declarations: {n:,}; high-risk today: {high:,}")
        print(f"{'query':40} {'rows':>6} {'median ms':>10} {'max ms':>8}")
        for name, query in QUERIES.items():
            result = query(conn, now)  # warm the page cache: the dashboard runs warm
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                query(conn, now)
                times.append((time.perf_counter() - started) * 1000)
            rows = result if isinstance(result, int) else len(result)  # type: ignore[arg-type]
            print(f"{name:40} {rows:>6} {statistics.median(times):10.2f} {max(times):8.2f}")


if __name__ == "__main__":
    main()
