"""``python -m dashboard`` (what ``make run`` does): prepare the store, start the feed, serve the app.

Without ``DATABASE_URL``: create the embedded demo store, seed 30 days if it is empty, and run the
simulated feed beside the dashboard. With ``DATABASE_URL``: only check the store and serve.
Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from data_access import schema
from data_access.settings import PROJECT_ROOT, get_settings
from data_access.store import create_store_engine, display_url

PORT = int(os.environ.get("DASHBOARD_PORT", "8501"))


def _run(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "data_access", *args], cwd=PROJECT_ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def main() -> int:
    """Prepare, then run the feed (demo only) and streamlit until Ctrl-C."""
    settings = get_settings()
    children: list[subprocess.Popen] = []
    if settings.uses_embedded_store:
        print(f"Kho dữ liệu mẫu: {display_url(settings.store_url)}", flush=True)
        _run("init")
        engine = create_store_engine(settings.store_url)
        with engine.connect() as conn:
            empty = not conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
        engine.dispose()
        if empty:
            print("Tạo 30 ngày dữ liệu mô phỏng (khoảng một phút)…", flush=True)
            _run("seed", "--days", "30")
        children.append(subprocess.Popen([sys.executable, "-m", "data_access", "feed"], cwd=PROJECT_ROOT))
    else:
        print(f"Dùng kho dữ liệu: {display_url(settings.store_url)} (không tạo dữ liệu mô phỏng)", flush=True)
    app = Path(PROJECT_ROOT) / "dashboard" / "app.py"
    children.append(subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(PORT),
                                      "--server.headless", "true"], cwd=PROJECT_ROOT))
    print(f"Bảng điều khiển: http://localhost:{PORT}  (Ctrl-C để dừng)", flush=True)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
