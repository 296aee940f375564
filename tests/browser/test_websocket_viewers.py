"""The session benchmark's websocket viewers (bench/bench_sessions.py) are what a browser is to the
server: a signed-in page run, then the live part's reruns at the server's interval; and they see what
a viewer would see as an error."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from data_access import simulator
from data_access.store import create_store_engine, init_store
from tests.browser.conftest import session_token

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import bench_sessions  # noqa: E402

pytestmark = pytest.mark.browser


def test_a_viewer_gets_the_page_then_its_refreshes(tmp_path, streamlit_server):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=2, seed=4, scale=0.02)
    engine.dispose()
    server = streamlit_server(
        env={"DATABASE_URL": url, "DASHBOARD_REFRESH_SECONDS": "1", "DASHBOARD_TIMING_LOG": "true"}
    )
    clients = bench_sessions.WebsocketClients(server.port)
    try:
        viewer = clients.open("tong-quan", session_token(url))
        time.sleep(4.5)
        assert viewer.runs >= 4  # the page's run and about one refresh a second
        assert clients.problems(viewer) == (0, 0, [])
        clients.close(viewer)
    finally:
        clients.shutdown()
    lines = bench_sessions.timing_lines(server.log_text())
    assert {line["page"] for line in lines} == {"tong-quan"}
    assert sum(line["run"] == "refresh" for line in lines) >= 3
    assert all(int(line["queries"]) > 0 for line in lines)


def test_a_viewer_sees_the_store_page(tmp_path, streamlit_server):
    ready = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(ready)
    init_store(engine)
    engine.dispose()
    token = session_token(ready)
    (tmp_path / "store.db").unlink()  # the store goes away: the dashboard shows its store page
    server = streamlit_server(env={"DATABASE_URL": ready})
    clients = bench_sessions.WebsocketClients(server.port)
    try:
        viewer = clients.open("tong-quan", token)
        boxes, lines, examples = clients.problems(viewer)
        assert boxes == 0 and lines >= 1
        assert any("tong-quan" in example for example in examples)
    finally:
        clients.shutdown()
