"""The benchmark stores' bulk path (bench/bulk_store.py): days copied a week back with their rollups
agree with their rows, as the writers would have left them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import func, select

from data_access.store import create_store_engine, rollup, schema
from data_access.timeutil import LOCAL_TZ, local_today, to_store
from tests.import_support import rollups_reconcile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bulk_store  # noqa: E402

NOW = to_store(dt.datetime(2026, 11, 20, 17, 55, 41, tzinfo=LOCAL_TZ))


def test_copied_weeks_reconcile_with_their_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'bulk.db'}"
    n = bulk_store.build(url, 30_000, now=NOW, days=20, bulk_from=0, log=lambda *_: None)
    engine = create_store_engine(url)
    d = schema.declarations.c
    with engine.connect() as conn:
        days = {
            v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))
            for (v,) in conn.execute(select(d.local_day).distinct())
        }
        assert days == {local_today(NOW) - dt.timedelta(days=k) for k in range(20)}
        assert conn.execute(select(func.count()).select_from(schema.declarations)).scalar() == n
        # a copied day has the rows of the simulated day a week later, moved by the week
        week_ago = local_today(NOW) - dt.timedelta(days=8)
        per_day = dict(conn.execute(select(d.local_day, func.count()).group_by(d.local_day)).all())
        assert per_day[week_ago] == per_day[week_ago + dt.timedelta(days=7)] > 0
        rollups_reconcile(conn)
        assert bulk_store.reconcile_sample(url, samples=5)
    with engine.begin() as conn:
        rollup.rebuild_all(conn)
    with engine.connect() as conn:
        rollups_reconcile(conn)
