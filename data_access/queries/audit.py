"""Nhật ký truy cập: the audit log for the admin page and the ``audit`` command, newest first.

Days are local (Asia/Ho_Chi_Minh) days; times are shown as local wall-clock times.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, select

from ..store import schema
from ..timeutil import LOCAL_TZ, UTC, local_midnight_utc

COLUMNS = ["id", "at", "at_local", "username", "action", "page", "details", "rows"]


def entries(
    conn: Connection,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    username: str | None = None,
    action: str | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Audit entries from local day ``since`` through local day ``until`` (inclusive; None = no
    bound), of one ``username`` and/or ``action`` if given, newest first, at most ``limit``.

    Columns: id, at (naive UTC), at_local (naive local time), username, action, page, details (a
    dict or None), rows (an int or None).
    """
    g = schema.audit_log.c
    conds = []
    if since is not None:
        conds.append(g.at >= local_midnight_utc(since))
    if until is not None:
        conds.append(g.at < local_midnight_utc(until + dt.timedelta(days=1)))
    if username is not None:
        conds.append(g.username == username.strip().lower())
    if action is not None:
        conds.append(g.action == action)
    stmt = (
        select(g.id, g.at, g.username, g.action, g.page, g.details, g.rows)
        .where(*conds)
        .order_by(g.at.desc(), g.id.desc())
        .limit(limit)
    )
    out = [
        {
            "id": r.id,
            "at": r.at,
            "at_local": r.at.replace(tzinfo=UTC).astimezone(LOCAL_TZ).replace(tzinfo=None),
            "username": r.username,
            "action": r.action,
            "page": r.page,
            "details": r.details,
            "rows": r.rows,
        }
        for r in conn.execute(stmt)
    ]
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.astype({"rows": "Int64"})
