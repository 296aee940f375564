"""Follow-up of high-risk travellers by the Department of Health's officers (SPEC §6).

Each change of a traveller's status is a row of ``follow_ups`` with who, when and a note: the rows are
the history, the latest is the current status, and a traveller with none is "not_contacted". Every
change is also written to the audit log. Read through :mod:`data_access.queries.follow_up`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from . import audit
from .domain import FOLLOW_UP_STATUSES
from .errors import CodedError
from .store import schema
from .text import nfc
from .timeutil import now_utc, to_store

#: The statuses in SPEC order: chưa liên hệ, đã liên hệ, cách ly tại nhà, cách ly tập trung, đã xét
#: nghiệm, đã kết thúc theo dõi.
STATUSES = FOLLOW_UP_STATUSES
NOTE_MAX = 500


class FollowUpError(CodedError, ValueError):
    """A status change that cannot be made: ``follow_up.bad_status`` (``status``),
    ``follow_up.note_too_long`` (``max_length``), ``follow_up.unknown_declaration`` (``declaration_id``),
    ``follow_up.not_high_risk`` (``declaration_id``)."""


def set_status(
    conn: Connection,
    declaration_id: int,
    status: str,
    note: str | None,
    *,
    by: str,
    at: dt.datetime | None = None,
    page: str | None = None,
) -> None:
    """Record that the high-risk traveller of declaration ``declaration_id`` (the store's id) is now
    in ``status`` (one of :data:`STATUSES`), with an optional ``note`` (at most 500 characters), by
    ``by`` at ``at`` (default now); also audited as "follow_up_status". Raises :class:`FollowUpError`.
    """
    if status not in STATUSES:
        raise FollowUpError("follow_up.bad_status", status=status)
    note = nfc(note) if note is not None else None
    note = note or None
    if note is not None and len(note) > NOTE_MAX:
        raise FollowUpError("follow_up.note_too_long", max_length=NOTE_MAX)
    d = schema.declarations.c
    level = conn.execute(select(d.risk_level).where(d.id == declaration_id)).scalar()
    if level is None:
        raise FollowUpError("follow_up.unknown_declaration", declaration_id=declaration_id)
    if level != "high":
        raise FollowUpError("follow_up.not_high_risk", declaration_id=declaration_id)
    at = to_store(at) if at is not None else now_utc()
    conn.execute(
        insert(schema.follow_ups).values(
            declaration_id=declaration_id, status=status, note=note, changed_by=by, changed_at=at
        )
    )
    # The note may name the traveller or say what a test found: it stays in follow_ups, not in the log.
    audit.record(
        conn,
        "follow_up_status",
        username=by,
        page=page,
        details={"declaration_id": declaration_id, "status": status, "note": note is not None},
        rows=1,
        at=at,
    )
