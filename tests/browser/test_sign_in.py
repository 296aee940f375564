"""Signing in, as a person does it in chromium: the form, the address asked for, the HttpOnly cookie,
a reload that keeps the session, sign-out, the lockout, and a page outside the role."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard.i18n import t
from data_access import accounts, simulator
from data_access.store import create_store_engine, init_store
from data_access.timeutil import local_today, now_utc
from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sign-in') / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=3, seed=9, scale=0.03)
    with engine.begin() as conn:
        accounts.add_account(conn, "yte1", "health", PASSWORD, display_name="Cán bộ Y tế", by="test")
        accounts.add_account(conn, "khoa", "health", PASSWORD, by="test")
    engine.dispose()
    return url


def _anonymous(browser, url: str):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return page


def _submit(page, username: str, password: str) -> None:
    page.get_by_label(t("signin.username", "vi")).fill(username)
    page.get_by_label(t("signin.password", "vi")).fill(password)
    with page.expect_navigation(wait_until="domcontentloaded", timeout=60_000):
        page.get_by_role("button", name=t("signin.submit", "vi")).click()


def test_sign_in_brings_the_visitor_to_the_address_asked_for(browser, streamlit_server, store):
    server = streamlit_server(env={"DATABASE_URL": store, "DASHBOARD_DATABASE_URL": None})
    today = local_today(now_utc())
    asked = f"/luu-luong?tu={(today - dt.timedelta(days=1)).isoformat()}&den={today.isoformat()}"
    page = _anonymous(browser, server.url + asked)
    page.wait_for_url(re.compile(r"/dang-nhap\?next="), timeout=30_000)
    assert page.get_by_role("button", name=t("signin.submit", "vi")).is_visible()

    _submit(page, "yte1", "sai-mat-khau-roi")
    failed = page.locator("[role=alert]").inner_text()
    _submit(page, "khong-co-ai", "sai-mat-khau-roi")
    assert page.locator("[role=alert]").inner_text() == failed  # whether the account exists is not told

    _submit(page, "yte1", PASSWORD)
    page.wait_for_url(re.compile(re.escape(asked)), timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert page.get_by_role("heading", name=t("traffic.title", "vi")).first.is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "tb_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.reload(wait_until="domcontentloaded")  # a reload keeps the session
    wait_for_app(page)
    assert page.get_by_role("heading", name=t("traffic.title", "vi")).first.is_visible()

    page.goto(server.url + "/nhat-ky", wait_until="domcontentloaded")  # not a health officer's page
    wait_for_app(page)
    assert page.get_by_text(t("app.forbidden", "vi")).is_visible()

    page.get_by_role("button", name=t("app.sign_out", "vi")).click()
    page.wait_for_url(re.compile(r"/dang-nhap"), timeout=30_000)
    page.goto(server.url + "/", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/dang-nhap\?next="), timeout=30_000)
    page.context.close()


def test_five_wrong_passwords_lock_the_name(browser, streamlit_server, store):
    server = streamlit_server(env={"DATABASE_URL": store, "DASHBOARD_DATABASE_URL": None})
    page = _anonymous(browser, server.url + "/dang-nhap")
    for _ in range(5):
        _submit(page, "khoa", "sai-mat-khau-roi")
    _submit(page, "khoa", PASSWORD)  # the right password, too late
    message = page.locator("[role=alert]").inner_text()
    assert "15" in message or "phút" in message
    assert "/dang-nhap" in page.url
    page.context.close()
