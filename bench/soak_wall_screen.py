"""Soak test of the wall screen: one chromium session on ``/trinh-chieu`` for a long while.

Prepares a demo store (init, 30 simulated days if it is empty, a ``wallscreen`` account and a session
for it), starts the simulated feed (``python -m data_access feed``) and the dashboard server
(``streamlit run dashboard/server.py``) beside it, opens one headless chromium signed in as the wall
screen on ``/``, and every ``--every`` seconds samples the server's resident memory (VmRSS from
``/proc/<pid>/status``), the browser page's JS heap and whether the page shows an exception, a
"could not show this part" line, or was reloaded (a marker set in the page at the start is gone).
Writes the samples as CSV and prints the curve's summary: start, max, end and growth.

    .venv/bin/python bench/soak_wall_screen.py --store /tmp/wall/store.db --minutes 60

The feed writes into the store: soak a copy if the store matters. Needs Debian's chromium
(``CHROMIUM_PATH`` overrides /usr/bin/chromium) and the playwright package; no browser is downloaded.
Exits 1 when anything went wrong on the page or a process stopped.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
sys.path.insert(0, str(PROJECT_ROOT))

import browser_support  # noqa: E402  (scripts/: the helpers the screenshots and browser tests use)

from data_access import accounts, simulator  # noqa: E402
from data_access.queries import reference  # noqa: E402
from data_access.store import create_store_engine, init_store  # noqa: E402
from data_access.timeutil import now_utc  # noqa: E402

WALL_USER = "soak-trinhchieu"
PAGE_ERROR_LINE = "Không hiển thị được phần này do một lỗi của hệ thống"
CSV_COLUMNS = ("elapsed_s", "server_rss_kb", "js_heap_kb", "view_title", "exceptions", "page_errors", "reloaded")


def rss_kb(pid: int) -> int:
    """VmRSS of ``pid`` in kB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def prepare(url: str, days: int) -> str:
    """Create and seed the store if it is empty; return a new session token of the wall-screen account."""
    engine = create_store_engine(url)
    try:
        init_store(engine)
        with engine.connect() as conn:
            empty = not reference.has_declarations(conn)
        if empty:
            started = time.perf_counter()
            written = simulator.seed(engine, days=days, seed=11)
            print(f"seeded {written:,} declarations in {time.perf_counter() - started:.0f} s", flush=True)
        with engine.begin() as conn:
            account = accounts.get_account(conn, WALL_USER) or accounts.add_account(
                conn, WALL_USER, "wallscreen", "soak-password-1", by="soak"
            )
            return accounts.start_session(conn, account, now_utc())
    finally:
        engine.dispose()


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def summary(samples: list[dict]) -> str:
    """Start, max, end and growth of the server's RSS (MiB), from the samples."""
    rss = [s["server_rss_kb"] / 1024 for s in samples if s["server_rss_kb"]]
    if not rss:
        return "no sample"
    minutes = samples[-1]["elapsed_s"] / 60
    half = rss[len(rss) // 2 :]
    return (
        f"{len(rss)} samples over {minutes:.0f} min: start {rss[0]:.0f} MiB, max {max(rss):.0f} MiB, "
        f"end {rss[-1]:.0f} MiB, growth {rss[-1] - rss[0]:+.0f} MiB (second half {half[-1] - half[0]:+.0f} MiB)"
    )


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print its summary; 1 when anything went wrong. SIGTERM or Ctrl-C ends it early,
    with the summary of what was sampled."""
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="/tmp/wall/store.db", help="SQLite file (created and seeded if empty)")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--every", type=float, default=30, help="seconds between samples")
    parser.add_argument("--days", type=int, default=30, help="days to seed an empty store with")
    parser.add_argument("--csv", default="", help="where to write the samples (default: beside the store)")
    args = parser.parse_args(argv)
    store = Path(args.store).resolve()
    store.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{store}"
    token = prepare(url, args.days)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    env.pop("DASHBOARD_DATABASE_URL", None)
    feed = _start([sys.executable, "-m", "data_access", "feed"], env, store.parent / "feed.log")
    server = _start(
        [
            sys.executable, "-m", "streamlit", "run", "dashboard/server.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        env,
        store.parent / "server.log",
    )  # fmt: skip
    samples: list[dict] = []
    problems: list[str] = []
    csv_path = Path(args.csv) if args.csv else store.parent / "soak-wall-screen.csv"
    began = time.monotonic()
    try:
        deadline = time.monotonic() + 120
        while not _healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                print("the server did not start; see", store.parent / "server.log", file=sys.stderr)
                return 1
            time.sleep(0.5)
        from playwright.sync_api import sync_playwright

        executable = browser_support.find_chromium()
        if executable is None:
            print("no chromium (CHROMIUM_PATH)", file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = browser_support.launch_chromium(playwright, executable)
            context = browser.new_context(
                viewport={"width": 1920, "height": 1080},
                locale=browser_support.LOCALE,
                timezone_id=browser_support.TIMEZONE,
            )
            browser_support.sign_in(context, base, token)
            page = context.new_page()
            page.goto(base + "/", wait_until="domcontentloaded")
            page.wait_for_url("**/trinh-chieu**", timeout=60_000)
            browser_support.wait_for_app(page, timeout_ms=60_000)
            page.evaluate("window.__soakMarker = 1")
            print(
                f"machine: {platform.node()}, {os.cpu_count()} cores; python {platform.python_version()}; "
                f"server pid {server.pid}; sampling every {args.every:g} s for {args.minutes:g} min",
                flush=True,
            )
            began = time.monotonic()
            end = began + args.minutes * 60
            with open(csv_path, "w", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
                writer.writeheader()
                while True:
                    now = time.monotonic()
                    heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
                    title = page.locator("h1").first.inner_text(timeout=10_000) if page.locator("h1").count() else ""
                    exceptions = len(browser_support.exception_texts(page))
                    page_errors = page.get_by_text(PAGE_ERROR_LINE).count()
                    reloaded = page.evaluate("window.__soakMarker !== 1")
                    sample = {
                        "elapsed_s": round(now - began),
                        "server_rss_kb": rss_kb(server.pid),
                        "js_heap_kb": int(heap) // 1024,
                        "view_title": title,
                        "exceptions": exceptions,
                        "page_errors": page_errors,
                        "reloaded": int(reloaded),
                    }
                    samples.append(sample)
                    writer.writerow(sample)
                    fh.flush()
                    stamp = dt.datetime.now().strftime("%H:%M:%S")
                    print(
                        f"{stamp} +{sample['elapsed_s']:5d} s  server {sample['server_rss_kb'] / 1024:6.0f} MiB  "
                        f"js heap {sample['js_heap_kb'] / 1024:5.0f} MiB  {title!r}",
                        flush=True,
                    )
                    if exceptions or page_errors or reloaded:
                        problems.append(f"+{sample['elapsed_s']} s: {exceptions} exception(s), "
                                        f"{page_errors} error line(s), reloaded={reloaded}")  # fmt: skip
                    if server.poll() is not None or feed.poll() is not None:
                        problems.append(f"+{sample['elapsed_s']} s: server or feed stopped")
                        break
                    if now >= end:
                        break
                    time.sleep(max(0.0, min(args.every, end - time.monotonic())))
            browser.close()
    except KeyboardInterrupt:
        print("stopped early", flush=True)
    finally:
        _stop(server)
        _stop(feed)
    print(f"server RSS: {summary(samples)}")
    print(f"samples: {csv_path}")
    for line in problems[:20]:
        print("problem:", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
