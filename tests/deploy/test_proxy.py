"""The deployment end to end: nginx (the site file of deploy/nginx, over TLS with a self-signed
certificate) in front of two dashboard processes started with the systemd unit's command line, on a
PostgreSQL store set up with the deployment's roles (the app role writes, the reader role reads).

Chromium signs in through nginx and opens pages (no exception); every request of that browser reaches
one process (the routing cookie); that process is then killed, and a new browser is served by the
other one, as is the first browser's page, which reconnects by itself, still signed in (sessions live in
the database). nginx's access log says which process answered each request."""

from __future__ import annotations

import http.client
import re
import time
import tomllib
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from dashboard.i18n import t
from data_access import accounts, simulator
from data_access.store import create_store_engine
from tests.browser.conftest import assert_no_exception, browser, wait_for_app  # noqa: F401 - fixture
from tests.deploy.stack import (
    ROOT,
    SITE,
    STREAMLIT_CONFIG,
    AppProcess,
    Nginx,
    free_port,
    insecure_tls,
    nginx_conf,
    render_site,
    self_signed_certificate,
)

pytestmark = [pytest.mark.postgres, pytest.mark.browser]

PASSWORD = "quản-trị-đủ-dài"
#: Notes, on the page, whether its connection to the server was ever lost from now on (Streamlit
#: reconnects within seconds, often before the test looks).
WATCH_CONNECTION_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__tbLost = false;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') window.__tbLost = true;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-connection-state']});
}"""


def test_the_upload_limit_is_the_same_in_nginx_and_streamlit():
    limit = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    (body,) = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", SITE.read_text(encoding="utf-8"), flags=re.M)
    assert int(body) == limit


@pytest.fixture
def stack(deployment, tmp_path):
    """A deployed store with a little data and an admin, two dashboard processes and nginx: yields
    (nginx, {port: process}, https base URL, the deployment)."""
    d = deployment()
    owner = create_store_engine(d.owner)
    simulator.seed(owner, days=2, seed=4, scale=0.03)  # demo data: the owner writes what no service may
    owner.dispose()
    app = create_store_engine(d.app)
    with app.begin() as conn:
        accounts.add_account(conn, "quantri", "admin", PASSWORD, display_name="Quản trị", by="test")
    app.dispose()

    env = {"DATABASE_URL": d.app, "DASHBOARD_DATABASE_URL": d.reader}
    processes = {}
    for _ in range(2):
        port = free_port()
        processes[port] = AppProcess(port, env, tmp_path)
    cert, key = self_signed_certificate(tmp_path)
    http_port, https_port = free_port(), free_port()
    site = render_site(
        tmp_path, http_port=http_port, https_port=https_port, upstreams=list(processes), cert=cert, key=key
    )
    nginx = None
    try:
        for process in processes.values():
            process.wait_healthy()
        nginx = Nginx(nginx_conf(tmp_path, site), tmp_path, https_port)
        yield nginx, processes, f"https://127.0.0.1:{https_port}", d
    finally:
        if nginx is not None:
            nginx.stop()
        for process in processes.values():
            process.stop()


def _sign_in(chromium, base: str):
    """A new browser (its own cookies) that signs in through nginx; returns its page on the app."""
    context = chromium.new_context(
        ignore_https_errors=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1366, "height": 900},
    )
    page = context.new_page()
    page.goto(base + "/", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/dang-nhap"), timeout=60_000)
    page.get_by_label(t("signin.username", "vi")).fill("quantri")
    page.get_by_label(t("signin.password", "vi")).fill(PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded", timeout=60_000):
        page.get_by_role("button", name=t("signin.submit", "vi")).click()
    wait_for_app(page, timeout_ms=60_000)
    assert_no_exception(page)
    assert page.get_by_role("heading", name=t("overview.title", "vi")).first.is_visible()
    return page


def _route(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "tb_route")


def _streams(nginx: Nginx, route: str) -> list:
    """The websocket connections of the browser with routing cookie ``route`` that were opened."""
    return [a for a in nginx.access_log() if a.route == route and a.path.startswith("/_stcore/stream")]


def test_two_processes_behind_nginx_one_dies_the_other_serves(stack, browser):  # noqa: F811 - fixture
    nginx, processes, base, deployed = stack
    started = time.monotonic()

    # Through nginx: HTTP goes to HTTPS, health answers, security headers, an upload over the limit
    # is refused by nginx itself before any byte of it reaches a process.
    port = int(base.rsplit(":", 1)[1])
    tls = insecure_tls()
    with urllib.request.urlopen(base + "/_stcore/health", context=tls, timeout=10) as answer:
        assert answer.read().strip() == b"ok"
    with urllib.request.urlopen(base + "/dang-nhap", context=tls, timeout=30) as answer:
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    upload = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=10)
    upload.putrequest("PUT", "/_stcore/upload_file/x/y")
    upload.putheader("Content-Length", str(200 * 1024 * 1024 + 1))
    upload.endheaders()
    assert upload.getresponse().status == 413
    upload.close()

    # A browser signs in and opens pages that read with the reader role and write with the app role
    # (the audit page, the accounts page, the follow-up list whose view is audited).
    first = _sign_in(browser, base)
    session = next(c for c in first.context.cookies() if c["name"] == "tb_session")
    assert session["secure"] and session["httpOnly"]  # X-Forwarded-Proto reached the app
    for path, title in (("/theo-doi", "follow.title"), ("/nhat-ky", "audit.title"), ("/tai-khoan", "accounts.title")):
        first.goto(base + path, wait_until="domcontentloaded")
        wait_for_app(first, timeout_ms=60_000)
        assert_no_exception(first)
        assert first.get_by_role("heading", name=t(title, "vi")).first.is_visible(), path
    route = _route(first)
    served = {a.served_by for a in nginx.access_log() if a.route == route and a.upstreams and a.status < 400}
    assert len(served) == 1, f"one browser's requests reached {served}"  # sticky: one process
    (victim,) = served
    assert len(_streams(nginx, route)) >= 4 and all(a.status == 101 for a in _streams(nginx, route))
    (survivor,) = set(processes) - {victim}

    # The process that served it dies.
    died_at = len(nginx.access_log())
    first.evaluate(WATCH_CONNECTION_JS)
    processes[victim].kill()

    # A new browser is served by the other process.
    second = _sign_in(browser, base)
    new_route = _route(second)

    # The first browser's page reconnects by itself to the surviving process, still signed in.
    first.wait_for_function("() => window.__tbLost === true", timeout=30_000, polling=100)
    wait_for_app(first, timeout_ms=60_000)
    assert_no_exception(first)
    assert first.get_by_role("heading", name=t("accounts.title", "vi")).first.is_visible()

    # nginx logs a websocket when it closes: close both browsers, then read who served what.
    first.context.close()
    second.context.close()
    deadline = time.monotonic() + 15
    while True:
        after = nginx.access_log()[died_at:]
        moved = [a for a in after if a.route == route and a.path.startswith("/_stcore/stream")]
        streams = [a for a in after if a.route == new_route and a.path.startswith("/_stcore/stream")]
        if any(a.served_by == survivor for a in moved) and len(streams) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    # The first browser's websocket of before (logged as it broke) was the dead process's; the one it
    # opened again, the survivor's. Every websocket of the second browser was the survivor's.
    assert {a.served_by for a in moved} == {victim, survivor}
    assert all(a.status == 101 for a in moved)
    assert streams and all(a.status == 101 and a.served_by == survivor for a in streams)
    answered = [a for a in after if a.route == new_route and a.upstreams]  # not the cache's
    assert answered and all(a.served_by == survivor for a in answered), answered

    # Streamlit's bundles came from nginx's cache for the second browser; the app's own files too.
    assert any(a.path.startswith("/static/") and a.cache == "HIT" for a in after)
    leaflet_js = (ROOT / "dashboard" / "static" / "leaflet-1.9.4" / "leaflet.js").read_bytes()
    for _ in range(2):
        with urllib.request.urlopen(base + "/app/static/leaflet-1.9.4/leaflet.js", context=tls, timeout=10) as answer:
            assert answer.headers["Cache-Control"] == "max-age=3600"
            assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
            # Read to the end: a client that leaves early makes nginx drop the half-stored copy.
            assert answer.read() == leaflet_js
    deadline = time.monotonic() + 5  # nginx writes the line once the request is over
    while len(leaflet := [a for a in nginx.access_log() if a.path.endswith("/leaflet.js")]) < 2:
        assert time.monotonic() < deadline, leaflet
        time.sleep(0.1)
    assert [a.cache for a in leaflet[-2:]] == ["MISS", "HIT"], leaflet

    # The audit log has both sign-ins and the follow-up list's view, written through the app role.
    owner = create_engine(deployed.owner)
    with owner.connect() as conn:
        actions = [a for (a,) in conn.execute(text("SELECT action FROM audit_log WHERE username = 'quantri'"))]
    owner.dispose()
    assert actions.count("sign_in") == 2 and "view_personal" in actions
    print(f"proxy test: {time.monotonic() - started:.1f} s after the processes were up")
