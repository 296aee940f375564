"""``python -m dashboard`` (``make run``) keeps the feed and the server running: killed, each comes back
and the launcher says why on stderr; SIGTERM stops everything within seconds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.__main__ import FEED_LABEL, SERVER_LABEL, STABLE_AFTER_S, Child, describe_exit, restart_delay
from data_access import simulator
from data_access.store import create_store_engine, init_store

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 60.0


def test_restart_delay_doubles_up_to_the_cap():
    assert [restart_delay(n, base=1, cap=30) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert restart_delay(1, base=0.2, cap=30) == 0.2


def test_describe_exit_names_the_code_or_the_signal():
    assert describe_exit(1) == "mã 1"
    assert describe_exit(-signal.SIGKILL) == "tín hiệu SIGKILL"
    assert describe_exit(-signal.SIGSEGV) == "tín hiệu SIGSEGV"


def test_a_crash_loop_backs_off_and_a_long_run_resets_the_delay(capsys):
    child = Child("Tiến trình thử", [sys.executable, "-c", "raise SystemExit(3)"])
    delays = []
    for uptime in (0, 0, 0, STABLE_AFTER_S + 1):
        child.start()
        child.proc.wait()
        child.started_at -= uptime  # as if it had run that long
        now = time.monotonic()
        child.watch(now)
        delays.append(child.restart_at - now)
    assert delays == [restart_delay(1), restart_delay(2), restart_delay(3), restart_delay(1)]
    assert "Tiến trình thử dừng (mã 3), khởi động lại sau " in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> dict[str, int]:
    """The launcher's live children by role ("feed", "server") → pid, from /proc."""
    found: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # The fields after the command name: state, ppid, ...
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) != pid or state == "Z":
            continue
        if b"streamlit" in cmdline:
            found["server"] = int(entry.name)
        elif b"feed" in cmdline:
            found["feed"] = int(entry.name)
    return found


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _wait(condition: Callable[[], object], what: str, timeout: float = STARTUP_TIMEOUT_S, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}", pytrace=False)


def test_launcher_restarts_a_killed_feed_and_server_and_stops_on_sigterm(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=1, seed=3, scale=0.02)  # not empty: the launcher seeds nothing
    engine.dispose()
    port = _free_port()
    log = tmp_path / "launcher.log"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DASHBOARD_DEMO": "1",
        "DASHBOARD_PORT": str(port),
        "DASHBOARD_RESTART_BACKOFF": "0.2",
        "PYTHONUNBUFFERED": "1",
    }
    with open(log, "wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "dashboard"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait(lambda: _healthy(port), "the dashboard's health", log=log)
        first = _wait(lambda: c if len(c := _children(launcher.pid)) == 2 else None, "feed and server", log=log)

        os.kill(first["feed"], signal.SIGKILL)
        _wait(
            lambda: f"{FEED_LABEL} dừng (tín hiệu SIGKILL), khởi động lại sau 0,2 giây" in log.read_text(),
            "the feed's restart line",
            timeout=10,
            log=log,
        )
        feed = _wait(
            lambda: _children(launcher.pid).get("feed") not in (None, first["feed"]), "a new feed", timeout=10, log=log
        )
        assert feed

        os.kill(first["server"], signal.SIGKILL)
        _wait(
            lambda: f"{SERVER_LABEL} dừng (tín hiệu SIGKILL), khởi động lại sau 0,2 giây" in log.read_text(),
            "the server's restart line",
            timeout=10,
            log=log,
        )
        _wait(
            lambda: _children(launcher.pid).get("server") not in (None, first["server"]),
            "a new server",
            timeout=10,
            log=log,
        )
        _wait(lambda: _healthy(port), "the restarted dashboard's health", log=log)
        survivors = _children(launcher.pid)
        assert launcher.poll() is None

        began = time.monotonic()
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=15) == 0
        stopped_in = time.monotonic() - began
        assert stopped_in < 12, f"stopping took {stopped_in:.1f} s"
        for pid in survivors.values():
            assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2], (
                f"child {pid} still running after the launcher stopped"
            )
        assert not _healthy(port)
        text = log.read_text()
        assert text.count(" dừng (") == 2, text  # exactly the two kills; the SIGTERM stop is not a failure
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
