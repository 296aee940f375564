"""The audit log: entries written and read back by local day, user and action, and append-only for
the application on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from data_access import audit
from data_access.queries import audit as audit_queries
from data_access.store import schema

# Local day 20/11/2026 runs from 19/11 17:00 UTC to 20/11 17:00 UTC.
DAY = dt.date(2026, 11, 20)
START = dt.datetime(2026, 11, 19, 17, 0)


def _write(engine, entries):
    with engine.begin() as conn:
        for at, username, action, extra in entries:
            audit.record(conn, action, username=username, at=at, **extra)


def test_an_unknown_action_is_refused(sqlite_engine):
    with pytest.raises(ValueError), sqlite_engine.begin() as conn:
        audit.record(conn, "peek", username="nguyen.an")
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.audit_log)).scalar() == 0


def test_entries_by_local_day_user_and_action_newest_first(engine):
    second = dt.timedelta(seconds=1)
    _write(
        engine,
        [
            (START - second, "nguyen.an", "sign_in", {}),  # 19/11 23:59:59 local
            (START, "nguyen.an", "sign_in", {}),  # 20/11 00:00:00 local
            (START + dt.timedelta(hours=3), "nguyen.an", "view_personal", {"page": "follow_up", "rows": 120}),
            (
                START + dt.timedelta(hours=4),
                "tran.binh",
                "export",
                {"page": "follow_up", "rows": 7, "details": {"format": "xlsx", "day": DAY}},
            ),
            (START + dt.timedelta(days=1) - second, None, "purge", {"rows": 0}),  # 20/11 23:59:59 local
            (START + dt.timedelta(days=1), "tran.binh", "sign_out", {}),  # 21/11 00:00:00 local
        ],
    )
    with engine.connect() as conn:
        day = audit_queries.entries(conn, since=DAY, until=DAY)
    assert list(day["action"]) == ["purge", "export", "view_personal", "sign_in"]
    assert day["at_local"].iloc[-1] == dt.datetime(2026, 11, 20, 0, 0, 0)
    assert day["at"].iloc[-1] == START
    export = day[day["action"] == "export"].iloc[0]
    assert export["details"] == {"format": "xlsx", "day": "2026-11-20"} and export["rows"] == 7
    assert export["page"] == "follow_up"
    with engine.connect() as conn:
        assert len(audit_queries.entries(conn)) == 6
        assert list(audit_queries.entries(conn, since=DAY)["action"])[0] == "sign_out"
        assert list(audit_queries.entries(conn, until=DAY - dt.timedelta(days=1))["action"]) == ["sign_in"]
        assert list(audit_queries.entries(conn, username="Tran.Binh")["action"]) == ["sign_out", "export"]
        assert list(audit_queries.entries(conn, action="sign_in")["at"]) == [START, START - second]
        assert len(audit_queries.entries(conn, limit=2)) == 2
        # reconciled with a direct count of the day's rows
        g = schema.audit_log.c
        direct = conn.execute(select(func.count()).where(g.at >= START, g.at < START + dt.timedelta(days=1))).scalar()
    assert direct == len(day)


def test_the_audit_log_cannot_be_changed_or_emptied(engine):
    _write(engine, [(START, "nguyen.an", "view_personal", {"rows": 3})])
    g = schema.audit_log.c
    for statement in (
        update(schema.audit_log).values(username="someone.else"),
        update(schema.audit_log).where(g.action == "view_personal").values(rows=0),
        delete(schema.audit_log),
        delete(schema.audit_log).where(g.username == "nguyen.an"),
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    with engine.connect() as conn:
        assert conn.execute(select(g.username, g.rows)).all() == [("nguyen.an", 3)]
    # appending still works
    _write(engine, [(START, "nguyen.an", "sign_out", {})])
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.audit_log)).scalar() == 2
