"""How often each checkpoint is "normal" on the live map at the simulator's normal rates.

    .venv/bin/python bench/attention_share.py [--store /tmp/attention.db] [--days 9] [--step 5]

Seeds a store with ``--days`` days of simulated history (scale 1, the demo's rates), then evaluates
the map's checkpoint states every ``--step`` minutes over the last complete local day and prints,
per checkpoint: the share of instants in each state, the share of hours in which it was normal at
every instant, and why it was red when it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from data_access import simulator  # noqa: E402
from data_access.queries import live_map  # noqa: E402
from data_access.store import create_store_engine, init_store  # noqa: E402
from data_access.timeutil import local_midnight_utc, local_today, now_utc  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="/tmp/attention.db")
    parser.add_argument("--days", type=int, default=9)
    parser.add_argument("--step", type=int, default=5, help="minutes between two looks at the map")
    args = parser.parse_args()
    Path(args.store).unlink(missing_ok=True)
    engine = create_store_engine(f"sqlite:///{args.store}")
    init_store(engine)
    now = now_utc()
    written = simulator.seed(engine, days=args.days, seed=2021, now=now)
    day = local_today(now) - dt.timedelta(days=1)
    start = local_midnight_utc(day)
    states: dict[str, Counter] = {}
    reasons: dict[str, Counter] = {}
    hours_normal: dict[str, set[int]] = {}
    hours_seen: set[int] = set()
    with engine.connect() as conn:
        for k in range(24 * 60 // args.step):
            at = start + dt.timedelta(minutes=k * args.step)
            hour = k * args.step // 60
            hours_seen.add(hour)
            status = live_map.checkpoint_live_status(conn, at, silent_after_minutes=30)
            for row in status.itertuples():
                states.setdefault(row.code, Counter())[row.state] += 1
                if isinstance(row.attention, str):
                    reasons.setdefault(row.code, Counter())[row.attention] += 1
                normal = hours_normal.setdefault(row.code, set(range(24)))
                if row.state != live_map.STATE_NORMAL:
                    normal.discard(hour)
    print(f"{written} simulated declarations over {args.days} days; the map every {args.step} min on {day}")
    for code, counter in states.items():
        total = sum(counter.values())
        shares = ", ".join(f"{state} {n / total:.1%}" for state, n in counter.most_common())
        print(
            f"{code}: {shares}; hours normal throughout: {len(hours_normal[code])}/24 "
            f"({len(hours_normal[code]) / 24:.0%}); red because: {dict(reasons.get(code, {}))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
