"""Soak test: the app as ``make run`` starts it, with N browser sessions moving between pages for a while.

Starts the launcher (``python -m dashboard``: the simulated feed and the server, restarted if they
die) on an existing demo store, opens ``--sessions`` headless chromium sessions that cycle through
every page, and every 10 s samples the resident memory (VmRSS) of the streamlit process and its
children. Counts what went wrong: exception boxes and "could not show this part" lines on pages,
pages that never finished, failed health checks, restarts the launcher logged. Prints a summary and
writes the samples as CSV. Exits 1 when anything went wrong.

    .venv/bin/python bench/soak_sessions.py --minutes 60 --sessions 8 --store data/declarations.db

The feed writes into the store: soak a copy if the store matters. Needs Debian's chromium
(``CHROMIUM_PATH`` overrides /usr/bin/chromium) and the playwright package; no browser is downloaded.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
sys.path.insert(0, str(PROJECT_ROOT))

import browser_support  # noqa: E402  (scripts/: the helpers the screenshots and browser tests use)

from dashboard.__main__ import FEED_LABEL, SERVER_LABEL  # noqa: E402
from dashboard.i18n import t  # noqa: E402

PAGES = (
    "tong-quan",
    "ban-do",
    "luu-luong",
    "nguy-co-cao",
    "ung-dung-cntt",
    "chat-luong-du-lieu",
    "nhap-du-lieu",
    "vung-dich",
)
SAMPLE_EVERY_S = 10.0
HEALTH_EVERY_S = 2.0
STARTUP_TIMEOUT_S = 120.0
PAGE_TIMEOUT_MS = 60_000
CSV_COLUMNS = (
    "elapsed_s",
    "server_pid",
    "server_rss_kb",
    "children_rss_kb",
    "total_rss_kb",
    "health_ok",
    "server_restarts",
    "feed_restarts",
    "page_visits",
    "exceptions",
    "page_errors",
    "page_timeouts",
)


@dataclass
class Counts:
    """What the run has seen so far (the browser loop and the sampler thread both add to it)."""

    visits: int = 0
    exceptions: int = 0
    page_errors: int = 0
    timeouts: int = 0
    health_checks: int = 0
    health_failures: int = 0
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, example: str) -> None:
        """Count one failure of ``kind`` (an attribute) and keep the first few examples."""
        with self.lock:
            setattr(self, kind, getattr(self, kind) + 1)
            if len(self.examples) < 10:
                self.examples.append(example[:300])


# --------------------------------------------------------------------------- processes


def _proc_table() -> dict[int, tuple[int, list[bytes]]]:
    """pid → (parent pid, command line) of every live, non-zombie process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if state != "Z":
            table[int(entry.name)] = (int(ppid), cmdline)
    return table


def server_pid(launcher_pid: int) -> int | None:
    """The streamlit process the launcher runs now (it changes when the launcher restarts it)."""
    return next(
        (pid for pid, (ppid, cmd) in _proc_table().items() if ppid == launcher_pid and b"streamlit" in cmd), None
    )


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the server's own workers, e.g. an import's)."""
    table = _proc_table()
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def rss_kb(pid: int) -> int:
    """VmRSS of ``pid`` in kB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def healthy(port: int) -> bool:
    """Whether the server's ``/_stcore/health`` answers ``ok``."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def restarts(log: Path) -> tuple[int, int]:
    """(server, feed) restarts the launcher has logged so far."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return text.count(f"{SERVER_LABEL} dừng ("), text.count(f"{FEED_LABEL} dừng (")


# --------------------------------------------------------------------------- sampling


class Sampler(threading.Thread):
    """Checks health every 2 s and records a memory sample every 10 s until stopped."""

    def __init__(self, launcher_pid: int, port: int, log: Path, counts: Counts, began: float) -> None:
        super().__init__(daemon=True)
        self.launcher_pid, self.port, self.log, self.counts, self.began = launcher_pid, port, log, counts, began
        self.samples: list[dict] = []
        self.stopping = threading.Event()

    def sample(self, health_ok: bool) -> dict:
        """One row of the CSV, now."""
        pid = server_pid(self.launcher_pid)
        own = rss_kb(pid) if pid else 0
        below = sum(rss_kb(child) for child in descendants(pid)) if pid else 0
        server_restarts, feed_restarts = restarts(self.log)
        c = self.counts
        row = dict(
            elapsed_s=round(time.monotonic() - self.began, 1),
            server_pid=pid or "",
            server_rss_kb=own,
            children_rss_kb=below,
            total_rss_kb=own + below,
            health_ok=int(health_ok),
            server_restarts=server_restarts,
            feed_restarts=feed_restarts,
            page_visits=c.visits,
            exceptions=c.exceptions,
            page_errors=c.page_errors,
            page_timeouts=c.timeouts,
        )
        self.samples.append(row)
        return row

    def check_health(self) -> bool:
        """One health check, counted."""
        ok = healthy(self.port)
        with self.counts.lock:
            self.counts.health_checks += 1
        if not ok:
            self.counts.note("health_failures", f"{time.monotonic() - self.began:.0f} s: /_stcore/health failed")
        return ok

    def run(self) -> None:
        next_sample = time.monotonic() + SAMPLE_EVERY_S
        while not self.stopping.wait(HEALTH_EVERY_S):
            ok = self.check_health()
            if time.monotonic() >= next_sample:
                row = self.sample(ok)
                print(
                    f"  {row['elapsed_s']:>6.0f} s  RSS {row['total_rss_kb'] / 1024:7.1f} MiB  "
                    f"visits {row['page_visits']}  errors {row['exceptions'] + row['page_errors']}  "
                    f"restarts {row['server_restarts']}",
                    flush=True,
                )
                next_sample += SAMPLE_EVERY_S


# --------------------------------------------------------------------------- sessions


def go(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Move to ``path`` as a visitor does (the sidebar link), else by the address."""
    try:
        page.locator(f'[data-testid="stSidebarNavLink"][href$="/{path}"]').first.click(timeout=5_000)
    except Exception:  # noqa: BLE001 - no link, a dialog over it, a lost connection: load the address
        page.goto(f"{base_url}/{path}", wait_until="domcontentloaded")


def check_page(page, counts: Counts) -> None:  # type: ignore[no-untyped-def]
    """Wait for ``page`` to finish and count what is wrong on it."""
    try:
        browser_support.wait_for_app(page, timeout_ms=PAGE_TIMEOUT_MS)
    except Exception as exc:  # noqa: BLE001 - a page that never finishes is a finding, not the end
        counts.note("timeouts", f"{page.url}: not idle: {str(exc).splitlines()[0]}")
        return
    with counts.lock:
        counts.visits += 1
    for text in browser_support.exception_texts(page):
        counts.note("exceptions", f"{page.url}: stException: {text}")
    body = page.locator("body").inner_text()
    for key in ("app.page_error", "store.title"):
        if t(key, "vi") in body:
            counts.note("page_errors", f"{page.url}: {t(key, 'vi')}")


def drive_sessions(base_url: str, sessions: int, seconds: float, counts: Counts) -> int:
    """Open ``sessions`` browser sessions and move them between the pages for ``seconds``; rounds done."""
    from playwright.sync_api import sync_playwright

    executable = browser_support.find_chromium()
    if executable is None:
        sys.exit("Debian chromium not found (apt-get install chromium, or set CHROMIUM_PATH)")
    rounds = 0
    with sync_playwright() as playwright:
        browser = browser_support.launch_chromium(playwright, executable)
        pages = [browser_support.open_app(browser, f"{base_url}/{PAGES[i % len(PAGES)]}") for i in range(sessions)]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rounds += 1
            for i, page in enumerate(pages):
                try:
                    go(page, base_url, PAGES[(i + rounds) % len(PAGES)])
                except Exception as exc:  # noqa: BLE001 - e.g. the server is restarting
                    counts.note("timeouts", f"{page.url}: navigation failed: {str(exc).splitlines()[0]}")
            for page in pages:
                check_page(page, counts)
        browser.close()
    return rounds


# --------------------------------------------------------------------------- main


def store_url(store: str) -> str:
    """The store's SQLAlchemy URL (a path means a SQLite file)."""
    return store if "://" in store else f"sqlite:///{Path(store).resolve()}"


def main(argv: list[str] | None = None) -> int:
    """Run the soak; print the summary; 0 when nothing went wrong."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="how long the sessions run (default 60)")
    parser.add_argument("--sessions", type=int, default=8, help="browser sessions at once (default 8)")
    parser.add_argument("--port", type=int, default=8765, help="the dashboard's port (default 8765)")
    parser.add_argument(
        "--store",
        default=str(PROJECT_ROOT / "data" / "declarations.db"),
        help="an existing demo store: a SQLite file or a URL (default data/declarations.db)",
    )
    parser.add_argument(
        "--refresh", type=float, default=None, help="DASHBOARD_REFRESH_SECONDS for the app (default: the app's own)"
    )
    parser.add_argument("--csv", default=None, help="where to write the samples (default soak-<time>.csv here)")
    args = parser.parse_args(argv)

    url = store_url(args.store)
    if url.startswith("sqlite:") and not Path(url.split("sqlite:///", 1)[1]).exists():
        print(
            f"no store at {args.store}: create one first (make run, or python -m data_access init && "
            f"python -m data_access seed --days 30 with DATABASE_URL set)",
            file=sys.stderr,
        )
        return 2
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    csv_path = Path(args.csv or f"soak-{stamp}.csv").resolve()
    log_path = csv_path.with_suffix(".launcher.log")
    if healthy(args.port):
        print(f"something already answers on port {args.port}: choose another --port", file=sys.stderr)
        return 2

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DASHBOARD_DEMO": "1",
        "DASHBOARD_PORT": str(args.port),
        "PYTHONUNBUFFERED": "1",
        "PYTHONFAULTHANDLER": "1",
    }
    if args.refresh:
        env["DASHBOARD_REFRESH_SECONDS"] = str(args.refresh)
    print(f"Soak: {args.sessions} sessions for {args.minutes:g} min on port {args.port}, store {args.store}")
    counts = Counts()
    with open(log_path, "wb") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "dashboard"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    began = time.monotonic()
    sampler = Sampler(launcher.pid, args.port, log_path, counts, began)
    rounds = 0
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not healthy(args.port):
            if launcher.poll() is not None or time.monotonic() > deadline:
                print(f"the app did not start; see {log_path}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        sampler.began = began = time.monotonic()
        sampler.sample(True)  # the baseline, before any session
        sampler.start()
        rounds = drive_sessions(f"http://127.0.0.1:{args.port}", args.sessions, args.minutes * 60, counts)
        sampler.stopping.set()
        sampler.join()
        sampler.sample(sampler.check_health())
    finally:
        sampler.stopping.set()
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGTERM)
            try:
                launcher.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
        if sampler.samples:
            with open(csv_path, "w", newline="", encoding="utf-8") as out:
                writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
                writer.writeheader()
                writer.writerows(sampler.samples)

    samples = sampler.samples
    mib = [row["total_rss_kb"] / 1024 for row in samples]
    server_restarts, feed_restarts = restarts(log_path)
    errors = (
        counts.exceptions
        + counts.page_errors
        + counts.timeouts
        + counts.health_failures
        + server_restarts
        + feed_restarts
    )
    print()
    print(f"Sessions {args.sessions}, {time.monotonic() - began:.0f} s, {rounds} rounds, {counts.visits} page visits")
    print(
        f"RSS of streamlit and its children (MiB): start {mib[0]:.1f}, max {max(mib):.1f}, end {mib[-1]:.1f}"
        f"  ({len(samples)} samples)"
    )
    print(
        f"Errors: stException {counts.exceptions}, page error {counts.page_errors}, pages not finishing "
        f"{counts.timeouts}, health failures {counts.health_failures} of {counts.health_checks}, "
        f"server restarts {server_restarts}, feed restarts {feed_restarts}"
    )
    for example in counts.examples:
        print(f"  {example}")
    print(f"Samples: {csv_path}")
    print(f"Launcher log: {log_path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
