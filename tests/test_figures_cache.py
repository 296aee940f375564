"""One query per figure for every viewer: a live refresh counts at the start of its refresh tick and
the aggregate figures of that tick are computed once and shared by every session
(``dashboard/figures.py``, used by ``dashboard.state.query``).

What must hold: sessions of one tick asking for the same figure run its query once; other filters,
another tick or another store compute afresh; a failure is never kept; the cache stays bounded; a
page's full run and every personal query (the follow-up list, the rows behind a figure, the audit
log, accounts) always run their own query; no shared figure returns a personal field; a write from
the dashboard empties the cache; a live refresh never counts at an instant before the one its page
last showed.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import logging
import re
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import event, select
from streamlit.testing.v1 import AppTest

from dashboard import figures, state, ui
from data_access import accounts, audit
from data_access.domain import PERSONAL_FIELDS
from data_access.importing import import_file
from data_access.queries import (
    adoption,
    high_risk,
    live_map,
    overview,
    quality,
    reference,
    traffic,
)
from data_access.queries import audit as audit_queries
from data_access.queries import follow_up as follow_up_queries
from data_access.risk import HotZoneIndex
from data_access.settings import get_settings
from data_access.store import StoreError, schema, set_wifi_opened_on, write_declarations
from data_access.timeutil import local_today, now_utc
from tests.import_support import csv_bytes, row
from tests.support import declaration, sign_in_as

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
T0 = dt.datetime(2026, 11, 27, 5, 0, 3)  # naive UTC, 3 s into a 10-second tick

#: Personal values no shared figure may ever show (SPEC §6), written into the store below.
SECRET = {
    "full_name": "Đặng Thị Bảo Mật",
    "id_number": "034199887766",
    "phone": "0987654321",
    "plate": "29Z-88888",
}


# --------------------------------------------------------------------------- the cache itself


def test_ticks_round_the_clock_down_and_agree_within_a_tick():
    start = figures.tick_start(T0, 10)
    assert start == dt.datetime(2026, 11, 27, 5, 0, 0)
    assert figures.tick_start(T0 + dt.timedelta(seconds=6.999), 10) == start  # the same tick: the same instant
    assert figures.tick_start(T0 + dt.timedelta(seconds=7), 10) == start + dt.timedelta(seconds=10)
    assert figures.tick_number(T0, 10) + 1 == figures.tick_number(T0 + dt.timedelta(seconds=7), 10)
    # never after the clock, at most one interval before it, also for intervals of a fraction of a second
    for seconds in (10, 2.5, 0.3, 1):
        for k in range(50):
            at = T0 + dt.timedelta(microseconds=123_457 * k)
            rounded = figures.tick_start(at, seconds)
            assert rounded <= at < rounded + dt.timedelta(seconds=seconds)


def test_two_sessions_in_the_same_tick_compute_a_figure_once():
    cache = figures.FigureCache()
    calls = []
    entered, release = threading.Event(), threading.Event()

    def compute():
        calls.append(1)
        entered.set()
        assert release.wait(10)
        return pd.DataFrame({"crossings": [1, 2]})

    results: list = [None, None]

    def session(i: int) -> None:
        results[i] = cache.get("overview", 7, compute)

    first = threading.Thread(target=session, args=(0,))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=session, args=(1,))
    second.start()
    deadline = time.monotonic() + 10
    while cache.stats.waited < 1:  # the second session waits for the first one's query ...
        assert time.monotonic() < deadline, "the second session did not wait for the first one's query"
        time.sleep(0.01)
    release.set()  # ... which then ends
    first.join(10)
    second.join(10)
    assert len(calls) == 1
    (a, computed_a), (b, computed_b) = results
    assert (computed_a, computed_b) == (True, False)
    assert a.equals(b) and a is not b  # each session has its own copy
    # a third session later in the tick takes it from the cache
    c, computed_c = cache.get("overview", 7, compute)
    assert not computed_c and c.equals(a) and len(calls) == 1
    assert (cache.stats.computed, cache.stats.shared) == (1, 2)


def test_other_arguments_and_the_next_tick_compute_again():
    cache = figures.FigureCache()
    calls: list[str] = []

    def compute(label: str):
        def run():
            calls.append(label)
            return label

        return run

    assert cache.get(("traffic", "TAN_DE"), 1, compute("tan de")) == ("tan de", True)
    assert cache.get(("traffic", "THAI_HA"), 1, compute("thai ha")) == ("thai ha", True)
    assert cache.get(("traffic", "TAN_DE"), 1, compute("again")) == ("tan de", False)
    assert cache.get(("traffic", "TAN_DE"), 2, compute("next tick")) == ("next tick", True)
    assert calls == ["tan de", "thai ha", "next tick"]


def test_a_failure_is_not_kept():
    cache = figures.FigureCache()

    def broken():
        raise RuntimeError("database is locked")

    with pytest.raises(RuntimeError):
        cache.get("surge", 1, broken)
    assert len(cache) == 0
    assert cache.get("surge", 1, lambda: 12) == (12, True)  # the next caller asks the store again
    assert cache.stats.failed == 1


def test_sessions_waiting_for_a_query_that_fails_ask_for_themselves():
    cache = figures.FigureCache()
    entered, release = threading.Event(), threading.Event()

    def failing():
        entered.set()
        assert release.wait(10)
        raise RuntimeError("database is locked")

    errors: list[Exception] = []

    def leader() -> None:
        try:
            cache.get("surge", 1, failing)
        except RuntimeError as exc:
            errors.append(exc)

    waiter_result: list = []
    first = threading.Thread(target=leader)
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=lambda: waiter_result.append(cache.get("surge", 1, lambda: 5)))
    second.start()
    deadline = time.monotonic() + 10
    while cache.stats.waited < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    release.set()
    first.join(10)
    second.join(10)
    assert len(errors) == 1 and waiter_result == [(5, True)]
    assert len(cache) == 0  # the waiter's own result is not kept either: the next one asks again


def test_a_result_is_handed_out_as_copies():
    cache = figures.FigureCache()
    frame, _ = cache.get("k", 1, lambda: pd.DataFrame({"crossings": [1, 2, 3]}))
    frame["crossings"] = 0  # a page changing the frame it was given ...
    again, computed = cache.get("k", 1, lambda: pd.DataFrame())
    assert not computed and list(again["crossings"]) == [1, 2, 3]  # ... changes nobody else's
    again.loc[0, "crossings"] = 99
    third, _ = cache.get("k", 1, lambda: pd.DataFrame())
    assert list(third["crossings"]) == [1, 2, 3]


def test_the_cache_is_bounded():
    cache = figures.FigureCache(max_entries=5, max_bytes=10**9)
    for i in range(20):
        cache.get(("figure", i), 1, lambda i=i: i)
    assert len(cache) == 5
    assert cache.get(("figure", 19), 1, lambda: -1) == (19, False)  # the most recent are kept
    assert cache.get(("figure", 0), 1, lambda: -1) == (-1, True)

    big = figures.FigureCache(max_entries=1000, max_bytes=200_000)
    for i in range(50):
        big.get(i, 1, lambda: pd.DataFrame({"n": range(10_000)}))  # about 80 kB each
    assert big.bytes <= 200_000 and 1 <= len(big) <= 3


def test_figures_of_past_ticks_are_dropped():
    cache = figures.FigureCache()
    for tick in range(1, 6):
        cache.get("overview", tick, lambda tick=tick: tick)
        cache.get("map", tick, lambda tick=tick: tick)
    # this tick and the one before (a run that began just before the tick changed) only
    assert len(cache) == 4


def test_a_figure_computed_across_a_clear_is_not_kept():
    cache = figures.FigureCache()

    def compute():
        cache.clear()  # a write committed while the figure was being counted
        return "before the write"

    assert cache.get("k", 1, compute) == ("before the write", True)
    assert len(cache) == 0
    assert cache.get("k", 1, lambda: "after") == ("after", True)


# --------------------------------------------------------------------------- what may be shared


def _shared_calls(now: dt.datetime, checkpoint_id: int) -> dict:
    """Every shared figure, called as the pages call it (the committee filters on the second call)."""
    today = local_today(now)
    week = today - dt.timedelta(days=6)
    ids = [checkpoint_id]
    return {
        overview.today_vs_yesterday: lambda c: overview.today_vs_yesterday(c, now),
        overview.daily_trend: lambda c: overview.daily_trend(c, today, now=now, days=7),
        overview.latest_declaration_at: lambda c: overview.latest_declaration_at(c, now),
        live_map.checkpoint_live_status: lambda c: live_map.checkpoint_live_status(
            c, now, silent_after_minutes=30, checkpoint_ids=ids
        ),
        live_map.origins_today: lambda c: live_map.origins_today(c, now),
        traffic.crossings_by_hour: lambda c: traffic.crossings_by_hour(c, week, today, now=now),
        traffic.crossings_by_day: lambda c: traffic.crossings_by_day(c, week, today, now=now, directions=("in",)),
        traffic.crossings_by_vehicle: lambda c: traffic.crossings_by_vehicle(c, week, today, now=now),
        traffic.people_and_vehicles_by_day: lambda c: traffic.people_and_vehicles_by_day(c, week, today, now=now),
        traffic.peak_hours: lambda c: traffic.peak_hours(c, week, today, now=now, checkpoint_ids=ids),
        high_risk.risk_levels_by_day: lambda c: high_risk.risk_levels_by_day(c, week, today, now=now),
        high_risk.high_risk_reasons_by_day: lambda c: high_risk.high_risk_reasons_by_day(c, week, today, now=now),
        high_risk.high_risk_origins: lambda c: high_risk.high_risk_origins(c, week, today, now=now),
        high_risk.high_risk_surge: lambda c: high_risk.high_risk_surge(c, now),
        adoption.adoption_by_day: lambda c: adoption.adoption_by_day(c, week, today, now=now),
        adoption.adoption_by_checkpoint: lambda c: adoption.adoption_by_checkpoint(c, week, today, now=now),
        adoption.channel_mix: lambda c: adoption.channel_mix(c, week, today, now=now),
        adoption.free_wifi_since_opening: lambda c: adoption.free_wifi_since_opening(c, now=now),
        quality.freshness: lambda c: quality.freshness(c, now),
        quality.hourly_vs_last_week: lambda c: quality.hourly_vs_last_week(c, now),
        quality.quarantine_reasons: lambda c: quality.quarantine_reasons(c),
        reference.checkpoint_table: lambda c: reference.checkpoint_table(c),
        reference.first_declaration_day: lambda c: reference.first_declaration_day(c),
        reference.provinces: lambda c: reference.provinces(c),
    }


def _texts(value) -> tuple[set[str], list[str]]:
    """A result's column names (if a table) and every value in it as text."""
    if isinstance(value, pd.DataFrame):
        cells = [str(v) for v in value.astype(str).to_numpy().ravel()]
        return {str(c) for c in value.columns}, cells + [str(c) for c in value.columns]
    if isinstance(value, dict):
        return set(), [str(k) for k in value] + [str(v) for v in value.values()]
    return set(), [repr(value)]


@pytest.fixture
def personal_store(engine):
    """A store whose declarations and quarantine hold the personal values of :data:`SECRET`."""
    now = now_utc()
    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id)).scalars().first()
        conn.execute(schema.checkpoints.update().values(wifi_opened_on=local_today(now) - dt.timedelta(days=3)))
        rows_ = [
            declaration(
                cid,
                (now - dt.timedelta(hours=h)).replace(tzinfo=dt.UTC),
                vehicle="car",
                contact_f0=h % 2 == 0,
                used_free_wifi=True,
                channel="bluezone",
                **SECRET,
            )
            for h in range(0, 72, 5)
        ]
        write_declarations(conn, rows_, HotZoneIndex([]))
    local = (now + dt.timedelta(hours=7) - dt.timedelta(minutes=30)).strftime("%d/%m/%Y %H:%M:%S")
    secret_cells = {"plate": SECRET["plate"], "full_name": SECRET["full_name"], "phone": SECRET["phone"]}
    import_file(
        engine,
        csv_bytes([row(declared_at=local, **secret_cells), row(declared_at=local, checkpoint="", **secret_cells)]),
        "personal.csv",
        created_by="test",
    )
    return engine, cid, now


def test_no_shared_figure_returns_a_personal_field(personal_store):
    engine, cid, now = personal_store
    calls = _shared_calls(now, cid)
    # a function added to the shared set must be added here, and so be checked
    assert set(calls) == set(figures.SHARED_FIGURES)
    with engine.connect() as conn:
        assert conn.execute(select(schema.quarantined_rows.c.id)).first(), "the store has a quarantined row"
        for fn, call in calls.items():
            columns, texts = _texts(call(conn))
            name = f"{fn.__module__}.{fn.__qualname__}"
            personal = columns & set(PERSONAL_FIELDS)
            assert not personal, f"{name} returns personal columns {personal}"
            assert not columns & {"declaration_id", "plate_hash", "birth_year"}, f"{name} returns a traveller's row"
            for field, secret in SECRET.items():
                assert not [t for t in texts if secret in t], f"{name} shows a {field}"


def test_shared_figures_read_no_table_whose_writes_leave_them_as_they_are(personal_store):
    """Writes to sessions, the audit log, accounts and follow-up statuses do not empty the cache:
    so no shared figure may read those tables."""
    engine, cid, now = personal_store
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with engine.connect() as conn:
            for call in _shared_calls(now, cid).values():
                call(conn)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements
    for table in figures.UNSHARED_TABLES:
        assert not [s for s in statements if re.search(rf"\b{table}\b", s)], f"a shared figure reads {table}"


@pytest.mark.parametrize("module", [follow_up_queries, audit_queries, accounts, audit], ids=lambda m: m.__name__)
def test_personal_queries_are_never_shared(module):
    functions = [f for _, f in inspect.getmembers(module, inspect.isfunction) if f.__module__ == module.__name__]
    assert functions
    assert not [f.__name__ for f in functions if figures.is_shared(f)]


def _query_targets(path: Path) -> list:
    """The functions a dashboard file hands to ``query(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("data_access"):
            for alias in node.names:
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "query"
            and node.args
            and isinstance(node.args[0], ast.Attribute)
            and isinstance(node.args[0].value, ast.Name)
        ):
            module = __import__(modules[node.args[0].value.id], fromlist=["_"])
            found.append(getattr(module, node.args[0].attr))
    return found


@pytest.mark.parametrize(
    "path", ["dashboard/rows.py", "pages/follow_up.py", "pages/audit.py", "pages/accounts.py", "dashboard/auth.py"]
)
def test_the_rows_behind_a_figure_the_follow_up_list_the_audit_log_and_accounts_are_not_shared(path):
    targets = _query_targets(ROOT / path)
    if path in ("dashboard/rows.py", "pages/follow_up.py"):
        assert follow_up_queries.travellers in targets
    assert not [f.__qualname__ for f in targets if figures.is_shared(f)]


# --------------------------------------------------------------------------- through dashboard.state.query


@pytest.fixture
def dashboard_store(sqlite_engine, sqlite_url, monkeypatch):
    """The dashboard pointed at a small store; a fresh cache; runs are live refreshes at a set clock."""
    now = now_utc()
    with sqlite_engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id)).scalars().first()
        write_declarations(
            conn,
            [
                declaration(cid, (now - dt.timedelta(minutes=m)).replace(tzinfo=dt.UTC), contact_f0=True, **SECRET)
                for m in range(5, 60)
            ],
            HotZoneIndex([]),
        )
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    cache = figures.FigureCache()
    monkeypatch.setattr(figures, "CACHE", cache)
    monkeypatch.setattr(state, "live_refresh", lambda: True)
    clock = {"now": now}
    monkeypatch.setattr(state, "now_utc", lambda: clock["now"])
    statements: list[str] = []
    reader = state.reader_engine()

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(reader, "before_cursor_execute", seen)
    yield cache, clock, statements, cid, now
    event.remove(reader, "before_cursor_execute", seen)
    get_settings.cache_clear()


def test_sessions_of_one_tick_run_the_figures_query_once(dashboard_store):
    cache, clock, statements, cid, now = dashboard_store
    tick_now = figures.tick_start(now, 10)
    results = []

    def session() -> None:
        results.append(state.query(overview.today_vs_yesterday, tick_now))

    sessions = [threading.Thread(target=session) for _ in range(8)]
    for s in sessions:
        s.start()
    for s in sessions:
        s.join(30)
    assert len(results) == 8 and all(r.equals(results[0]) for r in results)
    assert cache.stats.computed == 1 and cache.stats.shared == 7
    once = len(statements)
    # a checkpoint filter is another figure; the same figure in the next tick is counted again
    state.query(live_map.checkpoint_live_status, tick_now, silent_after_minutes=30, checkpoint_ids=[cid])
    state.query(live_map.checkpoint_live_status, tick_now, silent_after_minutes=30, checkpoint_ids=(cid,))
    state.query(live_map.checkpoint_live_status, tick_now, silent_after_minutes=30)
    assert cache.stats.computed == 3  # a list and a tuple of the same checkpoints are the same filter
    clock["now"] = now + dt.timedelta(seconds=10)
    before = len(statements)
    state.query(overview.today_vs_yesterday, tick_now)
    assert cache.stats.computed == 4 and len(statements) > before
    assert once > 0


def test_personal_queries_and_full_runs_always_ask_the_store(dashboard_store, monkeypatch):
    cache, clock, statements, cid, now = dashboard_store
    today = local_today(now)
    # Yesterday too: the store's crossings are 5 to 60 minutes old, yesterday's just after local midnight.
    where = dict(first_day=today - dt.timedelta(days=1), last_day=today, now=figures.tick_start(now, 10))
    first = state.query(follow_up_queries.travellers, **where, limit=10)
    asked = len(statements)
    second = state.query(follow_up_queries.travellers, **where, limit=10)
    assert len(statements) > asked and first.equals(second)
    assert SECRET["phone"] in set(first["phone"])
    assert len(cache) == 0 and cache.stats.computed == 0

    monkeypatch.setattr(state, "live_refresh", lambda: False)  # a page's full run counts on its own
    state.query(overview.latest_declaration_at, now)
    state.query(overview.latest_declaration_at, now)
    assert len(cache) == 0

    monkeypatch.setattr(state, "live_refresh", lambda: True)
    monkeypatch.setenv("DASHBOARD_SHARED_FIGURES", "false")  # the switch off: every run asks the store
    get_settings.cache_clear()
    state.query(overview.latest_declaration_at, now)
    assert len(cache) == 0


def test_a_store_error_is_not_kept(dashboard_store, monkeypatch):
    cache, clock, statements, cid, now = dashboard_store
    attempts = []

    def flaky_latest(conn, at):
        attempts.append(at)
        if len(attempts) == 1:
            raise StoreError("unreachable", "store")
        return overview.latest_declaration_at(conn, at)

    monkeypatch.setattr(figures, "SHARED_FIGURES", figures.SHARED_FIGURES | {flaky_latest})
    with pytest.raises(StoreError):
        state.query(flaky_latest, now)
    assert state.query(flaky_latest, now) is not None
    assert state.query(flaky_latest, now) is not None
    assert len(attempts) == 2  # failed, then computed once and shared


def test_a_write_from_the_dashboard_empties_the_cache_but_a_sessions_activity_does_not(dashboard_store):
    cache, clock, statements, cid, now = dashboard_store
    tick_now = figures.tick_start(now, 10)
    state.query(adoption.free_wifi_since_opening, now=tick_now)
    assert len(cache) == 1
    with state.writer_engine().begin() as conn:  # a session's activity and an audit entry
        audit.record(conn, "sign_in", username="someone")
    assert len(cache) == 1
    with state.writer_engine().connect() as conn:  # a write undone
        set_wifi_opened_on(conn, cid, local_today(now), local_today(now))
        conn.rollback()
    assert len(cache) == 1
    with state.writer_engine().begin() as conn:  # the IT team corrects a Wi-Fi opening day
        set_wifi_opened_on(conn, cid, local_today(now) - dt.timedelta(days=2), local_today(now))
    assert len(cache) == 0
    fresh = state.query(adoption.free_wifi_since_opening, now=tick_now)
    assert local_today(now) - dt.timedelta(days=2) in set(fresh["wifi_opened_on"])


# --------------------------------------------------------------------------- the page's "now"


@pytest.fixture
def page_session(monkeypatch):
    """ui.page_now outside a browser: a session state of its own, a set clock, full run or refresh."""
    session: dict = {}
    clock = {"now": T0, "refresh": False}
    monkeypatch.setattr(ui.st, "session_state", session)
    monkeypatch.setattr(ui, "now_utc", lambda: clock["now"])
    monkeypatch.setattr(ui, "live_refresh", lambda: clock["refresh"])
    monkeypatch.setenv("DASHBOARD_REFRESH_SECONDS", "10")
    get_settings.cache_clear()
    yield clock
    get_settings.cache_clear()


def test_a_page_counts_at_the_clock_and_its_refreshes_at_their_tick(page_session):
    clock = page_session
    assert ui.page_now() == T0  # opened: the clock's instant
    clock["refresh"] = True
    clock["now"] = T0 + dt.timedelta(seconds=10)
    assert ui.page_now() == dt.datetime(2026, 11, 27, 5, 0, 10)  # refreshed: the tick's start
    clock["now"] = T0 + dt.timedelta(seconds=14)
    assert ui.page_now() == dt.datetime(2026, 11, 27, 5, 0, 10)  # every refresh of the tick: the same


def test_a_refresh_never_goes_back_before_what_the_page_showed(page_session):
    clock = page_session
    clock["now"] = T0 + dt.timedelta(seconds=5)  # opened 8 s into a tick
    opened = ui.page_now()
    clock["refresh"] = True
    clock["now"] = T0 + dt.timedelta(seconds=6)  # refreshed in the same tick (the wall refreshes every 2 s)
    assert ui.page_now() == opened
    clock["now"] = T0 + dt.timedelta(seconds=8)
    assert ui.page_now() == dt.datetime(2026, 11, 27, 5, 0, 10)


def test_with_sharing_off_every_run_counts_at_the_clock(page_session, monkeypatch):
    clock = page_session
    monkeypatch.setenv("DASHBOARD_SHARED_FIGURES", "0")
    get_settings.cache_clear()
    clock["refresh"] = True
    assert ui.page_now() == T0


# --------------------------------------------------------------------------- the timing log


def test_every_run_of_a_live_part_writes_one_timing_line(sqlite_engine, sqlite_url, monkeypatch, caplog):
    with sqlite_engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id)).scalars().first()
        write_declarations(
            conn, [declaration(cid, (now_utc() - dt.timedelta(minutes=2)).replace(tzinfo=dt.UTC))], HotZoneIndex([])
        )
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    sign_in_as(monkeypatch, sqlite_url)
    caplog.set_level(logging.INFO, logger="dashboard.timing")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    lines = [r.getMessage() for r in caplog.records if r.name == "dashboard.timing"]
    assert len(lines) == 1, lines
    found = re.fullmatch(
        r"page=tong-quan run=page ms=(\d+\.\d) queries=(\d+) computed=(\d+) query_ms=(\d+\.\d) cached=\d+", lines[0]
    )
    assert found, lines[0]
    ms, asked, computed, query_ms = float(found[1]), int(found[2]), int(found[3]), float(found[4])
    assert ms > 0 and asked >= 5 and computed == asked  # a full run runs every query itself
    assert 0 < query_ms < ms

    caplog.clear()
    monkeypatch.setenv("DASHBOARD_TIMING_LOG", "false")
    get_settings.cache_clear()
    AppTest.from_file(APP, default_timeout=60).run()
    assert not [r for r in caplog.records if r.name == "dashboard.timing"]
    get_settings.cache_clear()
