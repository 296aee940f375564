"""Red means attention: at normal rates a checkpoint is blue; when ``feed --surge`` sends an outbreak's
travellers to one bridge, that checkpoint turns red on the live map within one refresh, and the others
stay as they were."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from data_access.risk import HotZoneIndex
from data_access.store import create_store_engine, schema, write_declarations
from data_access.timeutil import UTC
from tests.browser.conftest import PROJECT_ROOT, assert_no_exception, wait_for_app
from tests.support import declaration

pytestmark = pytest.mark.browser

REFRESH_SECONDS = 3


@pytest.fixture
def store(sqlite_engine, sqlite_url):
    """Low-risk crossings at every checkpoint over the last half hour: all three normal."""
    now = dt.datetime.now(UTC)
    with sqlite_engine.begin() as conn:
        ids = [cid for (cid,) in conn.execute(select(schema.checkpoints.c.id).order_by(schema.checkpoints.c.id))]
        write_declarations(
            conn,
            [declaration(ids[i % 3], now - dt.timedelta(seconds=30 + 50 * i)) for i in range(36)],
            HotZoneIndex([]),
        )
    return sqlite_url


def _contact_arrivals(store_url: str) -> int:
    """Arrivals at Tân Đệ who had contact with a case in the last 15 minutes (what turns it red)."""
    engine = create_store_engine(store_url, read_only=True)
    try:
        with engine.connect() as conn:
            d, c = schema.declarations.c, schema.checkpoints.c
            since = dt.datetime.now(UTC).replace(tzinfo=None) - dt.timedelta(minutes=15)
            return conn.execute(
                select(func.count())
                .select_from(schema.declarations.join(schema.checkpoints, d.checkpoint_id == c.id))
                .where(c.code == "TAN_DE", d.contact_f0, d.direction == "in", d.declared_at >= since)
            ).scalar_one()
    finally:
        engine.dispose()


def _panel_state(page, name: str) -> str:
    """The side panel's state line of the checkpoint called ``name`` ("Bình thường", "Cần chú ý"…)."""
    text = page.locator('[data-testid="stMain"]').inner_text()
    after = text.split(name, 1)[1] if name in text else ""
    return after.strip().splitlines()[0] if after.strip() else ""


def test_a_surge_turns_its_checkpoint_red_within_one_refresh(streamlit_server, app_page, store):
    server = streamlit_server(env={"DATABASE_URL": store, "DASHBOARD_REFRESH_SECONDS": str(REFRESH_SECONDS)})
    page = app_page(f"{server.url}/ban-do")
    page.get_by_text("Cầu Tân Đệ").first.wait_for(timeout=20_000)
    assert _panel_state(page, "Cầu Tân Đệ").startswith("Bình thường")
    feed = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "data_access",
            "feed",
            "--surge",
            "TAN_DE",
            "--interval",
            "1",
            "--no-backfill",
            "--rate",
            "0.5",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": store},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # "Within one refresh" counts from the first surge arrival in the store (the feed's own start
        # takes a few seconds on a loaded machine); then the map has one refresh and a margin.
        started = time.monotonic()
        while not _contact_arrivals(store):
            assert time.monotonic() < started + 60, "the surge feed wrote nothing"
            time.sleep(0.2)
        deadline = time.monotonic() + REFRESH_SECONDS + 6
        while not _panel_state(page, "Cầu Tân Đệ").startswith("Cần chú ý"):
            assert time.monotonic() < deadline, f"still {_panel_state(page, 'Cầu Tân Đệ')!r}"
            page.wait_for_timeout(250)
        assert "tiếp xúc F0" in page.locator('[data-testid="stMain"]').inner_text()  # the reason, in words
        assert _panel_state(page, "Cầu Thái Hà").startswith("Bình thường")
        # the marker on the map itself is red
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        assert frame.locator(".state-attention").count() >= 1
        wait_for_app(page)
        assert_no_exception(page)
    finally:
        feed.terminate()
        feed.wait(timeout=15)
