"""Shared UI parts: the live frame of a page, the freshness line, KPI cards, the store error page."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.queries import overview
from data_access.settings import get_settings
from data_access.store import StoreError, display_url
from data_access.timeutil import now_utc

from . import auth, figures
from . import formatting as fmt
from .navigation import PAGES
from .state import lang, live_refresh, query, reader_engine, tr

if TYPE_CHECKING:
    import pandas as pd

STORE_RETRY_SECONDS = 5
log = logging.getLogger("dashboard")
#: One line per run of a page's live part: page, full run or refresh, server time, the queries it asked
#: for, how many of them it ran itself (the rest were figures shared by every session) and the time it
#: spent getting their results, and how many figures the shared cache holds.
timing_log = logging.getLogger("dashboard.timing")
_timing_ready = threading.Lock()
#: The instant this session's page last counted at (its live refreshes never go back before it).
_NOW_KEY = "_page_now"


def page_error(where: str) -> None:
    """A part of a page failed unexpectedly: the traceback goes to the server log for the IT team,
    the visitor gets one line, never a path, a source line or the exception's text.

    Call it from an ``except Exception`` block (Streamlit's rerun and stop signals are not
    ``Exception`` and pass through).
    """
    log.exception("page part failed: %s", where)
    st.error(tr("app.page_error"), icon=":material/error:")


def store_still_usable() -> bool:
    """Whether the store answers and is current (after a query failed, to tell a store that went
    away from a query that failed on a working store)."""
    try:
        reader_engine()
    except StoreError:
        return False
    return True


def freshness_line(now: dt.datetime) -> None:
    """ "Cập nhật 14:05:09 · 3 giây trước": when the newest declaration counted at ``now`` arrived,
    and how long before ``now`` (the page's instant, as every figure under it)."""
    latest = query(overview.latest_declaration_at, now)
    if latest is None:
        st.caption(tr("app.freshness_empty"))
        return
    st.caption(tr("app.freshness", time=fmt.local_time(latest, lang()), ago=fmt.ago(latest, now, lang())))


def page_now() -> dt.datetime:
    """The instant this run of a page's live part counts at, its "now".

    A page's full run (opening it, a filter, a button, a write) counts at the clock's instant. A live
    refresh counts at the start of its refresh tick, so that every session of the tick asks for the
    same figures and shares them (:mod:`dashboard.figures`) — but never before the instant this
    session's page last counted at: a figure it has shown does not go back. With
    ``DASHBOARD_SHARED_FIGURES`` off, every run counts at the clock's instant.
    """
    settings = get_settings()
    clock = now_utc()
    now = clock
    if settings.dashboard_shared_figures and live_refresh():
        now = figures.tick_start(clock, settings.dashboard_refresh_seconds)
        previous = st.session_state.get(_NOW_KEY)
        if isinstance(previous, dt.datetime) and now < previous <= clock:
            now = previous
    st.session_state[_NOW_KEY] = now
    return now


def page_name(body: Callable) -> str:
    """The address of the page whose script defines ``body`` ("tong-quan"), for the timing log."""
    code = getattr(body, "__code__", None)
    file = Path(code.co_filename).name if code is not None else ""
    return next((spec.url_path for spec in PAGES if spec.file == file), Path(file).stem or body.__qualname__)


def _timing_logger() -> logging.Logger | None:
    """The timing log when ``DASHBOARD_TIMING_LOG`` is on; it writes to the server's error output
    unless the process configured logging itself."""
    if not get_settings().dashboard_timing_log:
        return None
    if timing_log.level != logging.INFO:
        with _timing_ready:
            if not timing_log.handlers and not logging.getLogger().handlers:
                handler = logging.StreamHandler(sys.stderr)
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
                timing_log.addHandler(handler)
            timing_log.setLevel(logging.INFO)
    return timing_log


def log_run(page: str, counts: figures.RunCounts) -> None:
    """One timing line for the run counted by ``counts`` (cheap: one formatted line per run)."""
    logger = _timing_logger()
    if logger is None:
        return
    logger.info(
        "page=%s run=%s ms=%.1f queries=%d computed=%d query_ms=%.1f cached=%d",
        page,
        "refresh" if live_refresh() else "page",
        (time.perf_counter() - counts.began) * 1000,
        counts.asked,
        counts.computed,
        counts.seconds * 1000,
        len(figures.CACHE),
    )


def live(body: Callable[[dt.datetime], None]) -> None:
    """Render ``body(now)`` under the freshness line, refreshed in place every few seconds.

    The page's figures all use the same ``now`` (:func:`page_now`), so they agree with each other.
    Each run writes one timing line (:func:`log_run`).
    """
    interval = dt.timedelta(seconds=get_settings().dashboard_refresh_seconds)
    name = page_name(body)

    @st.fragment(run_every=interval)
    def _live() -> None:
        counts = figures.start_run()
        try:
            _live_run(body)
        finally:
            log_run(name, counts)

    _live()


def _live_run(body: Callable[[dt.datetime], None]) -> None:
    if auth.signed_in(touch=False) is None:
        # The session ended meanwhile (idle, expired, signed out elsewhere, account disabled):
        # the full run sends the visitor to the sign-in form, and draws nothing more here.
        st.rerun(scope="app")
    try:
        now = page_now()
        freshness_line(now)
        body(now)
    except (StoreError, SQLAlchemyError):
        if not store_still_usable():
            # The store went away mid-session: the full run shows the store page.
            st.rerun(scope="app")
        # A query failed on a working store: rerunning would fail again, in a loop.
        page_error(body.__qualname__)
    except Exception:
        page_error(body.__qualname__)


def metric_card(
    column, label: str, value: str, note: str | None = None, *, change: bool = False, delta_color: str = "normal"
) -> None:
    """One headline figure in ``column`` with a line under it: with ``change``, a change against a
    comparison (an arrow, coloured by ``delta_color``); otherwise context (a share, a date) with no
    arrow and no colour."""
    if change:
        column.metric(label, value, delta=note or None, delta_color=delta_color, border=True)
    else:
        column.metric(label, value, delta=note or None, delta_color="off", delta_arrow="off", border=True)


def store_problem_page(error: StoreError) -> None:
    """A clear Vietnamese page naming the store and what to do; it retries by itself."""
    st.title(tr("store.title"))
    st.error(tr(f"store.{error.kind}"))
    # In a code span nothing is markup; only a backtick could end it early.
    st.markdown(tr("store.target", target=display_url(error.target).replace("`", "'")))
    if error.detail:
        st.code(error.detail, language=None)
    st.info(tr("store.todo"))

    @st.fragment(run_every=dt.timedelta(seconds=STORE_RETRY_SECONDS))
    def _retry() -> None:
        st.caption(tr("store.retrying", seconds=STORE_RETRY_SECONDS))
        try:
            reader_engine()
        except StoreError:
            return
        st.rerun(scope="app")

    _retry()


def table_or_note(
    container, frame: pd.DataFrame, note: str, table: Callable[[pd.DataFrame], pd.DataFrame], **options
) -> None:
    """``table(frame)`` as a full-width table in ``container`` (st or a column), or ``note`` when
    ``frame`` is empty."""
    if frame.empty:
        container.info(note)
    else:
        container.dataframe(table(frame), hide_index=True, width="stretch", **options)


def explain_refused_uploads(message: str, button: str) -> None:
    """Put our catalogue's words where Streamlit's file uploader has its own English ones.

    ``message`` goes under any uploader whose file the browser refused: Streamlit's browser side
    refuses a file over ``server.maxUploadSize`` before sending it and says so only in an English
    tooltip on the red file chip. ``button`` replaces the "Upload" label; the "200MB per file" line is
    hidden (the page states its limit in its own words).
    """

    def css_text(text: str) -> str:
        return text.replace("\\", " ").replace('"', "'").replace("<", " ").replace("\n", " ")

    st.html(f"""<style>
[data-testid="stFileUploader"]:has([data-testid="stFileChip"][aria-invalid="true"])::after {{
  content: "{css_text(message)}"; display: block; margin-top: .4rem; color: #B71C1C; font-size: .95rem;
}}
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "{css_text(button)}"; font-size: .875rem;
}}
</style>""")
