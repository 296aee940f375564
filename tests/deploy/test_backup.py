"""Backups and their restore (``python -m data_access backup`` / ``restore``, the nightly timer's
command): a store backed up while it is being written to comes back in a new database or file with
every table's row count equal, passes the store's own check, and keeps its audit log append-only; a
restore refuses a store that is not empty and a file that is not the one backed up."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from data_access import audit, simulator
from data_access.backup import backup, finished, manifest_path, table_counts
from data_access.store import check_store, create_store_engine

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "data_access", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def empty_target(request, tmp_path, store_url):
    """A second, empty store of the same backend as ``store_url``: the restore's target."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'store.db'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(store_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _audit_writer(engine, stop: threading.Event, written: list[int]) -> None:
    """Append audit entries, one transaction each, until ``stop``: the backup runs under writes."""
    while not stop.is_set():
        with engine.begin() as conn:
            audit.record(conn, "sign_in", username="ghi-lien-tuc")
        written.append(1)


def test_backup_under_writes_restores_every_count_and_a_working_store(engine, store_url, empty_target, tmp_path):
    simulator.seed(engine, days=2, seed=11, scale=0.05)
    with engine.begin() as conn:
        audit.record(conn, "purge", username="cli", details={"older_than_days": 30})
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_audit_writer, args=(engine, stop, written))
    writer.start()
    try:
        done = cli("backup", "--out", str(tmp_path / "backups"), url=store_url)
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    assert written, "the writer wrote nothing while the backup ran"
    (path,) = finished(tmp_path / "backups")
    assert path.suffix == (".db" if store_url.startswith("sqlite") else ".dump")
    assert str(path) in done.stdout and "khai báo" in done.stdout
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    assert manifest["counts"]["declarations"] > 100 and manifest["counts"]["audit_log"] >= 1
    assert manifest["counts"]["crossing_hourly"] > 0

    restored = cli("restore", str(path), url=empty_target)
    assert restored.returncode == 0, restored.stderr
    assert "khớp với bản sao lưu" in restored.stdout

    target = create_store_engine(empty_target)
    try:
        check_store(target, empty_target)
        with target.connect() as conn:
            counts = table_counts(conn)
        # The restored store holds what the backup recorded, table by table: counted here, not read
        # back from the manifest the restore itself checked.
        assert counts == manifest["counts"]
        with engine.connect() as conn:
            now = table_counts(conn)
        assert now["audit_log"] >= counts["audit_log"] and now["declarations"] == counts["declarations"]
        # The audit log is still append-only in the restored store (its triggers came back with it).
        with pytest.raises(DBAPIError), target.begin() as conn:
            conn.execute(text("UPDATE audit_log SET username = 'x'"))
        with pytest.raises(DBAPIError), target.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
        # A declaration still needs a stored checkpoint (the foreign keys, or PostgreSQL's triggers).
        with pytest.raises(DBAPIError) as refused, target.begin() as conn:
            conn.execute(text("UPDATE declarations SET checkpoint_id = 99"))
        message = str(refused.value.orig)
        assert "FOREIGN KEY constraint failed" in message or "declarations.checkpoint_id = 99" in message
    finally:
        target.dispose()

    # A second restore into the now filled store is refused, and leaves it as it was.
    again = cli("restore", str(path), url=empty_target)
    assert again.returncode == 2
    assert again.stderr.startswith("Lỗi [restore.target_not_empty]:")
    target = create_store_engine(empty_target)
    with target.connect() as conn:
        assert table_counts(conn) == counts
    target.dispose()


def test_a_changed_or_unfinished_backup_is_not_restored(sqlite_engine, sqlite_url, tmp_path):
    simulator.seed(sqlite_engine, days=1, seed=5, scale=0.03)
    assert cli("backup", "--out", str(tmp_path / "b"), url=sqlite_url).returncode == 0
    (path,) = finished(tmp_path / "b")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    target = tmp_path / "r" / "store.db"
    changed = cli("restore", str(path), url=f"sqlite:///{target}")
    assert changed.returncode == 2 and changed.stderr.startswith("Lỗi [restore.checksum]:")
    manifest_path(path).unlink()
    unfinished = cli("restore", str(path), url=f"sqlite:///{target}")
    assert unfinished.returncode == 2 and unfinished.stderr.startswith("Lỗi [restore.no_manifest]:")
    assert not target.exists()


def test_backups_of_the_same_second_are_kept_newest_first(sqlite_engine, sqlite_url, tmp_path):
    # Several backups in one second are told apart by "-2", "-3"…; the newest are the last written.
    folder, second = tmp_path / "nightly", dt.datetime(2026, 11, 27, 17, 0, 5, tzinfo=dt.UTC)
    written = [backup(sqlite_url, folder, now=second, keep=2).path.name for _ in range(3)]
    assert len(set(written)) == 3 and written[0].endswith("-000005.db")
    assert [p.name for p in finished(folder)] == written[1:]
    written.append(backup(sqlite_url, folder, now=second + dt.timedelta(seconds=1), keep=2).path.name)
    assert [p.name for p in finished(folder)] == written[2:]


def test_keep_leaves_the_newest_finished_backups(sqlite_engine, sqlite_url, tmp_path):
    folder = tmp_path / "nightly"
    names = []
    for _ in range(3):
        done = cli("backup", "--out", str(folder), "--keep", "2", url=sqlite_url)
        assert done.returncode == 0, done.stderr
        names.append(finished(folder)[-1].name)
    assert [p.name for p in finished(folder)] == names[1:]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names[1:], *(n + ".json" for n in names[1:])])
    refused = cli("backup", "--out", str(folder), "--keep", "0", url=sqlite_url)
    assert refused.returncode == 2 and refused.stderr.startswith("Lỗi [backup.bad_keep]:")
    assert len(finished(folder)) == 2
