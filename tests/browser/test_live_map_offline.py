"""The live map with no internet, as on the province's closed network, in Debian chromium.

Every request that does not go to the app (127.0.0.1) is aborted and recorded. With no tile server set,
none may even be attempted, and the map must still read like a map: Thái Bình, its five neighbours and
the three rivers drawn by the map itself under the checkpoints, with the sources' attribution. On a
390 px phone the map and the checkpoints' names fit the screen.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from sqlalchemy import insert, select

from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.timeutil import UTC, local_today
from tests.browser.conftest import assert_no_exception, sign_in, wait_for_app
from tests.support import declaration

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
NEIGHBOURS = {"36": "Nam Định", "35": "Hà Nam", "33": "Hưng Yên", "30": "Hải Dương", "31": "Hải Phòng"}
RIVERS = {"Sông Hồng", "Sông Luộc", "Sông Trà Lý"}
CHECKPOINTS = ("TAN_DE", "THAI_HA", "TRIEU_DUONG")


@pytest.fixture
def store(sqlite_engine, sqlite_url):
    """Crossings at every checkpoint in the last half hour, from Nam Định and from Hà Nội (a hot zone)."""
    now = dt.datetime.now(UTC)
    with sqlite_engine.begin() as conn:
        ids = {code: cid for cid, code in conn.execute(select(schema.checkpoints.c.id, schema.checkpoints.c.code))}
        conn.execute(
            insert(schema.hot_zones).values(
                province_code="01",
                district_name=None,
                label="Chỉ thị 16",
                valid_from=local_today(now) - dt.timedelta(days=3),
                valid_to=None,
                created_at=now.replace(tzinfo=None),
            )
        )
        rows = [
            declaration(
                ids[CHECKPOINTS[i % 3]],
                now - dt.timedelta(seconds=20 + 60 * i),
                origin_province_code="01" if i % 4 == 0 else "36",
            )
            for i in range(30)
        ]
        write_declarations(conn, rows, HotZoneIndex([]))
    return sqlite_url


def _server(streamlit_server, store_url, tile_url: str | None):
    env = {"DATABASE_URL": store_url, "DASHBOARD_DATABASE_URL": None, "DASHBOARD_REFRESH_SECONDS": "5"}
    if tile_url is not None:
        env["MAP_TILE_URL"] = tile_url
    return streamlit_server(env=env)


def _offline_map(browser, url: str, viewport: tuple[int, int]):
    """The live map page with every request outside the app aborted: (page, map frame, outside requests)."""
    outside: list[str] = []
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )

    def guard(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    sign_in(context, url)
    page = context.new_page()
    page.goto(f"{url}/ban-do", wait_until="domcontentloaded")
    wait_for_app(page)
    frame_locator = page.frame_locator(MAP_FRAME)
    # geo-ready: the base layer's three files are drawn.
    frame_locator.locator(".leaflet-container.geo-ready").wait_for(timeout=30_000)
    frame_locator.locator("path.checkpoint-marker").nth(2).wait_for(timeout=30_000)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    return page, frame, outside


def _view(frame, name: str, reached: str) -> None:
    """Press a view button until the map shows that view (a press as the page settles may be undone)."""
    for attempt in range(3):
        frame.locator(f".geo-view-{name}").click()
        try:
            frame.wait_for_function(f"() => {reached}", timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - pressed again below, then the last wait fails loudly
            if attempt == 2:
                raise


# Screen points along each river (every 3 px of its path), nearest to each checkpoint marker's centre.
RIVER_DISTANCES_JS = """
() => {
  const out = {};
  const rivers = [...document.querySelectorAll('path.geo-river')];
  for (const marker of document.querySelectorAll('path.checkpoint-marker')) {
    const code = [...marker.classList].find(c => c.startsWith('checkpoint-marker-')).slice(18);
    const r = marker.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    let best = Infinity;
    for (const river of rivers) {
      const ctm = river.getScreenCTM(), length = river.getTotalLength();
      for (let s = 0; s <= length; s += 3) {
        const p = river.getPointAtLength(s).matrixTransform(ctm);
        best = Math.min(best, Math.hypot(p.x - x, p.y - y));
      }
    }
    // The land under the marker: which province's fill holds its centre.
    const land = [...document.querySelectorAll('path.geo-province')].filter(p => {
      const pt = new DOMPoint(x, y).matrixTransform(p.getScreenCTM().inverse());
      return p.isPointInFill(pt);
    }).map(p => [...p.classList].find(c => /^geo-province-\\d\\d$/.test(c)).slice(13));
    out[code] = {river_px: best, land: land};
  }
  return out;
}
"""

PANE_Z_JS = """
() => Object.fromEntries([...document.querySelectorAll('.leaflet-pane')].map(
  p => [[...p.classList].find(c => c !== 'leaflet-pane'), Number(getComputedStyle(p).zIndex)]))
"""


def test_map_reads_like_a_map_with_no_network(browser, streamlit_server, store):
    server = _server(streamlit_server, store, tile_url="")
    page, frame, outside = _offline_map(browser, server.url, (1440, 900))
    try:
        # The province and its neighbours, drawn from the app's own files.
        assert frame.locator("path.geo-province").count() == 63
        assert frame.locator("path.geo-province-34").count() == 1
        assert frame.locator("path.geo-focus-outline").count() == 1
        for code in NEIGHBOURS:
            assert frame.locator(f"path.geo-province-{code}").count() == 1, code
        names = set(frame.locator(".geo-label-neighbour").all_inner_texts())
        assert names == set(NEIGHBOURS.values())
        assert frame.locator(".geo-label-focus").inner_text() == "THÁI BÌNH"
        # The three rivers, named, and the district seats.
        assert frame.locator("path.geo-river").count() == 3
        assert set(frame.locator(".geo-label-river").all_inner_texts()) == RIVERS
        assert frame.locator("path.geo-seat").count() == 8
        assert "TP Thái Bình" in frame.locator(".geo-label-seat").all_inner_texts()
        # Under the checkpoints: every base pane paints below the markers' pane.
        panes = frame.evaluate(PANE_Z_JS)
        base = {name: z for name, z in panes.items() if name.startswith("leaflet-geo-")}
        assert len(base) == 7 and max(base.values()) < panes["leaflet-overlay-pane"]
        assert frame.locator(".leaflet-overlay-pane path.checkpoint-marker").count() == 3
        # Each bridge sits on land of the map with a river running under it (within its marker's size).
        under = frame.evaluate(RIVER_DISTANCES_JS)
        assert set(under) == set(CHECKPOINTS)
        for code, found in under.items():
            assert found["land"], code
            assert found["river_px"] <= 25, (code, found)
        assert "34" in under["THAI_HA"]["land"] and "34" in under["TRIEU_DUONG"]["land"]
        # The opening view is Thái Bình: the whole province is inside the map.
        box = frame.locator("path.geo-province-34").bounding_box()
        view = frame.locator(".leaflet-container").bounding_box()
        assert view["x"] <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"] + 1
        assert view["y"] <= box["y"] and box["y"] + box["height"] <= view["y"] + view["height"] + 1
        # The hot zone of today's origins is hatched, and the sources are attributed on the map.
        assert frame.locator("path.hot-zone-area-01").get_attribute("fill") == "url(#hot-zone-hatch)"
        attribution = frame.locator(".leaflet-control-attribution").inner_text()
        assert "Natural Earth" in attribution and "GSHHG" in attribution
        # With no tile server set, no tile layer and not one request outside the app.
        assert frame.locator(".leaflet-tile").count() == 0
        assert outside == [], outside
        # The country view: where arrivals come from; back to the province.
        _view(frame, "country", "map_div.getZoom() < 7")
        assert frame.locator("path.origin-circle").count() >= 2
        _view(frame, "province", "map_div.getZoom() >= 9")
        assert_no_exception(page)
    finally:
        page.context.close()


def test_map_and_checkpoint_names_fit_a_phone(browser, streamlit_server, store):
    # The default tile server, unreachable: tiles are the only thing the page asks of the internet.
    server = _server(streamlit_server, store, tile_url=None)
    page, frame, outside = _offline_map(browser, server.url, (390, 844))
    try:
        page.locator(MAP_FRAME).scroll_into_view_if_needed()
        assert frame.locator("path.geo-province-34").count() == 1
        assert frame.locator("path.geo-river").count() == 3
        assert outside and all(urlparse(u).hostname.endswith("tile.openstreetmap.org") for u in outside), outside
        # Nothing wider than the screen: the document, Streamlit's scrolling container, the map.
        scrollers = 'html, body, [data-testid="stMain"], [data-testid="stAppViewContainer"]'
        widths = page.evaluate(
            "s => [...document.querySelectorAll(s)].map(e => [e.scrollWidth, e.clientWidth])", scrollers
        )
        assert widths and all(scroll <= max(client, 390) for scroll, client in widths), widths
        iframe = page.locator(MAP_FRAME).bounding_box()
        assert iframe["x"] >= 0 and iframe["x"] + iframe["width"] <= 390
        # Every checkpoint's name is on screen, whole, inside the map.
        labels = frame.locator(".leaflet-tooltip.checkpoint-label")
        assert labels.count() == 3
        for i in range(3):
            box = labels.nth(i).bounding_box()  # page coordinates
            assert box is not None and box["width"] > 40
            assert iframe["x"] <= box["x"] and box["x"] + box["width"] <= iframe["x"] + iframe["width"], (
                labels.nth(i).inner_text(),
                box,
                iframe,
            )
            assert iframe["y"] <= box["y"] and box["y"] + box["height"] <= iframe["y"] + iframe["height"]
        assert set(labels.all_inner_texts()) == {"Cầu Tân Đệ", "Cầu Thái Hà", "Cầu Triều Dương"}
        assert_no_exception(page)
    finally:
        page.context.close()
