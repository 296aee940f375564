"""Benchmark: many viewers at once — per-refresh server time, CPU, memory and errors at 1, 5, 10 and 20
sessions, then sessions opened and closed again and again.

    .venv/bin/python bench/bench_sessions.py --store /tmp/sessions-1m.db --minutes 5
    .venv/bin/python bench/bench_sessions.py --store /tmp/sessions-1m.db --minutes 60 --levels 20 --no-churn
    .venv/bin/python bench/bench_sessions.py --store /tmp/sessions-1m.db --minutes 2 --shared off --no-churn
    .venv/bin/python bench/bench_sessions.py --store /tmp/sessions-1m.db --clients chromium --levels 1,5

Prepares the store (``init``: created or upgraded; seeded with ``--days`` simulated days when empty; a
committee account with one sign-in session per viewer), starts the simulated feed
(``python -m data_access feed``) and the dashboard server (``streamlit run dashboard/server.py``) beside
it, with ``DASHBOARD_SHARED_FIGURES`` on or off (``--shared``). For each level of ``--levels`` it opens
that many viewers, one after the other, each signed in and left on a live committee page (``--pages``,
in turn), lets them refresh by themselves for ``--minutes``, and reports.

The viewers (``--clients``) are websocket sessions by default: each speaks Streamlit's own protocol as
its frontend does (the page's run, then each live part's rerun at the interval the server announces,
and a full run every ``--act-every`` minutes, as a person who now and then picks a filter: an untouched
page is signed out after the sign-in's idle time). They cost the machine almost nothing, where twenty
chromium renderers redrawing their charts took the two cores the server runs on (on a real deployment
they are the viewers' own computers). ``--clients chromium`` opens headless chromium contexts instead
(kept in the idle scheduling class, ``--browser-idle``, and at ``--browser-nice``), whose pages are
also read for error boxes. Reported per level:

* per-refresh server time, p50 / p95 / max, from the server's ``dashboard.timing`` lines of the
  refreshes (``run=refresh``) of that level; how many of the queries asked for the refreshes ran, and
  the time a refresh spent getting its figures (running, waiting for another session's, copying);
* the server's CPU (``/proc/<pid>/stat``, user + system, in % of one core) and RSS (``VmRSS``: mean,
  max, at the end); the CPU the viewers took, how busy the whole machine was and its load average
  (other work may share the cores);
* errors: exception elements and "could not show this part" or store-page messages the viewers were
  sent (checked every ``--check-every`` seconds and at the end), page script errors (chromium),
  sessions that did not open within 2 minutes, "database is locked" in the server's and the feed's
  logs, tracebacks in the server's log.

Then the churn (unless ``--no-churn``): ``--churn`` times a viewer is opened on the Overview, waits for
its run to finish and is closed; RSS is sampled along the way, and again after Streamlit's own store of
disconnected sessions (2 minutes) has let them go. Prints a Markdown table and writes everything as
JSON (``--json``). The feed writes into the store: bench a copy if the store matters. ``--clients
chromium`` needs Debian's chromium (``CHROMIUM_PATH`` overrides /usr/bin/chromium) and playwright.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
sys.path.insert(0, str(PROJECT_ROOT))

import browser_support  # noqa: E402  (scripts/: the helpers the screenshots and browser tests use)
from sqlalchemy import func, select  # noqa: E402

from dashboard.i18n import t  # noqa: E402
from data_access import accounts, simulator  # noqa: E402
from data_access.queries import reference  # noqa: E402
from data_access.store import create_store_engine, init_store, schema  # noqa: E402
from data_access.timeutil import now_utc  # noqa: E402

#: The committee's live pages; sessions are spread over them in turn.
LIVE_PAGES = ("tong-quan", "ban-do", "luu-luong", "nguy-co-cao", "ung-dung-cntt")
BENCH_USER = "bench-bando"
TIMING = re.compile(
    r"dashboard\.timing page=(?P<page>\S+) run=(?P<run>\w+) ms=(?P<ms>[\d.]+) "
    r"queries=(?P<queries>\d+) computed=(?P<computed>\d+)(?: query_ms=(?P<query_ms>[\d.]+))?"
    r"(?: cached=(?P<cached>\d+))?"
)
LOCKED = "database is locked"
PAGE_TIMEOUT_MS = 120_000
#: Streamlit keeps a disconnected session this long, for a reconnection (runtime/memory_session_storage.py).
STREAMLIT_SESSION_TTL_S = 120
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- processes


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15 of stat)


def rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` in MiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (here: playwright's driver and the chromium it started)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def browser_processes(exclude: set[int]) -> list[int]:
    """The browsers' processes: every process below this one but ``exclude`` (the server's and the
    feed's) and what those started."""
    skip = set(exclude)
    for pid in exclude:
        skip.update(descendants(pid))
    return [pid for pid in descendants(os.getpid()) if pid not in skip]


def tree_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds so far of each of ``pids``."""
    return {pid: cpu_seconds(pid) for pid in pids}


def keep_browsers_low(exclude: set[int], nice: int, idle: bool, stop_event: threading.Event) -> None:
    """Every second, set the browsers' processes to niceness ``nice`` and, with ``idle``, to the idle
    scheduling class (they run only on CPU the server and the feed leave). A niceness inherited at start
    does not hold: Chromium, run as root, sets its own processes' priorities (its browser process at
    nice -8, each new renderer at 0)."""
    done: set[int] = set()
    while not stop_event.is_set():
        for pid in browser_processes(exclude):
            if pid in done:
                continue
            try:
                os.setpriority(os.PRIO_PROCESS, pid, nice)
                if idle:
                    os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
                done.add(pid)
            except OSError:  # gone meanwhile
                pass
        stop_event.wait(1.0)


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(port: int) -> bool:
    """Whether the server's ``/_stcore/health`` answers ``ok``."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``command`` in the project folder, in a process group of its own, output to ``log``."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop ``proc`` and its group: SIGTERM, then SIGKILL after 15 s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --------------------------------------------------------------------------- the store


def prepare(url: str, days: int, sessions: int) -> tuple[int, list[str]]:
    """Create or upgrade the store, seed it when empty, and start ``sessions`` sign-in sessions of a
    committee (leadership) account. Returns the number of declarations and the session tokens."""
    engine = create_store_engine(url)
    try:
        init_store(engine)
        with engine.connect() as conn:
            if not reference.has_declarations(conn):
                started = time.perf_counter()
                written = simulator.seed(engine, days=days, seed=11)
                print(f"seeded {written:,} declarations in {time.perf_counter() - started:.0f} s", flush=True)
        with engine.begin() as conn:
            account = accounts.get_account(conn, BENCH_USER) or accounts.add_account(
                conn, BENCH_USER, "leadership", "bench-password-1", by="bench"
            )
            tokens = [accounts.start_session(conn, account, now_utc()) for _ in range(sessions)]
        with engine.connect() as conn:
            n = int(conn.execute(select(func.count()).select_from(schema.declarations)).scalar() or 0)
        return n, tokens
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- results


@dataclass
class Level:
    """What one level of sessions measured."""

    sessions: int
    seconds: float
    refreshes: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    queries: int = 0
    computed: int = 0
    query_ms_mean: float = 0.0
    query_ms_p95: float = 0.0
    cache_max: int = 0
    cpu_percent: float = 0.0
    cpu_ms_per_refresh: float = 0.0
    browser_cpu_percent: float = 0.0
    machine_percent: float = 0.0
    load_average: tuple[float, float] = (0.0, 0.0)
    rss_mean_mib: float = 0.0
    rss_max_mib: float = 0.0
    rss_end_mib: float = 0.0
    exception_boxes: int = 0
    page_error_lines: int = 0
    page_script_errors: int = 0
    open_failures: int = 0
    locked: int = 0
    tracebacks: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Every error this level saw."""
        return (
            self.exception_boxes
            + self.page_error_lines
            + self.page_script_errors
            + self.open_failures
            + self.locked
            + self.tracebacks
        )


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, by linear interpolation (0 when there are none)."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def timing_lines(text: str) -> list[dict]:
    """The ``dashboard.timing`` lines of a server log's text, parsed."""
    return [match.groupdict() for match in TIMING.finditer(text)]


class LogCursor:
    """Reads what a log file gained since the last read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def read(self) -> str:
        """The text written since the last read (or since this cursor was made)."""
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read()
        self.offset += len(data)
        return data.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- websocket viewers


class WebsocketViewer:
    """One viewer as the server sees a browser, without the browser: a websocket session on a live page
    (``/_stcore/stream``, the sign-in cookie in the handshake) that asks for the page's run, then asks
    for each live fragment again at the interval the server gave it (``auto_rerun``), as Streamlit's
    own frontend does, and keeps what it was sent that a viewer would see as an error."""

    def __init__(self, port: int, path: str, token: str, touch_every: float = 0.0) -> None:
        self.port, self.path, self.token = port, path, token
        self.touch_every = touch_every
        self.exceptions: list[str] = []
        self.error_lines: list[str] = []
        self.runs = 0
        self.closed_by_server = False
        self._first_run = threading.Event()
        self._tasks: list = []

    def _client_state(self):  # type: ignore[no-untyped-def]
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        state = message.rerun_script
        state.page_name = self.path
        state.context_info.timezone = browser_support.TIMEZONE
        state.context_info.locale = browser_support.LOCALE
        state.context_info.url = f"http://127.0.0.1:{self.port}/{self.path}"
        return message

    async def run(self, stop) -> None:  # type: ignore[no-untyped-def]
        """Until ``stop`` (an asyncio event) is set: the page's run, then its fragments' reruns."""
        import asyncio

        import websockets
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        errors = {t(key, lang) for key in ("app.page_error", "store.title") for lang in ("vi", "en")}
        async with websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": f"{browser_support.SESSION_COOKIE}={self.token}"},
            max_size=None,
        ) as socket_:
            await socket_.send(self._client_state().SerializeToString())

            async def rerun_every(fragment_id: str, interval: float) -> None:
                # The frontend's timer: a fixed rate from when the fragment was announced.
                due = time.monotonic()
                while True:
                    due += interval
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    message = self._client_state()
                    message.rerun_script.fragment_id = fragment_id
                    message.rerun_script.is_auto_rerun = True
                    await socket_.send(message.SerializeToString())

            async def act_every(period: float) -> None:
                # A person at the page does something now and then (a filter, a click): a full run,
                # which counts as activity; an untouched page ends after the sign-in's idle time.
                while True:
                    await asyncio.sleep(period)
                    await socket_.send(self._client_state().SerializeToString())

            timers: dict[str, asyncio.Task] = {}
            if self.touch_every > 0:
                timers[""] = asyncio.ensure_future(act_every(self.touch_every))
            stopping = asyncio.ensure_future(stop.wait())
            try:
                while not stop.is_set():
                    receiving = asyncio.ensure_future(socket_.recv())
                    await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    if not receiving.done():
                        receiving.cancel()
                        break
                    try:
                        data = receiving.result()
                    except websockets.ConnectionClosed:
                        self.closed_by_server = True
                        break
                    message = ForwardMsg()
                    message.ParseFromString(data)
                    kind = message.WhichOneof("type")
                    if kind == "auto_rerun":
                        fragment = message.auto_rerun.fragment_id
                        if fragment not in timers:
                            timers[fragment] = asyncio.ensure_future(rerun_every(fragment, message.auto_rerun.interval))
                    elif kind == "stop_auto_rerun":
                        for fragment in [f for f in timers if f]:
                            timers.pop(fragment).cancel()
                    elif kind == "script_finished":
                        self.runs += 1
                        self._first_run.set()
                    elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                        element = message.delta.new_element
                        shown = element.WhichOneof("type")
                        if shown == "exception":
                            self.exceptions.append(f"{self.path}: {element.exception.message[:200]}")
                        elif shown == "alert" and element.alert.body in errors:
                            self.error_lines.append(f"{self.path}: {element.alert.body[:200]}")
                        elif shown == "heading" and element.heading.body in errors:  # the store's page
                            self.error_lines.append(f"{self.path}: {element.heading.body[:200]}")
            finally:
                for timer in timers.values():
                    timer.cancel()
                stopping.cancel()

    def wait_open(self, timeout: float) -> bool:
        """Whether the page's first run finished within ``timeout`` seconds."""
        return self._first_run.wait(timeout)


class WebsocketClients:
    """Websocket viewers (:class:`WebsocketViewer`), all on one asyncio loop in a thread of this
    process: twenty of them cost a few per cent of a core, where twenty browsers would take the
    machine the server runs on."""

    def __init__(self, port: int, touch_every: float = 0.0) -> None:
        import asyncio

        self.port, self.touch_every = port, touch_every
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._running: dict[int, tuple] = {}

    def open(self, path: str, token: str, settle: bool = True) -> WebsocketViewer:
        """A viewer on ``path``, once its page's first run has finished (raises if it did not in time)."""
        import asyncio

        viewer = WebsocketViewer(self.port, path, token, self.touch_every)

        async def start():  # type: ignore[no-untyped-def]
            stop = asyncio.Event()
            return stop, asyncio.ensure_future(viewer.run(stop))

        stop, task = asyncio.run_coroutine_threadsafe(start(), self.loop).result()
        self._running[id(viewer)] = (stop, task)
        if not viewer.wait_open(PAGE_TIMEOUT_MS / 1000):
            self.close(viewer)
            raise TimeoutError(f"{path}: no finished run within {PAGE_TIMEOUT_MS / 1000:.0f} s")
        return viewer

    def problems(self, viewer: WebsocketViewer) -> tuple[int, int, list[str]]:
        """(exceptions, error lines, examples) the viewer was sent since the last call."""
        boxes, lines = viewer.exceptions, viewer.error_lines
        if viewer.closed_by_server:
            lines = [*lines, f"{viewer.path}: the server closed the connection"]
            viewer.closed_by_server = False
        viewer.exceptions, viewer.error_lines = [], []
        return len(boxes), len(lines), (boxes + lines)

    def close(self, viewer: WebsocketViewer) -> None:
        """Close the viewer's connection, as a closed tab does."""
        import asyncio

        stop, task = self._running.pop(id(viewer), (None, None))
        if stop is None:
            return

        async def finish() -> None:
            stop.set()
            try:
                await asyncio.wait_for(task, 30)
            except Exception:  # noqa: BLE001 - a viewer that failed while closing is closed all the same
                pass

        asyncio.run_coroutine_threadsafe(finish(), self.loop).result()

    def wait(self, seconds: float) -> None:
        """Let the viewers run for ``seconds``."""
        time.sleep(seconds)

    def shutdown(self) -> None:
        """Close every viewer, then stop and close the loop."""
        running = list(self._running.values())
        self._running.clear()
        if running:
            import asyncio

            async def finish() -> None:
                for stop, _task in running:
                    stop.set()
                await asyncio.wait([task for _stop, task in running], timeout=30)

            asyncio.run_coroutine_threadsafe(finish(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


class BrowserClients:
    """Viewers as headless chromium contexts of one browser (what they draw is checked on the page)."""

    def __init__(self, browser, base: str) -> None:  # type: ignore[no-untyped-def]
        self.browser, self.base = browser, base
        self.script_errors: list[str] = []
        self._driver = None

    def open(self, path: str, token: str, settle: bool = True):  # type: ignore[no-untyped-def]
        """A signed-in context on ``path``, once the app has finished its run."""
        page = open_session(self.browser, self.base, path, token, self.script_errors)
        try:
            browser_support.wait_for_app(page, timeout_ms=PAGE_TIMEOUT_MS, **({} if settle else {"settle_ms": 0}))
        except Exception:
            page.context.close()
            raise
        self._driver = self._driver or page
        return page

    def problems(self, page) -> tuple[int, int, list[str]]:  # type: ignore[no-untyped-def]
        """(exception boxes, error lines, examples) on the page now."""
        try:
            return page_problems(page)
        except Exception as exc:  # noqa: BLE001 - a page that cannot be read is a finding
            return 0, 1, [f"{page.url}: not readable: {str(exc).splitlines()[0]}"]

    def close(self, page) -> None:  # type: ignore[no-untyped-def]
        """Close the page's context."""
        if page is self._driver:
            self._driver = None
        page.context.close()

    def wait(self, seconds: float) -> None:
        """Wait through playwright, which takes the pages' events (script errors) meanwhile."""
        if self._driver is not None:
            self._driver.wait_for_timeout(seconds * 1000)
        else:
            time.sleep(seconds)


# --------------------------------------------------------------------------- browser sessions


def open_session(browser, base: str, path: str, token: str, script_errors: list[str]):  # type: ignore[no-untyped-def]
    """A new context signed in with ``token`` on ``base/path``; page script errors go to ``script_errors``."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale=browser_support.LOCALE, timezone_id=browser_support.TIMEZONE
    )
    browser_support.sign_in(context, base, token)
    page = context.new_page()
    page.on("pageerror", lambda error: script_errors.append(f"{path}: {error}"))
    page.goto(f"{base}/{path}", wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    return page


def page_problems(page) -> tuple[int, int, list[str]]:  # type: ignore[no-untyped-def]
    """(exception boxes, "could not show this part" or store-page lines, examples) on ``page`` now."""
    boxes = browser_support.exception_texts(page)
    body = page.locator("body").inner_text(timeout=30_000)
    lines = [t(key, lang) for key in ("app.page_error", "store.title") for lang in ("vi", "en") if t(key, lang) in body]
    return len(boxes), len(lines), [f"{page.url}: {text[:200]}" for text in boxes + lines]


def run_level(clients, tokens: list[str], n: int, args, server, logs: dict[str, Path]) -> Level:  # type: ignore[no-untyped-def]
    """``n`` sessions on the live pages for ``args.minutes``; what they cost and what went wrong."""
    pages_list = [p.strip() for p in args.pages.split(",") if p.strip()]
    pages, failed_to_open = [], []
    for i in range(n):
        path = pages_list[i % len(pages_list)]
        try:
            pages.append(clients.open(path, tokens[i]))
        except Exception as exc:  # noqa: BLE001 - a session that does not open is a finding, not the end
            failed_to_open.append(f"{path}: did not open: {str(exc).splitlines()[0]}")
    if not pages:
        level = Level(sessions=n, seconds=0, open_failures=len(failed_to_open), examples=failed_to_open[:5])
        return level
    clients.wait(args.warmup)  # the opening full runs are not refreshes
    server_log, feed_log = LogCursor(logs["server"]), LogCursor(logs["feed"])
    seconds = args.minutes * 60
    level = Level(sessions=n, seconds=seconds, open_failures=len(failed_to_open), examples=failed_to_open[:5])
    cpu0, busy0, began = cpu_seconds(server.pid), machine_busy(), time.monotonic()
    others = {server.pid, *args.other_pids}
    browser0 = tree_cpu(browser_processes(others))
    own0 = time.process_time()  # the websocket viewers run in this process
    rss: list[float] = []
    load: list[float] = []
    next_check = began + args.check_every
    while (now := time.monotonic()) < began + seconds:
        rss.append(rss_mib(server.pid))
        load.append(os.getloadavg()[0])
        if now >= next_check:
            next_check += args.check_every
            for page in pages:
                boxes, lines, examples = clients.problems(page)
                level.exception_boxes += boxes
                level.page_error_lines += lines
                level.examples += examples[: max(0, 10 - len(level.examples))]
        clients.wait(min(5.0, max(0.0, began + seconds - time.monotonic())))
        if server.poll() is not None:
            level.examples.append("the server stopped")
            break
    elapsed = time.monotonic() - began
    cpu1, busy1 = cpu_seconds(server.pid), machine_busy()
    browser1 = tree_cpu(browser_processes(others))
    own1 = time.process_time()
    text, feed_text = server_log.read(), feed_log.read()
    for page in pages:
        boxes, lines, examples = clients.problems(page)
        level.exception_boxes += boxes
        level.page_error_lines += lines
        level.examples += examples[: max(0, 10 - len(level.examples))]
        clients.close(page)
    refreshes = [line for line in timing_lines(text) if line["run"] == "refresh"]
    times = sorted(float(line["ms"]) for line in refreshes)
    level.seconds = round(elapsed, 1)
    level.refreshes = len(times)
    level.p50_ms, level.p95_ms = round(percentile(times, 0.50), 1), round(percentile(times, 0.95), 1)
    level.max_ms = round(times[-1], 1) if times else 0.0
    level.queries = sum(int(line["queries"]) for line in refreshes)
    level.computed = sum(int(line["computed"]) for line in refreshes)
    level.cache_max = max((int(line["cached"] or 0) for line in refreshes), default=0)
    query_ms = sorted(float(line["query_ms"] or 0) for line in refreshes)
    level.query_ms_mean = round(statistics.fmean(query_ms), 1) if query_ms else 0.0
    level.query_ms_p95 = round(percentile(query_ms, 0.95), 1)
    level.cpu_percent = round(100 * (cpu1 - cpu0) / elapsed, 1)
    # The server's CPU for each refresh: steadier than the refreshes' times when other work shares the cores.
    level.cpu_ms_per_refresh = round(1000 * (cpu1 - cpu0) / max(1, len(times)), 1)
    # The browsers' pages redraw on the same cores: what they took is said beside the server's.
    level.browser_cpu_percent = round(
        100 * (sum(c - browser0.get(p, 0.0) for p, c in browser1.items()) + own1 - own0) / elapsed, 1
    )
    level.machine_percent = round(100 * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), 1)
    level.load_average = (round(min(load), 2), round(max(load), 2)) if load else (0.0, 0.0)
    level.rss_mean_mib = round(statistics.fmean(rss), 1) if rss else 0.0
    level.rss_max_mib = round(max(rss), 1) if rss else 0.0
    level.rss_end_mib = round(rss_mib(server.pid), 1)
    script_errors = getattr(clients, "script_errors", [])
    level.page_script_errors = len(script_errors)
    level.examples += script_errors[:3]
    script_errors.clear()
    level.locked = text.count(LOCKED) + feed_text.count(LOCKED)
    level.tracebacks = text.count("Traceback (most recent call last)")
    return level


@dataclass
class Churn:
    """Sessions opened and closed again and again: the server's RSS along the way."""

    cycles: int
    rss_before_mib: float = 0.0
    rss_after_mib: float = 0.0
    rss_settled_mib: float = 0.0
    samples: list[tuple[int, float]] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0


def run_churn(clients, token: str, cycles: int, server, settle: bool) -> Churn:  # type: ignore[no-untyped-def]
    """Open a session on the Overview, wait for it, close it; ``cycles`` times (after 10 to warm up)."""
    problems: list[str] = []

    def once() -> None:
        page = clients.open("tong-quan", token, settle=False)
        boxes, lines, examples = clients.problems(page)
        problems.extend(examples)
        clients.close(page)

    for _ in range(10):
        once()
    churn = Churn(cycles=cycles, rss_before_mib=round(rss_mib(server.pid), 1))
    began = time.monotonic()
    for i in range(1, cycles + 1):
        try:
            once()
        except Exception:  # noqa: BLE001 - a session that did not open is counted, the churn goes on
            churn.failures += 1
        if i % 20 == 0:
            churn.samples.append((i, round(rss_mib(server.pid), 1)))
            print(f"  churn {i}/{cycles}: RSS {churn.samples[-1][1]:.0f} MiB", flush=True)
    churn.seconds = round(time.monotonic() - began, 1)
    churn.rss_after_mib = round(rss_mib(server.pid), 1)
    churn.failures += len(problems) + len(getattr(clients, "script_errors", []))
    if settle:
        # Streamlit keeps a disconnected session 2 minutes for a reconnection; then one more visit
        # lets its store drop them.
        time.sleep(STREAMLIT_SESSION_TTL_S + 15)
        once()
        time.sleep(5)
        churn.rss_settled_mib = round(rss_mib(server.pid), 1)
    return churn


# --------------------------------------------------------------------------- main


def table(levels: list[Level]) -> list[str]:
    """The levels as a Markdown table."""
    lines = [
        "| sessions | refreshes | server ms p50 / p95 / max | queries run / asked | ms on queries mean / p95 "
        "| server CPU (ms a refresh) "
        "| viewers' CPU "
        "| machine busy | RSS mean / max MiB | errors (boxes, lines, script, not opened, locked, tracebacks) "
        "| load avg |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for lv in levels:
        lines.append(
            f"| {lv.sessions} | {lv.refreshes} | {lv.p50_ms:.0f} / {lv.p95_ms:.0f} / {lv.max_ms:.0f} "
            f"| {lv.computed:,} / {lv.queries:,} | {lv.query_ms_mean:.1f} / {lv.query_ms_p95:.1f} "
            f"| {lv.cpu_percent:.0f} % ({lv.cpu_ms_per_refresh:.0f}) "
            f"| {lv.browser_cpu_percent:.0f} % "
            f"| {lv.machine_percent:.0f} % | {lv.rss_mean_mib:.0f} / {lv.rss_max_mib:.0f} "
            f"| {lv.errors} ({lv.exception_boxes}, {lv.page_error_lines}, {lv.page_script_errors}, "
            f"{lv.open_failures}, {lv.locked}, {lv.tracebacks}) | {lv.load_average[0]:.1f}–{lv.load_average[1]:.1f} |"
        )
    return lines


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the levels and the churn; print the table; 1 when any error was seen. SIGTERM or Ctrl-C
    stops it, with the server and the feed."""
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="/tmp/sessions-1m.db", help="SQLite file or SQLAlchemy URL")
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes per level (default 5)")
    parser.add_argument("--levels", default="1,5,10,20", help="sessions per level (default 1,5,10,20)")
    parser.add_argument("--pages", default=",".join(LIVE_PAGES), help="live pages the sessions are spread over")
    parser.add_argument("--shared", choices=("on", "off"), default="on", help="DASHBOARD_SHARED_FIGURES")
    parser.add_argument("--refresh", type=float, default=None, help="DASHBOARD_REFRESH_SECONDS (default: the app's)")
    parser.add_argument("--warmup", type=float, default=20, help="seconds after the pages opened, not measured")
    parser.add_argument("--check-every", type=float, default=30, help="seconds between checks of every page")
    parser.add_argument("--churn", type=int, default=200, help="sessions opened and closed (default 200)")
    parser.add_argument("--no-churn", action="store_true", help="skip the churn")
    parser.add_argument("--no-settle", action="store_true", help="do not wait for Streamlit to drop closed sessions")
    parser.add_argument(
        "--clients",
        choices=("websocket", "chromium"),
        default="websocket",
        help="viewers as websocket sessions speaking Streamlit's protocol (default: the server's load without "
        "the browsers' on the same cores) or as headless chromium contexts (what the pages draw is checked)",
    )
    parser.add_argument(
        "--act-every",
        type=float,
        default=10.0,
        help="minutes between a websocket viewer's own full runs (a filter, a click: activity, without which "
        "the sign-in ends after its idle time; default 10, 0: never)",
    )
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=10,
        help="niceness of the browsers (default 10): they stand for the viewers' own computers and take only "
        "the CPU the server leaves (0: as the server)",
    )
    parser.add_argument(
        "--browser-idle",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the browsers in the idle scheduling class (default: yes), below every normal process",
    )
    parser.add_argument("--days", type=int, default=30, help="days to seed an empty store with")
    parser.add_argument("--rate", type=float, default=None, help="the feed's --rate (default: its own)")
    parser.add_argument("--json", default="", help="write the results here (default: beside the logs)")
    parser.add_argument("--logs", default="/tmp/bench-sessions", help="folder of the server and feed logs")
    args = parser.parse_args(argv)

    levels = [int(n) for n in args.levels.split(",") if n.strip()]
    url = args.store if "://" in args.store else f"sqlite:///{Path(args.store).resolve()}"
    logs_dir = Path(args.logs)
    logs_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = {"server": logs_dir / f"server-{stamp}.log", "feed": logs_dir / f"feed-{stamp}.log"}
    declarations, tokens = prepare(url, args.days, max(levels) + 1)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"}
    env.pop("DASHBOARD_DATABASE_URL", None)
    env["DASHBOARD_SHARED_FIGURES"] = "true" if args.shared == "on" else "false"
    env["DASHBOARD_TIMING_LOG"] = "true"
    if args.refresh:
        env["DASHBOARD_REFRESH_SECONDS"] = str(args.refresh)
    machine = (
        f"{platform.node()}, {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') >> 30}"
        f" GiB; python {platform.python_version()}"
    )
    print(
        f"{machine}; store {url} ({declarations:,} declarations); shared figures {args.shared}; "
        f"{args.minutes:g} min per level; logs {logs_dir}",
        flush=True,
    )
    feed_command = [sys.executable, "-m", "data_access", "feed"] + (["--rate", str(args.rate)] if args.rate else [])
    feed = start(feed_command, env, logs["feed"])
    server = start(
        [
            sys.executable, "-m", "streamlit", "run", "dashboard/server.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        env,
        logs["server"],
    )  # fmt: skip
    results: list[Level] = []
    churn: Churn | None = None
    lowering = threading.Event()
    try:
        deadline = time.monotonic() + 120
        while not healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                print(f"the server did not start; see {logs['server']}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print(f"server pid {server.pid}, RSS at start {rss_mib(server.pid):.0f} MiB", flush=True)
        args.other_pids = [feed.pid]

        def levels_and_churn(clients) -> None:  # type: ignore[no-untyped-def]
            nonlocal churn
            for n in levels:
                print(f"{n} session(s) for {args.minutes:g} min …", flush=True)
                level = run_level(clients, tokens, n, args, server, logs)
                results.append(level)
                print("\n".join(table([level])[2:]), flush=True)
                if server.poll() is not None:
                    return
                time.sleep(5)
            if not args.no_churn and server.poll() is None:
                print(f"churn: {args.churn} sessions opened and closed …", flush=True)
                churn = run_churn(clients, tokens[-1], args.churn, server, settle=not args.no_settle)

        if args.clients == "websocket":
            clients = WebsocketClients(port, touch_every=args.act_every * 60)
            try:
                levels_and_churn(clients)
            finally:
                clients.shutdown()
        else:
            from playwright.sync_api import sync_playwright

            # The browsers stand for the viewers' own computers: they get the CPU the server and the
            # feed leave (the server and the feed keep the normal priority).
            if args.browser_nice or args.browser_idle:
                threading.Thread(
                    target=keep_browsers_low,
                    args=({server.pid, feed.pid}, args.browser_nice, args.browser_idle, lowering),
                    daemon=True,
                ).start()
            executable = browser_support.find_chromium()
            if executable is None:
                print("Debian chromium not found (apt-get install chromium, or set CHROMIUM_PATH)", file=sys.stderr)
                return 1
            with sync_playwright() as playwright:
                browser = browser_support.launch_chromium(playwright, executable)
                levels_and_churn(BrowserClients(browser, f"http://127.0.0.1:{port}"))
                browser.close()
    finally:
        lowering.set()
        stop(server)
        stop(feed)
    print()
    print(
        f"Machine: {machine}; store {declarations:,} declarations; shared figures {args.shared}; "
        + (
            "viewers: websocket sessions"
            if args.clients == "websocket"
            else f"viewers: chromium at nice {args.browser_nice}" + (", idle class" if args.browser_idle else "")
        )
    )
    print("\n".join(table(results)))
    for level in results:
        for example in level.examples[:5]:
            print(f"  {level.sessions} sessions: {example}")
    if churn is not None:
        print(
            f"Churn: {churn.cycles} sessions opened and closed in {churn.seconds:.0f} s, {churn.failures} failed; "
            f"RSS {churn.rss_before_mib:.0f} MiB before, {churn.rss_after_mib:.0f} MiB after"
            + (f", {churn.rss_settled_mib:.0f} MiB once Streamlit let them go" if churn.rss_settled_mib else "")
            + f"; every 20: {', '.join(f'{rss:.0f}' for _, rss in churn.samples)}"
        )
    out = Path(args.json) if args.json else logs_dir / f"results-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "machine": machine,
                "command": " ".join(["bench/bench_sessions.py", *(argv if argv is not None else sys.argv[1:])]),
                "store": url,
                "declarations": declarations,
                "shared": args.shared,
                "clients": args.clients,
                "browser_nice": args.browser_nice,
                "browser_idle": args.browser_idle,
                "levels": [asdict(level) | {"errors": level.errors} for level in results],
                "churn": asdict(churn) if churn else None,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"Results: {out}; server log {logs['server']}")
    errors = sum(level.errors for level in results) + (churn.failures if churn else 0)
    return 1 if errors or len(results) < len(levels) else 0


if __name__ == "__main__":
    sys.exit(main())
