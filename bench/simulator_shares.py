"""Print a seeded store's shares next to the simulator's targets.

    DATABASE_URL=sqlite:////tmp/seed30.db python bench/simulator_shares.py

Counts come from SQL over the raw declarations (not the rollups), per local day.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_access.settings import get_settings  # noqa: E402
from data_access.store import create_store_engine  # noqa: E402

SHARES = """
SELECT c.code,
       min(d.local_day) AS first_day, max(d.local_day) AS last_day,
       count(*) * 1.0 / count(DISTINCT d.local_day) AS per_day
FROM declarations d JOIN checkpoints c ON c.id = d.checkpoint_id
WHERE d.local_day < (SELECT max(local_day) FROM declarations)
GROUP BY c.code ORDER BY c.code
"""
BY_DAY = """
SELECT c.code, d.local_day,
       avg(CASE WHEN d.channel <> 'paper' THEN 1.0 ELSE 0 END) AS electronic,
       avg(CASE WHEN d.bluezone_installed THEN 1.0 ELSE 0 END) AS bluezone,
       avg(CASE WHEN d.used_free_wifi THEN 1.0 ELSE 0 END) AS wifi
FROM declarations d JOIN checkpoints c ON c.id = d.checkpoint_id
GROUP BY c.code, d.local_day ORDER BY c.code, d.local_day
"""
OVERALL = """
SELECT avg(CASE WHEN contact_f0 THEN 1.0 ELSE 0 END), avg(CASE WHEN visited_hotzone THEN 1.0 ELSE 0 END),
       avg(CASE WHEN fever OR cough OR breathing_difficulty OR sore_throat OR loss_of_taste_smell THEN 1.0 ELSE 0 END),
       avg(CASE WHEN risk_level = 'high' THEN 1.0 ELSE 0 END), count(*)
FROM declarations
"""


def main() -> None:
    """Print the shares."""
    engine = create_store_engine(get_settings().store_url, read_only=True)
    with engine.connect() as conn:
        print("checkpoint     crossings/day (target ×scale: TAN_DE 6000, THAI_HA 3500, TRIEU_DUONG 2500)")
        for code, first, last, per_day in conn.execute(text(SHARES)):
            print(f"  {code:12} {per_day:8.0f}  ({first} … {last}, full days; weekends lighter)")
        rows = conn.execute(text(BY_DAY)).all()
        print("checkpoint     electronic first→last full day (target ~35% → ~75%)   Bluezone (30–45%)   Wi-Fi last day")
        for code in sorted({r[0] for r in rows}):
            days = [r for r in rows if r[0] == code][1:-1]  # drop the partial first and last day
            print(
                f"  {code:12} {days[0][2]:6.1%} → {days[-1][2]:6.1%}"
                f"{'':38}{days[0][3]:5.1%} → {days[-1][3]:5.1%}   {days[-1][4]:5.1%}"
            )
        contact, visited, symptom, high, total = conn.execute(text(OVERALL)).one()
        print(
            f"contact with a case {contact:.2%} (target ~1%), from epidemic areas {visited:.2%} (~1%), "
            f"any symptom {symptom:.2%} (rare), high risk {high:.2%}; {total:,} declarations"
        )


if __name__ == "__main__":
    main()
