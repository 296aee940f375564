"""``python -m dashboard`` (what ``make run`` does): prepare the store, start the feed, serve the app.

Without ``DATABASE_URL``: create the embedded demo store, seed 30 days if it is empty, and run the
simulated feed beside the dashboard. With ``DATABASE_URL``: only check the store and serve (unless
``DASHBOARD_DEMO=1``, which treats that store as a demo store: created, seeded and fed as above).

The launcher watches what it started: when the feed or the server exits without being asked to, it
says so on stderr in one line and starts it again, after 1 s, doubling after each failure in a row up
to 30 s, back to 1 s once it stayed up for a minute (``DASHBOARD_RESTART_BACKOFF`` sets the first
delay). Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def main() -> int:
    """Prepare, then run and watch the feed (demo only) and streamlit until Ctrl-C or SIGTERM."""
    settings = get_settings()
    children: list[Child] = []
    if settings.uses_embedded_store or os.environ.get("DASHBOARD_DEMO") == "1":
        _prepare_demo_store(settings.store_url)
        children.append(Child(FEED_LABEL, [sys.executable, "-m", "data_access", "feed"]))
    else:
        print(f"Dùng kho dữ liệu: {display_url(settings.store_url)} (không tạo dữ liệu mô phỏng)", flush=True)
    app = Path(PROJECT_ROOT) / "dashboard" / "app.py"
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
    try:
        while not stopping:
            now = time.monotonic()
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
