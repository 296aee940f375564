"""``python -m dashboard`` (what ``make run`` does): prepare the store, start the feed, serve the app.

Without ``DATABASE_URL``: create the embedded demo store, seed 30 days if it is empty, give it one
demo account per role (passwords generated at first start, printed and kept in
``data/demo-accounts.txt``), and run the simulated feed beside the dashboard. With ``DATABASE_URL``:
only check the store and serve (unless ``DASHBOARD_DEMO=1``, which treats that store as a demo store:
created, seeded and fed as above, but given no demo account).

The launcher watches what it started: when the feed or the server exits without being asked to, it
says so on stderr in one line and starts it again, after 1 s, doubling after each failure in a row up
to 30 s, back to 1 s once it stayed up for a minute (``DASHBOARD_RESTART_BACKOFF`` sets the first
delay). Once a day it erases the personal fields of declarations older than ``PERSONAL_DATA_DAYS``
(``python -m data_access purge``). When ``REPORT_DAILY_AT`` (local ``HH:MM``) is set, it writes the
previous local day's briefing into ``REPORT_DIR`` every day at that time (``python -m data_access report``,
in a process of its own), and at start when that time has passed and the file is not there yet.
Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from data_access import accounts
from data_access.queries import reference
from data_access.settings import PROJECT_ROOT, get_settings
from data_access.store import create_store_engine, display_url
from data_access.timeutil import LOCAL_TZ

PORT = int(os.environ.get("DASHBOARD_PORT", "8501"))
#: Seconds before the first restart of a child that exited; doubled for each failure in a row.
RESTART_BASE_S = float(os.environ.get("DASHBOARD_RESTART_BACKOFF", "1"))
RESTART_MAX_S = 30.0
#: A child that stayed up this long is healthy again: its next restart waits the first delay.
STABLE_AFTER_S = 60.0
#: How long the children have to stop after SIGTERM before they are killed.
STOP_TIMEOUT_S = 10.0
#: The daily erasure of old personal fields runs this long after the previous one (and at start).
PURGE_EVERY_S = 24 * 3600.0
DEMO_ACCOUNTS_FILE = Path(PROJECT_ROOT) / "data" / "demo-accounts.txt"
#: One demo account per role: username → role.
DEMO_ACCOUNTS = {
    "lanhdao": "leadership",
    "yte": "health",
    "cntt": "it",
    "quantri": "admin",
    "trinhchieu": "wallscreen",
}
FEED_LABEL = "Luồng dữ liệu mô phỏng"
SERVER_LABEL = "Máy chủ bảng điều khiển"


def restart_delay(failures: int, base: float = RESTART_BASE_S, cap: float = RESTART_MAX_S) -> float:
    """Seconds to wait before restarting a child after ``failures`` exits in a row (counting this one)."""
    return min(cap, base * 2 ** max(0, failures - 1))


def describe_exit(returncode: int) -> str:
    """How a child ended, in Vietnamese: "mã 1" (exit code) or "tín hiệu SIGKILL" (killed by a signal)."""
    if returncode < 0:
        try:
            return f"tín hiệu {signal.Signals(-returncode).name}"
        except ValueError:
            return f"tín hiệu {-returncode}"
    return f"mã {returncode}"


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")  # Vietnamese decimal comma: "0,5 giây"


def _die_with_parent() -> None:
    # Runs in the child before exec: if the launcher itself is killed (SIGKILL, a crash), the kernel
    # sends the child SIGTERM, so no orphaned server keeps the port and blocks the next `make run`.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass  # not Linux: the children may outlive a killed launcher


class Child:
    """A process the launcher keeps running: started again after a backoff whenever it exits."""

    def __init__(self, label: str, command: list[str]) -> None:
        self.label = label
        self.command = command
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.failures = 0
        self.restart_at: float | None = None

    def start(self) -> None:
        """Start the process now."""
        self.proc = subprocess.Popen(
            self.command, cwd=PROJECT_ROOT, preexec_fn=_die_with_parent if sys.platform == "linux" else None
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    def watch(self, now: float) -> None:
        """Notice an exit (log it, schedule the restart) or restart when its time has come."""
        if self.proc is not None and self.proc.poll() is not None:
            if now - self.started_at >= STABLE_AFTER_S:
                self.failures = 0
            self.failures += 1
            delay = restart_delay(self.failures)
            print(
                f"{self.label} dừng ({describe_exit(self.proc.returncode)}), khởi động lại sau {_seconds(delay)} giây",
                file=sys.stderr,
                flush=True,
            )
            self.proc = None
            self.restart_at = now + delay
        elif self.proc is None and self.restart_at is not None and now >= self.restart_at:
            self.start()

    def terminate(self) -> None:
        """Ask the process to stop (SIGTERM: the feed finishes its write, streamlit closes sessions)."""
        self.restart_at = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()

    def wait(self, deadline: float) -> None:
        """Wait for the process to end until ``deadline`` (monotonic), then kill it."""
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _run(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "data_access", *args], cwd=PROJECT_ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def _prepare_demo_store(url: str) -> None:
    """Create the store and seed 30 days of simulated history when it holds no declaration."""
    print(f"Kho dữ liệu mẫu: {display_url(url)}", flush=True)
    _run("init")
    engine = create_store_engine(url)
    with engine.connect() as conn:
        empty = not reference.has_declarations(conn)
    engine.dispose()
    if empty:
        print("Tạo 30 ngày dữ liệu mô phỏng (khoảng một phút)…", flush=True)
        _run("seed", "--days", "30")


def _demo_accounts(url: str, path: Path = DEMO_ACCOUNTS_FILE) -> str:
    """Make sure the demo store has one account per role and ``path`` lists their passwords; return
    the list as printed. Passwords are generated at the first start (or when the file is gone, in
    which case the demo accounts get new ones) and never leave this machine's ``data/`` folder."""
    engine = create_store_engine(url)
    try:
        with engine.begin() as conn:
            known = {a.username for a in accounts.list_accounts(conn)}
            if path.exists() and set(DEMO_ACCOUNTS) <= known:
                return path.read_text(encoding="utf-8")
            lines = ["Tài khoản mẫu (chỉ dùng với kho dữ liệu mẫu):"]
            for name, role in DEMO_ACCOUNTS.items():
                password = secrets.token_urlsafe(9)
                if name in known:
                    accounts.reset_password(conn, name, password, by="demo")
                else:
                    accounts.add_account(conn, name, role, password, display_name=None, by="demo")
                lines.append(f"  {name:<11} {role:<11} {password}")
    finally:
        engine.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return text


_DAILY_AT = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_daily_at(text: str) -> dt.time | None:
    """``REPORT_DAILY_AT`` as a local time of day: "07:00" (or "7:00"); empty = None (no daily briefing).
    Raises ValueError for anything else ("7h", "25:00", "07:60")."""
    value = text.strip()
    if not value:
        return None
    match = _DAILY_AT.match(value)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(value)
    return dt.time(int(match[1]), int(match[2]))


def bad_daily_at_line(text: str) -> str:
    """The one line the launcher prints for a ``REPORT_DAILY_AT`` it cannot read."""
    return (
        f"REPORT_DAILY_AT={text.strip()!r} không hợp lệ: cần giờ địa phương dạng HH:MM (ví dụ 07:00); "
        "sẽ không tự viết báo cáo hằng ngày"
    )


def next_report_at(now_local: dt.datetime, at_text: str) -> dt.datetime | None:
    """When the launcher next writes the daily briefing: today at ``at_text`` if that is still to
    come, else tomorrow at that time (local, as aware as ``now_local``). None when ``at_text`` is
    empty or not a time."""
    try:
        at = parse_daily_at(at_text)
    except ValueError:
        return None
    if at is None:
        return None
    today_at = dt.datetime.combine(now_local.date(), at, tzinfo=now_local.tzinfo)
    if now_local < today_at:
        return today_at
    return dt.datetime.combine(now_local.date() + dt.timedelta(days=1), at, tzinfo=now_local.tzinfo)


def report_file(day: dt.date) -> str:
    """The file whose presence says the briefing of ``day`` was written (the deck)."""
    return f"bao-cao-{day.isoformat()}.pptx"


def report_due(now_local: dt.datetime, at_text: str, existing: Iterable[str]) -> dt.date | None:
    """The local day whose briefing should be written now, or None: yesterday's, once today's time
    ``at_text`` has come, unless its deck is among ``existing`` (the names in ``REPORT_DIR``)."""
    try:
        at = parse_daily_at(at_text)
    except ValueError:
        return None
    if at is None or now_local.time() < at:
        return None
    day = now_local.date() - dt.timedelta(days=1)
    return None if report_file(day) in set(existing) else day


def report_dir() -> Path:
    """``REPORT_DIR``, relative to the project folder unless absolute."""
    return Path(PROJECT_ROOT) / get_settings().report_dir


class DailyReport:
    """The daily briefing: ``python -m data_access report`` for yesterday, in a process of its own,
    at ``REPORT_DAILY_AT`` (and at start when due and missing)."""

    def __init__(self, at_text: str) -> None:
        self.at_text = at_text
        self.proc: subprocess.Popen | None = None
        self.day: dt.date | None = None
        self.next_at: dt.datetime | None = None

    def watch(self, now_local: dt.datetime) -> None:
        """Notice the end of a running briefing; start the due one."""
        if self.proc is not None:
            if self.proc.poll() is None:
                return
            if self.proc.returncode:
                print(
                    f"Không viết được báo cáo ngày {self.day} ({describe_exit(self.proc.returncode)})",
                    file=sys.stderr,
                    flush=True,
                )
            else:
                print(f"Đã viết báo cáo ngày {self.day}", flush=True)
            self.proc = None
        if self.next_at is not None and now_local < self.next_at:
            return
        folder = report_dir()
        try:
            existing = [entry.name for entry in folder.iterdir()]
        except OSError:
            existing = []
        day = report_due(now_local, self.at_text, existing)
        self.next_at = next_report_at(now_local, self.at_text)
        if day is None:
            return
        self.day = day
        print(f"Viết báo cáo ngày {day.isoformat()} vào {folder}", flush=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "data_access", "report", "--date", day.isoformat(), "--out", str(folder)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def terminate(self) -> None:
        """Stop a briefing still being written (its files appear whole or not at all)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def daily_report(at_text: str) -> DailyReport | None:
    """The daily briefing's schedule for ``REPORT_DAILY_AT``; None when empty, or when it is not a
    time (said in one line on stderr)."""
    try:
        if parse_daily_at(at_text) is None:
            return None
    except ValueError:
        print(bad_daily_at_line(at_text), file=sys.stderr, flush=True)
        return None
    return DailyReport(at_text)


def _purge() -> None:
    """Erase the personal fields of old declarations (``PERSONAL_DATA_DAYS``), in a process of its own."""
    days = str(get_settings().personal_data_days)
    subprocess.run([sys.executable, "-m", "data_access", "purge", "--personal-older-than", days], cwd=PROJECT_ROOT)


def main() -> int:
    """Prepare, then run and watch the feed (demo only) and streamlit until Ctrl-C or SIGTERM."""
    settings = get_settings()
    children: list[Child] = []
    if settings.uses_embedded_store or os.environ.get("DASHBOARD_DEMO") == "1":
        _prepare_demo_store(settings.store_url)
        if settings.uses_embedded_store:  # a configured store never gets accounts with known passwords
            print(_demo_accounts(settings.store_url), end="", flush=True)
        children.append(Child(FEED_LABEL, [sys.executable, "-m", "data_access", "feed"]))
    else:
        print(f"Dùng kho dữ liệu: {display_url(settings.store_url)} (không tạo dữ liệu mô phỏng)", flush=True)
    app = Path(PROJECT_ROOT) / "dashboard" / "server.py"
    children.append(
        Child(
            SERVER_LABEL,
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app),
                "--server.port",
                str(PORT),
                "--server.headless",
                "true",
            ],
        )
    )

    report = daily_report(settings.report_daily_at)
    stopping: list[int] = []
    # Both only set a flag: the loop below notices it and stops the children in order.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda received, _frame: stopping.append(received))
    for child in children:
        child.start()
    print(f"Bảng điều khiển: http://localhost:{PORT}  (Ctrl-C để dừng)", flush=True)
    next_purge = time.monotonic()
    try:
        while not stopping:
            now = time.monotonic()
            if now >= next_purge:
                _purge()
                next_purge = now + PURGE_EVERY_S
            if report is not None:
                report.watch(dt.datetime.now(LOCAL_TZ))
            for child in children:
                if not stopping:  # a child that died from the same Ctrl-C is not restarted
                    child.watch(now)
            time.sleep(0.2)
    finally:
        if report is not None:
            report.terminate()
        for child in children:
            child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in children:
            child.wait(deadline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
