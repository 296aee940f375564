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
(``python -m data_access purge``). Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from data_access import accounts
from data_access.queries import reference
from data_access.settings import PROJECT_ROOT, get_settings
from data_access.store import create_store_engine, display_url

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
            for child in children:
                if not stopping:  # a child that died from the same Ctrl-C is not restarted
                    child.watch(now)
            time.sleep(0.2)
    finally:
        for child in children:
            child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in children:
            child.wait(deadline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
