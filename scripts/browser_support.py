"""Headless-browser helpers shared by ``scripts/screenshots.py`` and ``tests/browser``.

Everything here drives Debian's own chromium (``/usr/bin/chromium``) through the
playwright python package; no browser is ever downloaded.  Importing this module
does not import playwright, so callers can report a missing package themselves.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover - typing only
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: We run as root in a container without network access: no sandbox, no GPU, and
#: none of the background traffic (sync, component updates, QUIC probes) that
#: otherwise keeps hammering the closed network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

LOCALE = "vi-VN"
TIMEZONE = "Asia/Ho_Chi_Minh"

#: Selector of every exception box Streamlit renders (``st.exception`` and uncaught errors).
EXCEPTION_SELECTOR = '[data-testid="stException"]'

# Streamlit publishes its own run state on the root element:
#   <div data-testid="stApp" data-test-connection-state="CONNECTED"
#        data-test-script-state="notRunning">
# The script state cycles initial -> running -> notRunning on every (fragment) rerun;
# "compilationError" is also final (the script never ran).  The status widget shows
# a running icon while a run is in progress; skeletons mean elements still pending.
_APP_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const state = app.getAttribute('data-test-script-state');
  if (state !== 'notRunning' && state !== 'compilationError') return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return false;
  return !document.querySelector('[data-testid="stSkeleton"]');
}"""


def find_chromium() -> str | None:
    """Path of the system chromium (env ``CHROMIUM_PATH`` wins), or None when absent."""
    candidate = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    if os.sep not in candidate:  # a bare command name such as "chromium"
        return shutil.which(candidate)
    return None


def launch_chromium(playwright: Playwright, executable: str | Path) -> Browser:
    """Launch headless system chromium with the container-friendly flags."""
    return playwright.chromium.launch(executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS))


#: Session cookies by server origin ("http://127.0.0.1:8501"): a context opened on that server starts
#: signed in (the dashboard answers nothing else). Filled by whoever started the server.
SESSIONS: dict[str, str] = {}
SESSION_COOKIE = "tb_session"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_in(context: BrowserContext, url: str, token: str | None = None) -> None:
    """Give ``context`` the session cookie of ``url``'s server (``token``, or the one registered in
    :data:`SESSIONS`); without either it stays signed out."""
    token = token or SESSIONS.get(_origin(url))
    if token:
        context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": _origin(url) + "/"}])


def open_app(browser: Browser, url: str, viewport: tuple[int, int] = (1440, 900), *, signed_in: bool = True) -> Page:
    """Open ``url`` in a fresh Vietnamese-locale context and return the page, signed in when the
    server has a registered session (``signed_in=False``: as an anonymous visitor).

    The caller usually follows up with :func:`wait_for_app`.  Closing the page's
    context (``page.context.close()``) releases it.
    """
    width, height = viewport
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale=LOCALE,
        timezone_id=TIMEZONE,
    )
    if signed_in:
        sign_in(context, url)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return page


def wait_for_app(page: Page, timeout_ms: int = 30_000, settle_ms: int = 500) -> None:
    """Block until Streamlit is connected and its script has finished running.

    The page must already be on a Streamlit URL.  After the app reports idle we
    wait ``settle_ms`` more so charts and maps finish painting.
    """
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    page.wait_for_function(_APP_IDLE_JS, timeout=timeout_ms, polling=100)
    if settle_ms > 0:
        page.wait_for_timeout(settle_ms)


# Streamlit scrolls inside <main data-testid="stMain"> rather than the document, so
# Playwright's full_page screenshot would stop at the viewport.  Measure the tallest
# scroll container instead.
_CONTENT_HEIGHT_JS = """() => {
  let needed = document.documentElement.scrollHeight;
  for (const el of document.querySelectorAll('*')) {
    const overflow = getComputedStyle(el).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollHeight > el.clientHeight) {
      needed = Math.max(needed, el.getBoundingClientRect().top + el.scrollHeight);
    }
  }
  return Math.ceil(needed);
}"""

#: Chromium cannot paint a texture taller than this.
MAX_SCREENSHOT_HEIGHT = 16_000


def full_page_screenshot(page: Page, path: str | Path, settle_ms: int = 500) -> Path:
    """Save a PNG of the whole app, growing the viewport to the content height first.

    The viewport is restored afterwards.  Returns ``path`` as a :class:`Path`.
    """
    original = page.viewport_size or {"width": 1440, "height": 900}
    width, height = original["width"], original["height"]
    for _ in range(3):  # taller viewport -> re-layout -> measure again
        needed = min(int(page.evaluate(_CONTENT_HEIGHT_JS)), MAX_SCREENSHOT_HEIGHT)
        if needed <= height:
            break
        height = needed
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(settle_ms)
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    if height != original["height"]:
        page.set_viewport_size(original)
    return Path(path)


# The text of an exception box without its action buttons ("Copy", "Ask Google", ...).
_EXCEPTION_TEXT_JS = """(boxes) => boxes.map((box) => {
  const actions = new Set(
    [...box.querySelectorAll('button, a[target="_blank"]')].map((el) => el.innerText.trim())
  );
  return box.innerText.split('\\n').filter((line) => !actions.has(line.trim())).join('\\n').trim();
})"""


def exception_texts(page: Page) -> list[str]:
    """Text (message and traceback) of every ``stException`` box currently on the page."""
    return list(page.locator(EXCEPTION_SELECTOR).evaluate_all(_EXCEPTION_TEXT_JS))
