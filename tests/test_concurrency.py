"""One read-only engine shared by many threads, as Streamlit shares it between browser sessions.

Streamlit runs every session's script (and every live fragment) in a thread of its own, all on the
one cached read-only engine, while the simulated feed writes beside them. Here 20 threads run 200
dashboard figures each on one shared engine while a writer thread runs the live feed into the same
store; every query must succeed. On SQLite a pool that closes connections other threads still use
ends in "Cannot operate on a closed database", "API misuse" or a segmentation fault, so the workload
runs in a child process: a crash is reported as a failed test instead of killing the test run.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import pytest

from data_access import simulator
from data_access.queries import adoption, high_risk, live_map, overview, reference, traffic
from data_access.store import create_store_engine, init_store
from data_access.timeutil import local_today, now_utc

PROJECT_ROOT = Path(__file__).resolve().parents[1]
READERS = 20
QUERIES_PER_READER = 200
CHILD_TIMEOUT_S = 300


def _figures(now: dt.datetime) -> list:
    """Dashboard figures, each as ``fn(conn)``: what the live pages refresh most often (the cheaper
    ones, so that connections change hands as often as possible)."""
    today = local_today(now)
    week_ago = today - dt.timedelta(days=6)
    return [
        lambda conn: overview.today_vs_yesterday(conn, now),
        lambda conn: reference.checkpoint_table(conn),
        lambda conn: overview.daily_trend(conn, today, now=now_utc()),
        lambda conn: overview.latest_declaration_at(conn, now_utc()),
        lambda conn: live_map.origins_today(conn, now),
        lambda conn: traffic.crossings_by_hour(conn, week_ago, today, now=now),
        lambda conn: high_risk.high_risk_surge(conn, now),
        lambda conn: adoption.adoption_by_checkpoint(conn, week_ago, today, now=now),
    ]


def run_workload(
    reader_url: str, writer_url: str, readers: int = READERS, queries_per_reader: int = QUERIES_PER_READER
) -> dict:
    """Run ``readers`` threads of ``queries_per_reader`` figures on one shared read-only engine while a
    writer thread runs the live feed; return counts of queries, errors (by first line) and rows written."""
    reader = create_store_engine(reader_url, read_only=True)
    writer = create_store_engine(writer_url)
    errors: Counter[str] = Counter()
    first_traceback: list[str] = []
    lock = threading.Lock()
    done = threading.Event()
    written: list[int] = []
    start = threading.Barrier(readers + 1)

    def record(exc: BaseException) -> None:
        with lock:
            errors[f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"] += 1
            if not first_traceback:
                first_traceback.append(traceback.format_exc())

    def read(index: int) -> None:
        figures = _figures(now_utc())
        start.wait()
        for i in range(queries_per_reader):
            try:
                with reader.connect() as conn:
                    figures[(index + i) % len(figures)](conn)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none may happen
                record(exc)

    def write() -> None:
        try:
            # The feed itself (a batch every 50 ms), so reads meet the writes the dashboard meets.
            written.append(simulator.feed(writer, rate=400, seed=7, interval=0.05, stop=done.is_set))
        except Exception as exc:  # noqa: BLE001
            record(exc)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(readers)]
    feeder = threading.Thread(target=write)
    feeder.start()
    began = time.monotonic()
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    done.set()
    feeder.join()
    elapsed = time.monotonic() - began
    reader.dispose()
    writer.dispose()
    return {
        "queries": readers * queries_per_reader,
        "errors": dict(errors),
        "written": sum(written),
        "seconds": round(elapsed, 1),
        "traceback": first_traceback[0] if first_traceback else "",
    }


def _seeded(url: str) -> None:
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=3, seed=11, scale=0.02)
    engine.dispose()


def _run_in_child(reader_url: str, writer_url: str) -> dict:
    """:func:`run_workload` in a fresh interpreter; a crash (signal or exit code) fails the test."""
    code = (
        "import json, sys\nfrom tests.test_concurrency import run_workload\n"
        "print('RESULT ' + json.dumps(run_workload(sys.argv[1], sys.argv[2])), flush=True)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", code, reader_url, writer_url],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
    )
    result = next((json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")), None)
    if proc.returncode != 0 or result is None:
        how = f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit code {proc.returncode}"
        pytest.fail(f"the workload process died ({how}):\n{proc.stderr[-4000:]}", pytrace=False)
    return result


def _assert_clean(result: dict) -> None:
    assert result["errors"] == {}, (
        f"{sum(result['errors'].values())} failed queries: {result['errors']}\n{result['traceback']}"
    )
    assert result["written"] > 0, "the feed wrote nothing beside the readers"


def test_shared_read_only_sqlite_engine_under_threads_and_a_writer(sqlite_url):
    _seeded(sqlite_url)
    result = _run_in_child(sqlite_url, sqlite_url)
    _assert_clean(result)


@pytest.mark.postgres
def test_shared_read_only_postgres_engine_under_threads_and_a_writer(postgres_url):
    _seeded(postgres_url)
    result = _run_in_child(postgres_url, postgres_url)
    _assert_clean(result)
