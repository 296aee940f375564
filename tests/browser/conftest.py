"""Fixtures for browser tests: a real ``streamlit run`` driven by Debian's chromium.

Usage in a test module::

    import pytest
    from tests.browser.conftest import assert_no_exception, open_app, wait_for_app

    pytestmark = pytest.mark.browser

    def test_overview(browser, streamlit_server):
        server = streamlit_server(env={"DATABASE_URL": "sqlite:///..."})
        page = open_app(browser, server.url)      # or the ``app_page`` fixture
        wait_for_app(page)
        assert_no_exception(page)

Anything that cannot run on this machine (no chromium, no playwright package, a
chromium that does not start) goes through ``tests.support.unavailable``: a skip,
or a failure when ``REQUIRE_INTEGRATION=1``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests import support
from tests.support import unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPTS_DIR = PROJECT_ROOT / "scripts"
if str(SCRIPTS_DIR) not in sys.path:
    sys.path.insert(0, str(SCRIPTS_DIR))

import browser_support  # noqa: E402  (lives in scripts/, shared with screenshots.py)
from browser_support import exception_texts, open_app, sign_in, wait_for_app  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover - typing only
    from playwright.sync_api import Browser, Page

__all__ = [
    "PROJECT_ROOT",
    "StreamlitServer",
    "assert_no_exception",
    "chromium_path",
    "exception_texts",
    "open_app",
    "session_token",
    "sign_in",
    "wait_for_app",
]

DEFAULT_APP = "dashboard/server.py"
#: The account the browser tests sign in with (an admin: every page).
TEST_USER, TEST_ROLE = "tester", "admin"
STARTUP_TIMEOUT_S = 60.0


# --------------------------------------------------------------------------- chromium


def chromium_path() -> str:
    """Path of Debian's chromium (env ``CHROMIUM_PATH`` overrides); unavailable if absent."""
    path = browser_support.find_chromium()
    if path is None:
        requested = os.environ.get("CHROMIUM_PATH") or browser_support.DEFAULT_CHROMIUM
        unavailable(f"Debian chromium not installed (apt-get install chromium); looked for {requested}")
    return path  # type: ignore[return-value]


#: The one Playwright and chromium of the test process, and how many session fixtures hold them: other
#: test folders import the ``browser`` fixture (tests/deploy), which makes it a fixture of their own, and
#: a second Playwright cannot start while the first one's event loop runs.
_SHARED: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless system-chromium instance for the whole session (shared by every folder that uses it)."""
    if not _SHARED["users"]:
        executable = chromium_path()
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            unavailable(f"playwright python package not importable: {exc}")
        playwright = sync_playwright().start()
        try:
            _SHARED["browser"] = browser_support.launch_chromium(playwright, executable)
        except Exception as exc:  # noqa: BLE001 - any launch failure means "cannot run here"
            playwright.stop()
            unavailable(f"chromium at {executable} failed to start: {exc}")
        _SHARED["playwright"] = playwright
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()


@pytest.fixture
def app_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Factory: ``app_page(url, viewport=(1440, 900), wait=True) -> Page``.

    Opens ``url`` in its own vi-VN / Asia/Ho_Chi_Minh context, waits for Streamlit
    to finish running (unless ``wait=False``) and closes the context at teardown.
    """
    pages: list[Page] = []

    def _open(url: str, viewport: tuple[int, int] = (1440, 900), wait: bool = True, signed_in: bool = True) -> Page:
        page = open_app(browser, url, viewport, signed_in=signed_in)
        pages.append(page)
        if wait:
            wait_for_app(page)
        return page

    yield _open
    for page in pages:
        page.context.close()


#: The line a page's guard shows instead of a part that raised (dashboard.ui.page_error), in both languages.
PAGE_ERROR_LINES = (
    "Không hiển thị được phần này do một lỗi của hệ thống",
    "This part could not be shown because of a system error",
)


def assert_no_exception(page: Page) -> None:
    """Fail, quoting each message, when Streamlit shows any ``stException`` box, or a part of the page
    failed behind the pages' guard (which shows one line instead of the exception)."""
    texts = exception_texts(page)
    alerts = page.locator('[data-testid="stAlert"]')
    texts += [
        text
        for text in (alerts.nth(i).inner_text() for i in range(alerts.count()))
        if any(line in text for line in PAGE_ERROR_LINES)
    ]
    if texts:
        listing = "\n---\n".join(texts)
        raise AssertionError(f"{len(texts)} Streamlit exception(s) on {page.url}:\n{listing}")


# --------------------------------------------------------------------------- streamlit


def session_token(store_url: str, username: str = TEST_USER, role: str = TEST_ROLE) -> str:
    """A new session of account ``username`` (``role``; made if missing) in the store at ``store_url``:
    the value of the session cookie, as the sign-in form would set it ("" for a missing store)."""
    return support.session_token(store_url, username, role, password="tester-password-1")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """``streamlit run <script>`` on a free 127.0.0.1 port, output captured to a log file.

    Use as a context manager or call :meth:`start` / :meth:`stop`.  ``env`` is
    merged over ``os.environ``; a value of ``None`` removes that variable.
    """

    def __init__(
        self,
        script: str | Path = DEFAULT_APP,
        env: Mapping[str, str | None] | None = None,
        log_dir: str | Path | None = None,
        startup_timeout: float = STARTUP_TIMEOUT_S,
    ) -> None:
        self.script = Path(script)
        self.env = dict(env or {})
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        log_dir = Path(log_dir) if log_dir is not None else Path.cwd()
        self.log_path = log_dir / f"streamlit-{self.port}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle ------------------------------------------------------------

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            "--global.developmentMode", "false",
        ]  # fmt: skip

    def start(self) -> StreamlitServer:
        environ = dict(os.environ)
        for key, value in self.env.items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        environ.setdefault("PYTHONUNBUFFERED", "1")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                self.command(),
                cwd=PROJECT_ROOT,
                env=environ,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() takes children too
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        self._register_session()
        return self

    def _register_session(self) -> None:
        """The dashboard shows nothing before sign-in: give its contexts a session of an admin
        account made in the server's store (when it has one, ready)."""
        url = self.env.get("DATABASE_URL")
        if self.script.name != "server.py" or not url:
            return
        browser_support.SESSIONS[self.url] = session_token(url)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        health = f"{self.url}/_stcore/health"
        while True:
            assert self._proc is not None
            if self._proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {self._proc.returncode} before becoming healthy:\n{self.log_tail()}",
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy at {health} after {self.startup_timeout:.0f}s:\n{self.log_tail()}",
                    pytrace=False,
                )
            time.sleep(0.25)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- output ---------------------------------------------------------------

    def log_text(self) -> str:
        """Everything streamlit printed so far (stdout and stderr)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


@pytest.fixture
def streamlit_server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory: ``streamlit_server(script="dashboard/app.py", env=None) -> StreamlitServer``.

    Starts the script (relative paths are relative to the project root) and returns
    once ``/_stcore/health`` answers ``ok``.  Every server is stopped at teardown;
    if the test failed, the tail of each server log is printed to the captured output.
    """
    servers: list[StreamlitServer] = []

    def _start(script: str | Path = DEFAULT_APP, env: Mapping[str, str | None] | None = None) -> StreamlitServer:
        server = StreamlitServer(script, env, log_dir=tmp_path_factory.mktemp("streamlit"))
        servers.append(server)
        return server.start()

    yield _start
    for server in servers:
        server.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for server in servers:
            print(f"\n--- {server.log_path} (tail) ---\n{server.log_tail()}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Remember each phase's report on the item (``rep_call``) for fixture teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
