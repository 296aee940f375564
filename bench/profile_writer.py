"""Where the import's writer spends its time, per row, without the worker: the chunks of the first
N rows of a CSV are prepared and staged once (cached in a pickle), then written into a fresh store,
timing the staged write (insert and rollups, :func:`data_access.store.staging.write_staged`) and the commit
separately.

    .venv/bin/python bench/profile_writer.py --csv /tmp/bench-import-1m.csv --rows 300000
        [--store sqlite:////tmp/profile-writer.db] [--ddl "DROP INDEX …"]…

``--ddl`` statements run on the fresh store before the writes (to try another index set).
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepared(csv_path: str, rows: int, kind: str) -> list:
    """The chunks of the first ``rows`` rows, prepared as the import's worker would (cached)."""
    cache = Path(f"/tmp/profile-writer-staged-{Path(csv_path).stem}-{rows}-{kind}.pickle")
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from data_access.importing.pipeline import _prepared_chunks, load_reference
    from data_access.risk import HotZoneIndex
    from data_access.store import create_store_engine, init_store, load_hot_zones

    engine = create_store_engine("sqlite://")
    init_store(engine)
    with engine.connect() as conn:
        ref, zones = load_reference(conn), HotZoneIndex(load_hot_zones(conn))
    chunks = []
    for chunk in _prepared_chunks(
        csv_path, Path(csv_path).name, None, ref, zones, dt.datetime.now(dt.UTC), 0, 50_000, target=(kind, 1)
    ):
        chunks.append(chunk)
        if sum(c.rows for c in chunks) >= rows:
            break
    cache.write_bytes(pickle.dumps(chunks, protocol=pickle.HIGHEST_PROTOCOL))
    return chunks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--store", default="sqlite:////tmp/profile-writer.db")
    parser.add_argument("--ddl", action="append", default=[])
    args = parser.parse_args()

    from sqlalchemy import text

    from data_access import store
    from data_access.store import create_store_engine, init_store, new_batch
    from data_access.store.staging import open_stage, write_staged

    if args.store.startswith("sqlite:///"):
        db = Path(args.store.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = create_store_engine(args.store)
    init_store(engine)
    with engine.begin() as conn:
        for ddl in args.ddl:
            conn.execute(text(ddl))
        batch_id = new_batch(conn, "import", file_name="profile")
        kind = store.insert_kind(conn)
    chunks = prepared(args.csv, args.rows, kind)
    spent = {"staged write": 0.0, "commit": 0.0}
    n = 0
    t_all = time.perf_counter()
    with engine.connect() as conn, open_stage(conn):
        for chunk in chunks:
            trans = conn.begin()
            t0 = time.perf_counter()
            written = write_staged(conn, chunk.staged, chunk.good, batch_id)
            t1 = time.perf_counter()
            trans.commit()
            spent["staged write"] += t1 - t0
            spent["commit"] += time.perf_counter() - t1
            n += written.inserted
    total = time.perf_counter() - t_all
    print(
        f"{n:,} rows in {total:.1f} s: {n / total:,.0f} rows/s; per row: "
        + ", ".join(f"{k} {v / n * 1e6:.1f} µs" for k, v in spent.items())
        + f", total {total / n * 1e6:.1f} µs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
