"""How a second viewer fares while someone imports a large file from the dashboard.

    .venv/bin/python bench/bench_upload_responsiveness.py --rows 1000000 [--csv /tmp/bench-1m.csv]
        [--store /tmp/bench-upload.db] [--loads 8]

Starts ``streamlit run dashboard/app.py`` on a fresh store with a few days of simulated history,
then, in headless chromium: session B loads the Overview ``--loads`` times while nothing else runs
(idle), session A uploads an N-row CSV export on the import page and starts the import, and session B
loads the Overview again and again until the import has finished (busy). A load is the time from
navigation until the page's script has finished and its figures are on screen. Prints the medians and
the worst load, the ratio busy / idle and the server's peak RSS (the import runs in its own process).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from browser_support import find_chromium, launch_chromium, open_app, wait_for_app  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _load(browser, url: str) -> float:
    start = time.perf_counter()
    page = open_app(browser, url)
    wait_for_app(page, timeout_ms=120_000, settle_ms=0)
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=120_000)
    elapsed = time.perf_counter() - start
    page.context.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--csv", default=None)
    parser.add_argument("--store", default="/tmp/bench-upload.db")
    parser.add_argument("--loads", type=int, default=8)
    args = parser.parse_args()

    from bench_import import generate

    csv_path = Path(args.csv or f"/tmp/bench-upload-{args.rows}.csv")
    if not csv_path.exists():
        print(f"generating {args.rows} rows → {csv_path}", file=sys.stderr)
        generate(csv_path, args.rows)
    store = Path(args.store)
    store.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{store}"}
    subprocess.run([sys.executable, "-m", "data_access", "init"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [sys.executable, "-m", "data_access", "seed", "--days", "7"],
        env=env,
        check=True,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, find_chromium())
            _load(browser, f"{base}/tong-quan")  # warm-up: modules imported, caches filled
            idle = [_load(browser, f"{base}/tong-quan") for _ in range(args.loads)]
            uploader = open_app(browser, f"{base}/nhap-du-lieu")
            wait_for_app(uploader)
            t0 = time.perf_counter()
            uploader.locator("input[type=file]").first.set_input_files(str(csv_path))
            uploader.get_by_text(csv_path.name).first.wait_for(timeout=600_000)
            uploaded_s = time.perf_counter() - t0
            uploader.get_by_role("button", name="Nhập tệp").click()
            t1 = time.perf_counter()
            busy, peak = [], _rss_mb(server.pid)
            done = uploader.get_by_text("Lô nhập #")
            while done.count() == 0:
                busy.append(_load(browser, f"{base}/tong-quan"))
                peak = max(peak, _rss_mb(server.pid))
            import_s = time.perf_counter() - t1
            text = done.first.inner_text()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    report = {
        "rows": args.rows,
        "file_mb": round(csv_path.stat().st_size / 2**20, 1),
        "upload_s": round(uploaded_s, 1),
        "import_s": round(import_s, 1),
        "result": text,
        "idle_median_s": round(statistics.median(idle), 2),
        "idle_max_s": round(max(idle), 2),
        "busy_loads": len(busy),
        "busy_median_s": round(statistics.median(busy), 2) if busy else None,
        "busy_max_s": round(max(busy), 2) if busy else None,
        "ratio_median": round(statistics.median(busy) / statistics.median(idle), 2) if busy else None,
        "server_peak_rss_mb": round(peak, 1),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
