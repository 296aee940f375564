"""Per-session UI state shared by every page: the language, and the store connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy import Engine

from data_access.settings import get_settings
from data_access.store import StoreError, check_store, create_store_engine

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


def query(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run a ``data_access.queries`` function on a fresh read-only connection.

    The store was checked when this run began (``reader_engine``); if it goes away since, the query
    raises and the live frame reruns the app, which shows the store page.
    """
    with _reader_engine(get_settings().reader_url).connect() as conn:
        return fn(conn, *args, **kwargs)


@st.cache_resource(show_spinner=False)
def _writer_engine(url: str) -> Engine:
    return create_store_engine(url)


def writer_engine() -> Engine:
    """The engine of the upload and the hot-zone editor (read-write, on ``DATABASE_URL``)."""
    return _writer_engine(get_settings().store_url)
