"""A large benchmark store in minutes: a week simulated, the rest copied from it, rollups included.

    python bench/bulk_store.py --store /tmp/bench-10m.db --rows 10000000

The simulator writes the last ``WEEK`` full days and today up to ``now`` (about 13k declarations a
second through the store's own write path, rollups kept by the writers). Every earlier day is then a
copy of the simulated day of the same weekday, shifted back by whole weeks, with its own declaration
ids: one ``INSERT … SELECT`` per table for the declarations and for each rollup (crossings and origins
by hour, minute and day, fill counts, plate sets and vehicle counts). A copied day's rows and rollup
rows are its source day's with the day moved, so the rollups agree with the rows by construction;
:func:`reconcile_sample` proves it on a sample of days by recounting them from the rows.

Small stores (under ``BULK_FROM_ROWS``) are simulated whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, and_, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_access import simulator  # noqa: E402
from data_access.store import create_store_engine, init_store, rollup, schema  # noqa: E402
from data_access.timeutil import local_midnight_utc, local_today, now_utc  # noqa: E402

DAYS = 60
WEEK = 7
DAILY_AT_SCALE_1 = 12_000
BULK_FROM_ROWS = 200_000
#: Tables whose rows are keyed by local_day and copied with it (the declarations apart).
DAY_TABLES = (*(r.table for r in rollup.ROLLUPS), schema.plate_days, schema.vehicle_daily)


def scale_for(rows: int, days: int = DAYS) -> float:
    """The simulator's scale that gives about ``rows`` declarations over ``days`` days (weekends are
    lighter: a simulated day averages about 94 % of a weekday)."""
    return rows / (days * DAILY_AT_SCALE_1 * 0.94)


def count(engine: Engine) -> int:
    """Declarations in the store."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.declarations)).scalar() or 0)


def build(
    url: str,
    rows: int,
    *,
    now: dt.datetime | None = None,
    days: int = DAYS,
    bulk_from: int = BULK_FROM_ROWS,
    log=print,
) -> int:
    """Seed ``url`` with about ``rows`` declarations over ``days`` local days ending at ``now``
    (no-op when it holds declarations already). Returns the number of declarations."""
    engine = create_store_engine(url)
    init_store(engine)
    have = count(engine)
    if have:
        log(f"store already holds {have:,} declarations")
        return have
    now = now or now_utc()
    scale = scale_for(rows, days)
    started = time.perf_counter()
    if rows < bulk_from:
        simulator.seed(engine, days=days, scale=scale, seed=7, now=now)
    else:
        simulator.seed(engine, days=WEEK + 1, scale=scale, seed=7, now=now)
        log(f"simulated {count(engine):,} declarations (a week and today) in {time.perf_counter() - started:.0f} s")
        _copy_weeks(engine, local_today(now), days, log)
    n = count(engine)
    log(f"built {n:,} declarations in {time.perf_counter() - started:.0f} s (scale {scale:.2f})")
    engine.dispose()
    return n


def _copy_weeks(engine: Engine, today: dt.date, days: int, log) -> None:
    """Fill the days before the simulated week with copies of it, a week back at a time."""
    first_simulated = today - dt.timedelta(days=WEEK)
    first_day = today - dt.timedelta(days=days - 1)
    back = 1
    while first_simulated - dt.timedelta(days=WEEK * back) > first_day - dt.timedelta(days=WEEK):
        shift = WEEK * back
        last_source = today - dt.timedelta(days=1)
        # the oldest week may be partial: only the days from first_day on
        first_source = max(first_simulated, first_day + dt.timedelta(days=shift))
        if first_source > last_source:
            break
        started = time.perf_counter()
        with engine.begin() as conn:
            _copy_days(conn, first_source, last_source, shift, back)
        log(
            f"copied {first_source - dt.timedelta(days=shift)} … {last_source - dt.timedelta(days=shift)}"
            f" in {time.perf_counter() - started:.0f} s"
        )
        back += 1
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _copy_days(conn, first: dt.date, last: dt.date, shift: int, copy_no: int) -> None:
    """Copy the declarations and rollup rows of local days [first, last] ``shift`` days back."""
    lo, hi = local_midnight_utc(first), local_midnight_utc(last + dt.timedelta(days=1))
    names = [c.name for c in schema.declarations.c if c.name != "id"]
    pg = conn.dialect.name == "postgresql"

    def moved(name: str) -> str:
        if name == "declaration_id":
            return f"declaration_id || '~{copy_no}'"
        if name in ("declared_at", "received_at"):
            if pg:
                return f"{name} - interval '{shift} days'"
            # SQLAlchemy's text form 'YYYY-MM-DD HH:MM:SS.ffffff': only the date moves, the time of day is
            # kept as written (SQLite's own date arithmetic rounds to the millisecond, which can move a
            # row stamped at hh:mm:59.9996 into the next minute)
            return f"date({name}, '-{shift} days') || substr({name}, 11)"
        if name == "local_day":
            return f"local_day - {shift}" if pg else f"date(local_day, '-{shift} days')"
        return name

    cols = ", ".join(names)
    conn.execute(
        text(
            f"INSERT INTO declarations ({cols}) SELECT {', '.join(moved(n) for n in names)} FROM declarations"
            " WHERE declared_at >= :lo AND declared_at < :hi ORDER BY declared_at"
        ),
        {"lo": lo, "hi": hi},
    )
    for table in DAY_TABLES:
        tcols = [c.name for c in table.c]
        conn.execute(
            text(
                f"INSERT INTO {table.name} ({', '.join(tcols)}) SELECT {', '.join(moved(n) for n in tcols)}"
                f" FROM {table.name} WHERE local_day BETWEEN :first AND :last"
            ),
            {"first": first, "last": last},
        )


def reconcile_sample(url: str, *, samples: int = 3, seed: int = 1) -> list[dt.date]:
    """Recount the rollups and vehicle sets of a few days (today, a simulated day, copied days) from
    the declarations and assert they equal the stored ones. Returns the days checked."""
    engine = create_store_engine(url, read_only=True)
    d = schema.declarations.c
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(d.local_day), func.max(d.local_day))).one()
        first, last = (v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in (first, last))
        span = (last - first).days
        rng = random.Random(seed)
        days = sorted(
            {
                last,
                last - dt.timedelta(days=3),
                *(first + dt.timedelta(days=rng.randrange(span)) for _ in range(samples)),
            }
        )
        for day in days:
            in_day = and_(
                d.declared_at >= local_midnight_utc(day), d.declared_at < local_midnight_utc(day + dt.timedelta(days=1))
            )
            for r in rollup.ROLLUPS:
                names = [*r.keys, *(f"n_{m}" for m in r.measures)]
                stored = Counter(
                    tuple(x)
                    for x in conn.execute(select(*(r.table.c[n] for n in names)).where(r.table.c.local_day == day))
                )
                fresh = Counter(tuple(x) for x in conn.execute(r.select_from_declarations(in_day)))
                assert stored == fresh, f"{r.table.name} differs from the rows on {day}"
            sets: dict[str, int] = {}
            for plate, cid, way in conn.execute(
                select(d.plate_hash, d.checkpoint_id, d.direction).where(in_day, d.plate_hash.is_not(None))
            ):
                sets[plate] = sets.get(plate, 0) | 1 << (2 * (cid - 1) + (way == "out"))
            v = schema.vehicle_daily.c
            stored_sets = {
                crossed: n for crossed, n in conn.execute(select(v.crossed, v.vehicles).where(v.local_day == day)) if n
            }
            assert stored_sets == dict(Counter(sets.values())), f"vehicle_daily differs from the rows on {day}"
    engine.dispose()
    return days


def main() -> None:
    """Build a store (see the module's docstring) and reconcile a sample of its days."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="SQLite file, or a SQLAlchemy URL")
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    url = args.store if "://" in args.store else f"sqlite:///{os.path.abspath(args.store)}"
    build(url, args.rows)
    started = time.perf_counter()
    days = reconcile_sample(url)
    print(f"rollups reconcile with the rows on {', '.join(map(str, days))} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
