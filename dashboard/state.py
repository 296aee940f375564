"""Per-session UI state shared by every page: the language, and the store connection (the figures
of live refreshes shared by every session: :mod:`dashboard.figures`)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine, event
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access.settings import get_settings
from data_access.store import StoreError, check_store, create_store_engine
from data_access.timeutil import now_utc

from . import figures
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, t

T = TypeVar("T")


def lang() -> str:
    """The language the user chose (Vietnamese unless switched)."""
    value = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, **values: object) -> str:
    """The catalogue text for ``key`` in the user's language."""
    return t(key, lang(), **values)


@st.cache_resource(show_spinner=False)
def _reader_engine(url: str) -> Engine:
    return create_store_engine(url, read_only=True)


def reader_engine() -> Engine:
    """The dashboard's read-only engine (shared by sessions; it holds no personal data itself),
    checked: the entry calls it once per run.

    Raises :class:`StoreError` when the store cannot be opened or is not a current store.
    """
    url = get_settings().reader_url
    engine = _reader_engine(url)
    try:
        check_store(engine, url)
    except StoreError:
        # A failed engine is not kept: the next rerun tries afresh, so the app recovers by itself.
        _reader_engine.clear()
        raise
    return engine


def live_refresh() -> bool:
    """Whether this run is a live part's refresh (a fragment's rerun), not a page's full run
    (opening it, a filter, a button, a write)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def _run(fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    with _reader_engine(get_settings().reader_url).connect() as conn:
        return fn(conn, *args, **kwargs)


def query(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run a ``data_access.queries`` function on a fresh read-only connection.

    In a live refresh, a shared figure (:data:`figures.SHARED_FIGURES`) is computed once per refresh
    tick for every session asking for it with the same arguments on the same store; a page's full run
    always computes its own. The store was checked when this run began (``reader_engine``); if it goes
    away since, the query raises (nothing is kept) and the live frame reruns the app, which shows the
    store page.
    """
    settings = get_settings()
    began = time.perf_counter()
    if settings.dashboard_shared_figures and figures.is_shared(fn) and live_refresh():
        try:
            key: Any = (
                settings.reader_url,
                fn.__module__,
                fn.__qualname__,
                figures.frozen(args),
                figures.frozen(kwargs),
            )
        except TypeError:
            key = None  # an argument that cannot be a key: computed for this session only
        if key is not None:
            tick = figures.tick_number(now_utc(), settings.dashboard_refresh_seconds)
            value, computed = figures.CACHE.get(key, tick, lambda: _run(fn, args, kwargs))
            figures.count(computed, time.perf_counter() - began)
            return value
    value = _run(fn, args, kwargs)
    figures.count(True, time.perf_counter() - began)
    return value


#: The start of a statement that writes, and the table it writes to.
_WRITE = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(\w+)"?', re.I)
#: Statements that write nothing.
_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "SHOW", "SET", "COMMIT")


def _note_write(conn, cursor, statement: str, parameters, context, executemany) -> None:
    """A statement on the writers' engine: remember when it writes what a shared figure reads."""
    written = _WRITE.match(statement)
    if written is not None:
        changes = written.group(1).lower() not in figures.UNSHARED_TABLES
    else:
        changes = not statement.lstrip().upper().startswith(_READS)
    if changes:
        conn.info["figures_changed"] = True


def _on_commit(conn) -> None:
    if conn.info.pop("figures_changed", False):
        conn.info["figures_committed"] = True


def _on_rollback(conn) -> None:
    conn.info.pop("figures_changed", None)


def _on_checkin(dbapi_connection, record) -> None:
    # After the commit (the "commit" event comes just before it): a session computing in between
    # would otherwise keep the figures of before the write for the rest of the tick.
    if record is not None and record.info.pop("figures_committed", False):
        figures.CACHE.clear()


@st.cache_resource(show_spinner=False)
def _writer_engine(url: str) -> Engine:
    engine = create_store_engine(url)
    # A write from this process (a hot-zone edit, a Wi-Fi opening day) empties the shared figures:
    # every session's next refresh counts with it.
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _on_commit)
    event.listen(engine, "rollback", _on_rollback)
    event.listen(engine, "checkin", _on_checkin)
    return engine


def writer_engine() -> Engine:
    """The engine of the upload and the hot-zone editor (read-write, on ``DATABASE_URL``)."""
    return _writer_engine(get_settings().store_url)
