"""The command line (SPEC §5): init is idempotent; a store problem is one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from data_access.store import create_store_engine, schema

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "data_access", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_init_twice_then_seed(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    first, second = cli("init", url=url), cli("init", url=url)
    assert first.returncode == second.returncode == 0, first.stderr
    seeded = cli("seed", "--days", "2", "--scale", "0.05", "--seed", "3", url=url)
    assert seeded.returncode == 0, seeded.stderr
    with create_store_engine(url).connect() as conn:
        stored = conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
    assert f"Đã tạo {stored} khai báo" in seeded.stdout and stored > 0


def test_missing_store_is_one_line_and_exit_1(tmp_path):
    result = cli("seed", "--days", "1", url=f"sqlite:///{tmp_path / 'absent.db'}")
    assert result.returncode == 1
    assert result.stderr == (
        "Lỗi [store.missing]: kho dữ liệu không tồn tại (chạy: python -m data_access init): "
        f"sqlite:///{tmp_path / 'absent.db'}\n"
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_broken_store_and_server_down(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"garbage" * 1000)
    result = cli("seed", "--days", "1", url=f"sqlite:///{broken}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"Lỗi [store.not_a_store]: tệp/cơ sở dữ liệu này không phải kho khai báo: sqlite:///{broken} ("
    )
    down = cli("init", url="postgresql+psycopg://officer:s3cret@127.0.0.1:1/x")
    assert down.returncode == 1 and down.stderr.count("\n") == 1
    assert down.stderr.startswith("Lỗi [store.unreachable]: không kết nối được kho dữ liệu: ")
    assert "officer:***@127.0.0.1:1/x" in down.stderr and "s3cret" not in down.stderr
