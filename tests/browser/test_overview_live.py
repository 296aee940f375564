"""The real app in Debian's chromium: the Overview shows the store's figures, updates them in place
as declarations arrive, and recovers by itself when a missing store appears."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from data_access import simulator
from data_access.risk import HotZoneIndex
from data_access.store import create_store_engine, init_store, load_hot_zones, write_declarations
from tests.browser.conftest import assert_no_exception, session_token, sign_in, wait_for_app
from tests.support import declaration

pytestmark = pytest.mark.browser


def metric_value(page, label: str) -> int:
    card = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True))
    text = card.locator('[data-testid="stMetricValue"]').inner_text()
    return int(re.sub(r"\D", "", text))


def test_overview_updates_in_place_as_declarations_arrive(tmp_path, streamlit_server, app_page):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=2, seed=4, scale=0.02)
    server = streamlit_server(env={"DATABASE_URL": url, "DASHBOARD_REFRESH_SECONDS": "1"})
    page = app_page(server.url)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="Tổng quan hôm nay").is_visible()
    before = metric_value(page, "Lượt qua chốt")
    high_before = metric_value(page, "Nguy cơ cao")
    page.evaluate("window.__no_reload_marker = 42")

    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    rows = [declaration(1, now) for _ in range(7)] + [declaration(2, now, contact_f0=True) for _ in range(3)]
    with engine.begin() as conn:
        write_declarations(conn, rows, HotZoneIndex(load_hot_zones(conn)))

    # The cards re-render one after the other: wait until both show the new rows.
    page.wait_for_function(
        """(expected) => Object.entries(expected).every(([label, value]) =>
               [...document.querySelectorAll('[data-testid="stMetric"]')].some(
                   m => m.innerText.startsWith(label) &&
                        parseInt(m.querySelector('[data-testid="stMetricValue"]')
                                  .innerText.replace(/\\D/g, '')) === value))""",
        arg={"Lượt qua chốt": before + 10, "Nguy cơ cao": high_before + 3},
        timeout=20_000,
    )
    assert metric_value(page, "Lượt qua chốt") == before + 10
    assert metric_value(page, "Nguy cơ cao") == high_before + 3
    assert page.evaluate("window.__no_reload_marker") == 42
    assert_no_exception(page)
    engine.dispose()


def test_missing_store_page_then_recovery(tmp_path, streamlit_server, app_page):
    path = tmp_path / "later.db"
    url = f"sqlite:///{path}"
    server = streamlit_server(env={"DATABASE_URL": url, "DASHBOARD_REFRESH_SECONDS": "1"})
    page = app_page(server.url)
    assert_no_exception(page)
    assert page.get_by_text("Không mở được kho dữ liệu").is_visible()
    assert page.get_by_text(str(path)).first.is_visible()

    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=1, seed=8, scale=0.02)
    # Today's crossings, whatever the hour (just after local midnight the seeded day may have none).
    with engine.begin() as conn:
        write_declarations(conn, [declaration(1, dt.datetime.now(dt.UTC))], HotZoneIndex(load_hot_zones(conn)))
    engine.dispose()
    # The store is back: the page leaves the store page by itself, for the sign-in form (the store
    # holds the accounts, so nobody could be signed in before); signed in, the Overview shows.
    page.wait_for_url(re.compile(r"/dang-nhap\?next="), timeout=30_000)
    sign_in(page.context, server.url, session_token(url))
    page.goto(server.url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Tổng quan hôm nay").wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert metric_value(page, "Lượt qua chốt") > 0
