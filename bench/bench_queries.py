"""Benchmark: time every dashboard figure's query on stores of 10k, 1M and 10M declarations.

    python bench/bench_queries.py --sizes 10k,1m                      # make bench: a few minutes
    python bench/bench_queries.py --sizes 10k,1m,10m --write-doc      # make bench-full (SQLite)
    python bench/bench_queries.py --sizes 10k,1m,10m --backend postgresql --write-doc

Builds each store afresh with the same ``now`` (bench/bulk_store.py: a simulated week, the rest of the
60 days copied from it with its rollups, then a sample of days reconciled with the rows), then times
every figure in interleaved rounds over the stores, warm, as the dashboard runs, and prints the median
and p95 (ms) per store and the growth from the smallest store to the largest; two figures are also
timed the naive way (pandas over the window's raw rows) for reference. ``--write-doc`` puts the table
into docs/PERFORMANCE.md between this backend's markers. ``--reuse`` keeps stores already built (their
``now`` is then older than the run's).
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

import pandas as pd
from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bulk_store  # noqa: E402

from data_access.queries import adoption, high_risk, live_map, overview, reference, traffic  # noqa: E402
from data_access.store import create_store_engine, schema  # noqa: E402
from data_access.timeutil import local_midnight_utc, local_today, now_utc  # noqa: E402

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

SIZES = {"10k": 10_000, "1m": 1_000_000, "10m": 10_000_000}
DOC = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- bench_queries {} begin -->", "<!-- bench_queries {} end -->"


def naive_today_vs_yesterday(conn: Connection, now: dt.datetime) -> object:
    """The naive way: the raw rows of today and yesterday into pandas, then a groupby."""
    start = local_midnight_utc(local_today(now)) - dt.timedelta(days=1)
    d = schema.declarations.c
    rows = pd.read_sql(select(schema.declarations).where(d.declared_at >= start, d.declared_at < now), conn)
    rows = rows[(rows["declared_at"] < now - dt.timedelta(days=1)) | (rows["local_day"] == local_today(now))]
    rows["electronic"] = rows["channel"] != "paper"
    rows["risk_high"] = rows["risk_level"] == "high"
    return rows.groupby(["local_day", "checkpoint_id", "direction"])[
        ["risk_high", "electronic", "bluezone_installed"]
    ].agg(["sum", "count"])


def naive_crossings_by_day_7d(conn: Connection, now: dt.datetime) -> object:
    """The naive way: the raw rows of the 7 days into pandas, then a groupby."""
    first, _ = _days(now, 7)
    d = schema.declarations.c
    rows = pd.read_sql(
        select(schema.declarations).where(d.declared_at >= local_midnight_utc(first), d.declared_at < now), conn
    )
    return rows.groupby(["local_day", "checkpoint_id", "direction"]).size()


NAIVE: dict[str, tuple[str, Figure]] = {
    "naive.today_vs_yesterday": ("overview.today_vs_yesterday", naive_today_vs_yesterday),
    "naive.crossings_by_day_7d": ("traffic.crossings_by_day_7d", naive_crossings_by_day_7d),
}


def store_url(backend: str, size: str, directory: str, pg_admin: str) -> str:
    """Where the benchmark store of ``size`` lives: a file in ``directory``, or a database beside
    ``pg_admin``'s (created when missing)."""
    if backend == "sqlite":
        return f"sqlite:///{os.path.join(directory, f'bench-{size}.db')}"
    admin = make_url(pg_admin)
    name = f"bench_{size}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def latest_declaration(url: str) -> dt.datetime | None:
    """When the newest declaration of the store at ``url`` was made, or None (no store or empty)."""
    try:
        engine = create_store_engine(url, read_only=True)
        with engine.connect() as conn:
            return conn.execute(select(func.max(schema.declarations.c.declared_at))).scalar()
    except Exception:  # noqa: BLE001 - a missing or empty store is simply not kept
        return None


def drop_store(url: str) -> None:
    """Empty the store at ``url``: remove the SQLite file, or drop the PostgreSQL database's tables."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(parsed)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def time_figures(
    engines: dict[str, Engine], now: dt.datetime, *, rounds: int, repeat: int, only: str, naive: bool
) -> dict[str, dict[str, list[float]]]:
    """Times (ms) of every figure on every store: ``rounds`` rounds that visit the stores in turn,
    ``repeat`` runs each after one warm-up run (the dashboard runs warm)."""
    figures = {name: fn for name, fn in FIGURES.items() if only in name}
    if naive:
        figures.update({name: fn for name, (_, fn) in NAIVE.items()})
    times: dict[str, dict[str, list[float]]] = {size: {name: [] for name in figures} for size in engines}
    for _ in range(rounds):
        for size, engine in engines.items():
            with engine.connect() as conn:
                for name, figure in figures.items():
                    runs = 1 if name.startswith("naive.") else repeat
                    figure(conn, now)
                    for _ in range(runs):
                        started = time.perf_counter()
                        figure(conn, now)
                        times[size][name].append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def table(times: dict[str, dict[str, list[float]]], counts: dict[str, int]) -> list[str]:
    """The results as a Markdown table: median and p95 per store, growth from the smallest to the largest."""
    sizes = list(times)
    head = ["figure", *(f"{s} median / p95 ms" for s in sizes)]
    if len(sizes) > 1:
        head.append(f"{sizes[-1]} / {sizes[0]}")
    lines = [
        "| " + " | ".join(head) + " |",
        "| --- |" + " ---: |" * (len(head) - 1),
        "| declarations | " + " | ".join(f"{counts[s]:,}" for s in sizes) + (" | |" if len(sizes) > 1 else " |"),
    ]
    for name in times[sizes[0]]:
        cells = [f"{statistics.median(times[s][name]):.2f} / {p95(times[s][name]):.2f}" for s in sizes]
        if len(sizes) > 1:
            first, last = statistics.median(times[sizes[0]][name]), statistics.median(times[sizes[-1]][name])
            cells.append(f"{last / first:.1f}×" if first else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def write_doc(backend: str, header: list[str], lines: list[str]) -> None:
    """Put the table between this backend's markers in docs/PERFORMANCE.md (added at the end of the
    "Flat to 10M" section when missing)."""
    begin, end = BEGIN.format(backend), END.format(backend)
    block = "\n".join([begin, *header, "", *lines, end])
    doc = DOC.read_text(encoding="utf-8")
    if begin in doc and end in doc:
        before, rest = doc.split(begin, 1)
        doc = before + block + rest.split(end, 1)[1]
    else:
        anchor = "<!-- bench_queries tables -->"
        doc = doc.replace(anchor, block + "\n\n" + anchor) if anchor in doc else doc.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    """Build the stores if needed and time every figure on each."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,1m", help="comma-separated: 10k, 1m, 10m")
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--dir", default="/tmp", help="where the SQLite stores are kept")
    parser.add_argument(
        "--pg-admin",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"),
        help="a PostgreSQL URL whose server gets the databases bench_<size>",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="", help="run only figures whose name contains this")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive reference")
    parser.add_argument("--reuse", action="store_true", help="keep stores built by an earlier run")
    parser.add_argument("--write-doc", action="store_true", help="write the table into docs/PERFORMANCE.md")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    urls = {size: store_url(args.backend, size, args.dir, args.pg_admin) for size in sizes}
    now = now_utc()
    if args.reuse:
        # A kept store ends where it was built: the run's `now` is the end of the latest kept one, and the
        # stores built now end there too.
        kept = [latest_declaration(url) for url in urls.values()]
        if any(kept):
            now = max(ts for ts in kept if ts) + dt.timedelta(seconds=1)
    engines: dict[str, Engine] = {}
    counts: dict[str, int] = {}
    for size in sizes:
        url = urls[size]
        started = time.perf_counter()
        if not args.reuse:
            drop_store(url)
        # Same `now` for every store: the figures compare like with like.
        counts[size] = bulk_store.build(url, SIZES[size], now=now)
        print(f"{size}: ready in {time.perf_counter() - started:.0f} s")
        checked = bulk_store.reconcile_sample(url)
        print(f"{size}: rollups reconcile with the rows on {', '.join(map(str, checked))}")
        engines[size] = create_store_engine(url, read_only=True)
    machine = (
        f"{platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}; {args.backend}"
    )
    print(f"machine: {machine}")
    times = time_figures(engines, now, rounds=args.rounds, repeat=args.repeat, only=args.only, naive=not args.no_naive)
    lines = table(times, counts)
    print("\n".join(lines))
    if args.write_doc:
        command = " ".join(["bench/bench_queries.py", *sys.argv[1:]])
        header = [
            f"**{args.backend}**, measured {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} UTC on {machine};"
            f" `now` = {now:%H:%M} UTC; {args.rounds} rounds × {args.repeat} runs per store, pooled"
            f" (`{command}`):"
        ]
        write_doc(args.backend, header, lines)


if __name__ == "__main__":
    main()
