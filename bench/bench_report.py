"""Benchmark: the day's briefing (figures and the three files) on a large store.

    .venv/bin/python bench/bench_report.py --store /tmp/bench-1m.db --rows 1000000

Builds the store once with the simulator like ``bench_queries.py`` (about ``--rows`` declarations over
60 days) unless it holds declarations already, then times ``briefing.gather`` and
``briefing.briefing_bytes`` (deck, workbook and Word report) for yesterday, local: one warm-up run, then
the median of ``--repeat`` runs. Prints the machine and its load average (the machine may be shared:
a loaded one is slower). The requirement: under 5 s. Results go in docs/PERFORMANCE.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_queries import build  # noqa: E402

import briefing  # noqa: E402
from data_access.store import create_store_engine, schema  # noqa: E402
from data_access.timeutil import local_today, now_utc  # noqa: E402

REQUIREMENT_S = 5.0


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv: list[str] | None = None) -> int:
    """Build the store if needed, time the briefing; 1 when its median is over the requirement."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="/tmp/bench-1m.db", help="SQLite file, or a SQLAlchemy URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--date", default="", help="the local day (YYYY-MM-DD); default yesterday")
    args = parser.parse_args(argv)
    url = args.store if "://" in args.store else f"sqlite:///{os.path.abspath(args.store)}"
    build(url, args.rows)
    engine = create_store_engine(url, read_only=True)
    now = now_utc()
    day = dt.date.fromisoformat(args.date) if args.date else local_today(now) - dt.timedelta(days=1)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}; store {engine.url.get_backend_name()}, {total:,} declarations"
    )
    print(f"day {day.isoformat()}; load average before: {_load()}")
    gather_s, files_s, totals = [], [], []
    sizes: dict[str, int] = {}
    for run in range(args.repeat + 1):
        started = time.perf_counter()
        figures = briefing.gather(engine, day, now)
        gathered = time.perf_counter()
        files = briefing.briefing_bytes(figures)
        done = time.perf_counter()
        sizes = {fmt: len(data) for fmt, data in files.items()}
        label = "warm-up" if run == 0 else f"run {run}"
        took = f"gather {gathered - started:6.2f} s  files {done - gathered:6.2f} s  total {done - started:6.2f} s"
        print(f"{label:8} {took}")
        if run:
            gather_s.append(gathered - started)
            files_s.append(done - gathered)
            totals.append(done - started)
    engine.dispose()
    median = statistics.median(totals)
    print(
        f"median of {args.repeat}: gather {statistics.median(gather_s):.2f} s"
        f" + files {statistics.median(files_s):.2f} s"
        f" = {median:.2f} s (max {max(totals):.2f} s); requirement < {REQUIREMENT_S:g} s: "
        f"{'met' if median < REQUIREMENT_S else 'NOT met'}"
    )
    print("files: " + ", ".join(f"{fmt} {size / 1024:.0f} KiB" for fmt, size in sizes.items()))
    print(f"load average after: {_load()}")
    return 0 if median < REQUIREMENT_S else 1


if __name__ == "__main__":
    sys.exit(main())
