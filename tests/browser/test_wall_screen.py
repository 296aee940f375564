"""The wall screen in Debian's chromium, signed in as a ``wallscreen`` account: "/" lands on
/trinh-chieu, no sidebar, the four views take turns every KIOSK_SECONDS in place (no reload), the
corner shows the clock, and a 1920×1080 screenshot of each view (``WALL_SCREEN_PNG_DIR``: where to
keep them; docs/img/wall-screen.png is the overview's)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from dashboard.i18n import t
from dashboard.wall import VIEWS
from data_access import simulator
from data_access.store import create_store_engine, init_store
from data_access.timeutil import LOCAL_TZ
from tests.browser.conftest import assert_no_exception, session_token, sign_in, wait_for_app

pytestmark = pytest.mark.browser

KIOSK_SECONDS = 5
TITLES = [t(key, "vi") for _name, key in VIEWS]


def _title(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text(timeout=10_000).strip()


def test_the_wall_screen_rotates_its_views_in_place(tmp_path, browser, streamlit_server):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=3, seed=13, scale=0.03)
    engine.dispose()
    server = streamlit_server(
        env={
            "DATABASE_URL": url,
            "DASHBOARD_DATABASE_URL": None,
            "KIOSK_SECONDS": str(KIOSK_SECONDS),
            "DASHBOARD_REFRESH_SECONDS": "1",
        }
    )
    token = session_token(url, "trinhchieu-test", "wallscreen")
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    try:
        sign_in(context, server.url, token)
        page = context.new_page()
        page.goto(server.url + "/", wait_until="domcontentloaded")
        page.wait_for_url(re.compile(r"/trinh-chieu"), timeout=30_000)
        wait_for_app(page)
        page.evaluate("window.__marker = 1")
        assert_no_exception(page)

        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.count() == 0 or not sidebar.first.is_visible()
        assert not page.locator('header[data-testid="stHeader"]').is_visible()

        corner = page.locator(".wall-corner")
        assert corner.is_visible()
        clock = re.search(r"\b(\d{2}):(\d{2})\b", corner.inner_text())
        assert clock, corner.inner_text()
        shown = dt.datetime.now(LOCAL_TZ).replace(hour=int(clock[1]), minute=int(clock[2]))
        assert abs((dt.datetime.now(LOCAL_TZ) - shown).total_seconds()) < 120, corner.inner_text()
        assert "trước" in corner.inner_text()  # "cập nhật 3 giây trước"

        first = _title(page)
        assert first in TITLES
        # The next view within two intervals, then every other in turn: in place, never reloaded.
        seen = [first]
        shots = Path(os.environ.get("WALL_SCREEN_PNG_DIR") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        for _ in range(len(TITLES)):
            expected = TITLES[(TITLES.index(seen[-1]) + 1) % len(TITLES)]
            page.wait_for_function(
                """(title) => {
                    const h = document.querySelector('[data-testid="stMain"] h1');
                    return h && h.innerText.trim() === title;
                }""",
                arg=expected,
                timeout=2 * KIOSK_SECONDS * 1000 + 10_000,  # slack for a loaded, shared machine
                polling=100,
            )
            seen.append(expected)
            page.wait_for_timeout(1500)  # let the view's chart or map paint
            assert_no_exception(page)
            name = VIEWS[TITLES.index(expected)][0]
            page.screenshot(path=str(shots / f"wall-screen-{name}.png"), animations="disabled")
        assert set(seen) == set(TITLES)
        assert page.evaluate("window.__marker") == 1, "the page was reloaded"
        assert page.url.rstrip("/").endswith("/trinh-chieu")
    finally:
        context.close()
