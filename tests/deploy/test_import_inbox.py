"""The inbox timer's script (``deploy/bin/thaibinh-import-inbox``): files dropped into a folder are
imported and moved to done/ (with their counts) or failed/ (with the reason); a file still being
copied, or one that found the store down, stays for the next run."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from data_access.store import schema
from tests.deploy.conftest import ROOT, checkpoint_file, run

SCRIPT = ROOT / "deploy" / "bin" / "thaibinh-import-inbox"


def _aged(path: Path, seconds: float = 600) -> Path:
    """``path`` as if it was written ``seconds`` ago (copied in full long since)."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _inbox(inbox: Path, url: str):
    return run("bash", SCRIPT, env={"INBOX": str(inbox), "DATABASE_URL": url, "PYTHON": sys.executable})


def test_dropped_files_are_imported_and_sorted(sqlite_engine, sqlite_url, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = _aged(checkpoint_file(inbox / "tan-de-26-11.csv"))
    broken = inbox / "thai-ha.csv"
    broken.write_bytes(b"\x00\x01\x02 khong phai CSV \xff\xfe" * 50)
    note = inbox / "ghi-chu.txt"
    note.write_text("không phải danh sách", encoding="utf-8")
    partial = inbox / "hung-ha.csv.part"
    partial.write_bytes(b"Ma khai bao")
    for path in (broken, note, partial):
        _aged(path)
    copying = checkpoint_file(inbox / "trieu-duong.csv")  # just written: may still be being copied

    first = _inbox(inbox, sqlite_url)
    assert first.returncode == 0, first.stdout + first.stderr

    (day,) = [p.name for p in (inbox / "done").iterdir()]
    done = inbox / "done" / day / good.name
    assert done.is_file() and not good.exists()
    counts = json.loads((inbox / "done" / day / f"{good.name}.result.json").read_text(encoding="utf-8"))
    assert (counts["accepted"], counts["quarantined"], counts["duplicates"]) == (4, 1, 0)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.declarations)).scalar() == 4

    failed = inbox / "failed" / day
    assert (failed / broken.name).is_file() and not broken.exists()
    assert (failed / f"{broken.name}.error.txt").read_text(encoding="utf-8").startswith("Lỗi [file.")
    assert (failed / note.name).is_file()
    assert copying.exists() and partial.exists()  # left for the next run

    # The same export dropped again is moved to done/ beside the first, and adds nothing.
    again = _aged(checkpoint_file(inbox / good.name))
    assert _inbox(inbox, sqlite_url).returncode == 0
    assert not again.exists()
    second = json.loads((inbox / "done" / day / "tan-de-26-11-2.csv.result.json").read_text(encoding="utf-8"))
    assert (second["accepted"], second["duplicates"]) == (0, 4)


def test_a_file_that_found_the_store_down_stays_in_the_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    waiting = _aged(checkpoint_file(inbox / "tan-de.csv"))
    down = _inbox(inbox, f"sqlite:///{tmp_path / 'chua-co' / 'store.db'}")
    assert down.returncode == 1
    assert "Lỗi [store.missing]" in down.stderr
    assert waiting.exists() and not (inbox / "done").exists() and not (inbox / "failed").exists()
