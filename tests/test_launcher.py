"""``python -m dashboard`` (``make run``) keeps the feed and the server running: killed, each comes back
and the launcher says why on stderr; SIGTERM stops everything within seconds."""

from __future__ import annotations

import datetime as dt
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

import briefing
from dashboard.__main__ import (
    FEED_LABEL,
    SERVER_LABEL,
    STABLE_AFTER_S,
    Child,
    bad_daily_at_line,
    daily_report,
    describe_exit,
    next_report_at,
    parse_daily_at,
    report_due,
    report_file,
    restart_delay,
)
from data_access import simulator
from data_access.store import create_store_engine, init_store
from data_access.timeutil import LOCAL_TZ

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


def _local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("07:00", dt.time(7, 0)), ("7:05", dt.time(7, 5)), (" 23:59 ", dt.time(23, 59)), ("00:00", dt.time(0, 0))],
)
def test_the_daily_time_is_a_local_hh_mm(text, expected):
    assert parse_daily_at(text) == expected


@pytest.mark.parametrize("text", ["7h", "07:00:00", "24:00", "07:60", "7", "07-00", "bảy giờ", ":30", "07:5"])
def test_a_bad_daily_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_daily_at(text)
    assert next_report_at(_local(2026, 11, 20, 6, 0), text) is None
    assert report_due(_local(2026, 11, 20, 8, 0), text, []) is None


def test_an_empty_daily_time_means_no_briefing(capsys):
    assert parse_daily_at("") is None and parse_daily_at("  ") is None
    assert next_report_at(_local(2026, 11, 20, 6, 0), "") is None
    assert report_due(_local(2026, 11, 20, 23, 0), "", []) is None
    assert daily_report("") is None
    assert capsys.readouterr().err == ""


def test_a_bad_daily_time_says_so_in_one_vietnamese_line_and_schedules_nothing(capsys):
    assert daily_report("7h sáng") is None
    err = capsys.readouterr().err
    assert err == bad_daily_at_line("7h sáng") + "\n"
    assert err.count("\n") == 1 and "REPORT_DAILY_AT" in err and "HH:MM" in err and "không hợp lệ" in err
    assert daily_report("07:00") is not None


def test_the_next_briefing_is_today_at_the_time_or_tomorrow():
    assert next_report_at(_local(2026, 11, 20, 6, 59, 59), "07:00") == _local(2026, 11, 20, 7, 0)
    assert next_report_at(_local(2026, 11, 20, 7, 0), "07:00") == _local(2026, 11, 21, 7, 0)
    assert next_report_at(_local(2026, 11, 20, 23, 59, 59), "07:00") == _local(2026, 11, 21, 7, 0)
    assert next_report_at(_local(2026, 11, 20, 0, 0), "00:00") == _local(2026, 11, 21, 0, 0)
    assert next_report_at(_local(2026, 11, 20, 23, 58), "23:59") == _local(2026, 11, 20, 23, 59)
    # across the end of a month and of a year
    assert next_report_at(_local(2026, 11, 30, 8, 0), "07:00") == _local(2026, 12, 1, 7, 0)
    assert next_report_at(_local(2026, 12, 31, 8, 0), "07:00") == _local(2027, 1, 1, 7, 0)
    assert next_report_at(_local(2026, 11, 20, 8, 0), "07:00").tzinfo is LOCAL_TZ


def test_yesterdays_briefing_is_due_once_the_time_has_come_and_its_file_is_missing():
    assert report_file(dt.date(2026, 11, 19)) == briefing.file_name(dt.date(2026, 11, 19), "pptx")
    assert report_due(_local(2026, 11, 20, 6, 59), "07:00", []) is None  # not yet
    assert report_due(_local(2026, 11, 20, 7, 0), "07:00", []) == dt.date(2026, 11, 19)
    assert report_due(_local(2026, 11, 20, 23, 59), "07:00", ["other.txt"]) == dt.date(2026, 11, 19)
    assert report_due(_local(2026, 11, 20, 9, 0), "07:00", ["bao-cao-2026-11-19.pptx"]) is None  # written
    assert report_due(_local(2026, 11, 20, 9, 0), "07:00", ["bao-cao-2026-11-18.pptx"]) == dt.date(2026, 11, 19)
    # just after local midnight with a midnight time: the day that has just ended
    assert report_due(_local(2026, 11, 20, 0, 0), "00:00", []) == dt.date(2026, 11, 19)
    assert report_due(_local(2026, 1, 1, 7, 30), "07:00", []) == dt.date(2025, 12, 31)
    assert report_due(_local(2026, 3, 1, 7, 30), "07:00", []) == dt.date(2026, 2, 28)


def test_the_daily_briefing_is_written_once_at_its_time(tmp_path, monkeypatch):
    """The schedule drives the report command: due at start when missing, then not again until the
    next day's time (the child process is replaced by a recorder)."""
    import dashboard.__main__ as launcher

    started: list[list[str]] = []

    class Done:
        returncode = 0

        def __init__(self, command, **_kwargs):
            started.append(command)
            day = command[command.index("--date") + 1]
            (tmp_path / f"bao-cao-{day}.pptx").write_bytes(b"")

        def poll(self):
            return 0

    monkeypatch.setattr(launcher, "report_dir", lambda: tmp_path)
    monkeypatch.setattr(launcher.subprocess, "Popen", Done)
    job = daily_report("07:00")
    assert job is not None
    job.watch(_local(2026, 11, 20, 6, 0))  # at start, before the time: nothing
    assert started == []
    job.watch(_local(2026, 11, 20, 6, 59, 59))
    assert started == []
    job.watch(_local(2026, 11, 20, 7, 0, 0, 200_000))
    assert [c[c.index("--date") + 1] for c in started] == ["2026-11-19"]
    assert started[0][-2:] == ["--out", str(tmp_path)]
    for minute in range(1, 60):  # the rest of the day: not again
        job.watch(_local(2026, 11, 20, 7 + minute // 6, minute))
    assert len(started) == 1
    job.watch(_local(2026, 11, 21, 7, 0, 1))
    assert [c[c.index("--date") + 1] for c in started] == ["2026-11-19", "2026-11-20"]

    late = daily_report("07:00")  # a launcher started after the time, yesterday's file missing
    assert late is not None
    late.watch(_local(2026, 11, 22, 12, 0))
    assert started[-1][started[-1].index("--date") + 1] == "2026-11-21"
    again = daily_report("07:00")  # and one started when it is there: nothing
    assert again is not None
    again.watch(_local(2026, 11, 22, 12, 5))
    assert len(started) == 3


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
    # Not empty (two days: just after local midnight today may have none): the launcher seeds nothing.
    simulator.seed(engine, days=2, seed=3, scale=0.02)
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


def test_the_demo_store_gets_one_account_per_role_with_passwords_kept_aside(tmp_path):
    from dashboard.__main__ import DEMO_ACCOUNTS, _demo_accounts
    from data_access import accounts
    from data_access.store import create_store_engine, init_store
    from data_access.timeutil import now_utc

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    kept = tmp_path / "demo-accounts.txt"
    text = _demo_accounts(url, kept)
    assert kept.read_text(encoding="utf-8") == text and oct(kept.stat().st_mode & 0o777) == "0o600"
    passwords = {line.split()[0]: line.split()[2] for line in text.splitlines()[1:]}
    assert set(passwords) == set(DEMO_ACCOUNTS)
    with engine.begin() as conn:
        for name, role in DEMO_ACCOUNTS.items():
            assert accounts.authenticate(conn, name, passwords[name], now_utc()).role == role
    assert _demo_accounts(url, kept) == text  # the next start keeps them
    kept.unlink()
    again = _demo_accounts(url, kept)  # the list was lost: new passwords, the old ones stop working
    assert again != text
    with engine.connect() as conn:
        with pytest.raises(accounts.SignInError):
            accounts.authenticate(conn, "quantri", passwords["quantri"], now_utc())
    engine.dispose()
