"""The committee pages in a real browser (Debian chromium), with no internet.

Every request that does not go to the app itself is aborted, as on the province's closed network: the
pages must load without an exception, and the live map must draw Leaflet and the three checkpoints from
the app's own files (tiles may be missing; markers and layers are not).
"""

from __future__ import annotations

import datetime as dt
import threading
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.timeutil import UTC, local_midnight_utc, local_today, now_utc
from tests.browser.conftest import assert_no_exception, sign_in, wait_for_app
from tests.support import declaration

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = {
    "ban-do": "Bản đồ trực tiếp các chốt kiểm soát",
    "luu-luong": "Lưu lượng qua chốt",
    "nguy-co-cao": "Người qua chốt có nguy cơ cao",
    "ung-dung-cntt": "Ứng dụng CNTT trong khai báo y tế",
}
d = schema.declarations.c


def _ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {code: cid for cid, code in conn.execute(select(schema.checkpoints.c.id, schema.checkpoints.c.code))}


def _write(engine, rows) -> None:
    with engine.begin() as conn:
        write_declarations(conn, rows, HotZoneIndex([]))


@pytest.fixture
def store(sqlite_engine, sqlite_url):
    """A store with declarations at every checkpoint in the last seconds and hours."""
    ids = _ids(sqlite_engine)
    now = dt.datetime.now(UTC)
    rows = []
    for i in range(60):
        code = list(ids)[i % 3]
        rows.append(
            declaration(
                ids[code],
                now - dt.timedelta(seconds=15 + 97 * i),
                direction="in" if i % 2 else "out",
                channel="paper" if i % 4 == 0 else "vhd",
                origin_province_code="36" if i % 5 else "01",
            )
        )
    # Arrivals from two provinces today whatever the hour (after local midnight the rows above are
    # yesterday's), at the first checkpoint, no later than its last declaration above.
    rows += [
        declaration(ids[list(ids)[0]], now - dt.timedelta(seconds=16 + k), direction="in", origin_province_code=code)
        for k, code in enumerate(("36", "01"))
    ]
    _write(sqlite_engine, rows)
    return sqlite_engine, sqlite_url, ids


def offline_page(browser, url: str, viewport=(1440, 900)):
    """A page whose every request outside the app is aborted; returns (page, list of blocked URLs)."""
    blocked: list[str] = []
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    sign_in(context, url)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page)
    return page, blocked


@pytest.fixture
def server(streamlit_server, store):
    engine, url, ids = store
    return streamlit_server(
        env={
            "DATABASE_URL": url,
            "DASHBOARD_DATABASE_URL": None,
            "SILENT_AFTER_MINUTES": "1",
            "DASHBOARD_REFRESH_SECONDS": "2",
        }
    )


def test_every_committee_page_loads_offline(browser, server):
    for path, title in PAGES.items():
        page, _ = offline_page(browser, f"{server.url}/{path}")
        try:
            page.get_by_role("heading", name=title).wait_for(timeout=20_000)
            page.locator('[data-testid="stPlotlyChart"], iframe').first.wait_for(timeout=20_000)
            assert_no_exception(page)
        finally:
            page.context.close()


def test_live_map_works_with_no_internet(browser, server):
    page, blocked = offline_page(browser, f"{server.url}/ban-do")
    try:
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".leaflet-container").wait_for(timeout=30_000)
        markers = frame.locator("path.checkpoint-marker")
        markers.nth(2).wait_for(timeout=30_000)
        assert markers.count() == 3
        for code in ("TAN_DE", "THAI_HA", "TRIEU_DUONG"):
            assert frame.locator(f"path.checkpoint-marker-{code}").count() == 1
        assert frame.locator("path.origin-circle").count() >= 2  # Nam Định and Hà Nội
        # Leaflet came from the app: nothing blocked was a script or a style sheet (only tiles were).
        assert not [u for u in blocked if urlparse(u).path.endswith((".js", ".css"))], blocked
        assert all("tile.openstreetmap.org" in u for u in blocked), blocked
        # Clicking a checkpoint selects it in the panel beside the map.
        frame.locator("path.checkpoint-marker-THAI_HA").click(force=True)
        page.get_by_role("heading", name="Cầu Thái Hà").wait_for(timeout=20_000)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_a_silent_checkpoint_turns_grey_after_its_feed_stops(browser, server, store):
    engine, _, ids = store
    page, _ = offline_page(browser, f"{server.url}/ban-do")
    stop = threading.Event()

    def feed_thai_ha() -> None:
        # THAI_HA's feed keeps running; TAN_DE's and TRIEU_DUONG's stopped 15 s before the test began.
        while not stop.wait(8):
            _write(engine, [declaration(ids["THAI_HA"], dt.datetime.now(UTC))])

    feeder = threading.Thread(target=feed_thai_ha, daemon=True)
    feeder.start()
    try:
        frame = page.frame_locator(MAP_FRAME)
        tan_de = frame.locator("path.checkpoint-marker-TAN_DE")
        tan_de.wait_for(timeout=30_000)
        assert "state-silent" not in tan_de.get_attribute("class")
        # A mark on the map's document: if the refresh re-mounted the map, the mark would be gone.
        map_document = page.locator(MAP_FRAME).element_handle().content_frame()
        map_document.evaluate("window.__mounted_once = true")
        # Silent after 1 minute in this server's settings; the map refreshes every 2 s.
        frame.locator("path.checkpoint-marker-TAN_DE.state-silent").wait_for(timeout=90_000)
        assert frame.locator("path.checkpoint-marker-TAN_DE").get_attribute("fill").upper() == "#9E9E9E"
        assert "state-silent" not in frame.locator("path.checkpoint-marker-THAI_HA").get_attribute("class")
        page.get_by_text("Mất tín hiệu").first.wait_for(timeout=10_000)
        # The layers changed in place: same document, same Leaflet map.
        assert map_document.evaluate("window.__mounted_once === true")
        assert_no_exception(page)
    finally:
        stop.set()
        feeder.join(timeout=15)
        page.context.close()


def test_a_url_with_filters_opens_the_filtered_view(browser, server, store):
    engine, _, ids = store
    today = local_today(now_utc())
    first = today - dt.timedelta(days=1)
    with engine.connect() as conn:
        expected = conn.execute(
            select(func.count())
            .select_from(schema.declarations)
            .where(
                d.declared_at >= local_midnight_utc(first),
                d.declared_at < local_midnight_utc(today + dt.timedelta(days=1)),
                d.checkpoint_id == ids["TAN_DE"],
                d.direction == "in",
            )
        ).scalar()
        everything = conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
    assert 0 < expected < everything
    page, _ = offline_page(
        browser, f"{server.url}/luu-luong?tu={first.isoformat()}&den={today.isoformat()}&chot=TAN_DE&huong=vao"
    )
    try:
        card = page.locator('[data-testid="stMetric"]', has_text="Tổng lượt qua chốt")
        card.wait_for(timeout=20_000)
        assert card.locator('[data-testid="stMetricValue"]').inner_text().strip() == f"{expected:,}".replace(",", ".")
        assert page.locator('[data-testid="stMultiSelect"]').get_by_text("Cầu Tân Đệ").count() == 1
        dates = page.locator('[data-testid="stDateInput"] input[type="date"]')
        assert [dates.nth(i).input_value() for i in range(dates.count())] == [first.isoformat(), today.isoformat()]
        assert "chot=TAN_DE" in page.url and "huong=vao" in page.url
        assert_no_exception(page)
    finally:
        page.context.close()
