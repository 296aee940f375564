"""The audit log (SPEC §6): who did what, when, on which page, to how many rows.

Every view or export of personal fields, every sign-in (and failed one), account change, hot-zone
change, import and purge is recorded with :func:`record`, in the caller's transaction, so an entry
exists exactly when what it records happened. The log is append-only for the application: the store
refuses UPDATE and DELETE on it (migration 0005). It is read through :mod:`data_access.queries.audit`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert

from .store import schema
from .timeutil import now_utc, to_store

ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "locked_out",
    "sign_out",
    "view_personal",
    "export",
    "unmask",
    "follow_up_status",
    "account_change",
    "hot_zone_change",
    "import",
    "forbidden_page",
    "purge",
)

#: Widths of the audit log's text columns: longer values are cut rather than refused (an entry must
#: never fail to be written because a page name or a typed user name is long).
_WIDTHS = {"username": 100, "page": 100}


def record(
    conn: Connection,
    action: str,
    *,
    username: str | None,
    page: str | None = None,
    details: Mapping[str, Any] | None = None,
    rows: int | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Append one entry. ``action`` is one of :data:`ACTIONS` (anything else is a programming error:
    ValueError); ``username`` is who (None only when nobody is known), ``details`` plain JSON values
    (never a password or a personal value), ``rows`` how many rows were viewed or exported, ``at``
    the time (naive UTC or aware; default now)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        insert(schema.audit_log).values(
            at=to_store(at) if at is not None else now_utc(),
            username=username[: _WIDTHS["username"]] if username is not None else None,
            action=action,
            page=page[: _WIDTHS["page"]] if page is not None else None,
            # Through JSON text and back: a date or a Decimal in the details is kept as its text
            # rather than failing the write (and with it what the entry records).
            details=json.loads(json.dumps(dict(details), default=str)) if details is not None else None,
            rows=rows,
        )
    )
