"""Theo dõi người nguy cơ cao: the Department of Health officers' list of high-risk travellers, with
contact details and follow-up status (SPEC §6), and each traveller's status history.

Personal fields leave the store here: the caller audits every view and export ("view_personal",
"export") and never caches the result across sessions. Day ranges are inclusive local days, counted
up to the page run's ``now``. The list reads the partial index of high-risk declarations on
``declared_at`` (migration 0005), newest first, so a page costs the same on a month or on years.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd
from sqlalchemy import Connection, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..domain import FOLLOW_UP_STATUSES
from ..store import driver_connection, schema
from ..text import fold, nfc
from ..timeutil import LOCAL_TZ, UTC, local_midnight_utc
from ._core import Dirs, Ids, scope_filters

COLUMNS = [
    "id",
    "declared_at_local",
    "checkpoint",
    "direction",
    "full_name",
    "phone",
    "id_number",
    "origin_province",
    "origin_district",
    "destination_district",
    "risk_reason",
    "status",
    "status_at",
    "status_by",
    "note",
]
HISTORY_COLUMNS = ["declaration_id", "status", "note", "changed_by", "changed_at_local"]
NOT_CONTACTED = FOLLOW_UP_STATUSES[0]
#: The SQLite function that folds a name for search (registered on each connection that searches).
FOLD_FUNCTION = "follow_up_fold"
#: What :func:`data_access.text.fold` drops besides diacritics: spacing, hyphens, dots, underscores.
_DROPPED = " \t\n\r-._"

_d = schema.declarations.c
_f = schema.follow_ups


def _local(ts: dt.datetime | None) -> dt.datetime | None:
    """A naive UTC time as naive local wall-clock time."""
    return None if ts is None else ts.replace(tzinfo=UTC).astimezone(LOCAL_TZ).replace(tzinfo=None)


@lru_cache(maxsize=1)
def _translate_map() -> tuple[str, str]:
    """PostgreSQL ``translate()`` arguments that fold like :func:`data_access.text.fold`: each
    Latin letter with diacritics (Vietnamese's among them) to its bare lower-case letter, spacing and
    ``-._`` deleted (``lower()`` then takes care of ASCII capitals whatever the server's locale)."""
    src, dst = [], []
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        ch = chr(cp)
        bare = fold(ch)
        if len(bare) == 1 and bare.isascii() and bare.isalpha() and bare != ch:
            src.append(ch)
            dst.append(bare)
    return "".join(src) + _DROPPED, "".join(dst)


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str | None]:
    """:func:`_translate_map` as a ``str.translate`` table: the same fold as SQL's, several times
    faster per name than :func:`data_access.text.fold`'s decomposition (SQLite calls it once a row)."""
    src, dst = _translate_map()
    table: dict[int, str | None] = {ord(a): b for a, b in zip(src, dst, strict=False)}
    table.update({ord(c): None for c in _DROPPED})
    return table


def _fold_name(name: str | None) -> str | None:
    return None if name is None else name.translate(_fold_table()).lower()


def _folded_name(conn: Connection) -> ColumnElement:
    """The declaration's full name folded for search, in SQL, on either backend."""
    if conn.dialect.name == "sqlite":
        # SQLite's lower() knows only ASCII and it has no translate(): the fold as a function of
        # this connection (registering it again is harmless).
        driver_connection(conn).create_function(FOLD_FUNCTION, 1, _fold_name, deterministic=True)
        return getattr(func, FOLD_FUNCTION)(_d.full_name)
    src, dst = _translate_map()
    return func.lower(func.translate(_d.full_name, src, dst))


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(conn: Connection, search: str) -> ColumnElement | None:
    """Name (case, diacritics and spacing ignored), phone or ID number containing ``search``."""
    conds = []
    digits = re.sub(r"[\s.\-()]", "", search)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if digits.isdigit():
        # Digits only: a phone or an ID number (names hold no digits, and folding every name costs).
        pattern = f"%{digits}%"
        return or_(_d.phone.like(pattern), _d.id_number.like(pattern))
    name_key = _fold_name(nfc(search)) or ""
    if name_key:
        conds.append(_folded_name(conn).like(f"%{_like_escape(name_key)}%", escape="\\"))
    return or_(*conds) if conds else None


def _latest_follow_up():
    """The follow-up row that is a declaration's current status (latest change; ties by id)."""
    latest = _f.alias("latest")
    newest_id = (
        select(_f.c.id)
        .where(_f.c.declaration_id == _d.id)
        .order_by(_f.c.changed_at.desc(), _f.c.id.desc())
        .limit(1)
        .correlate(schema.declarations)
        .scalar_subquery()
    )
    return latest, latest.c.id == newest_id


def _filtered(
    conn: Connection,
    *,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    checkpoint_ids: Ids,
    directions: Dirs,
    reasons: Sequence[str] | None,
    statuses: Sequence[str] | None,
    search: str | None,
):
    """The FROM (declarations with their current follow-up), the WHERE conditions, the current
    follow-up's table and status of the list's filters; None when ``search`` can match nothing."""
    latest, on_latest = _latest_follow_up()
    current = func.coalesce(latest.c.status, NOT_CONTACTED)
    conds = [
        # A literal, not a bound parameter: SQLite uses the partial index only when the query's
        # WHERE visibly implies the index's own.
        _d.risk_level == literal_column("'high'"),
        _d.declared_at >= local_midnight_utc(first_day),
        _d.declared_at < min(local_midnight_utc(last_day + dt.timedelta(days=1)), now),
        *scope_filters(schema.declarations, checkpoint_ids, directions),
    ]
    if reasons is not None:
        conds.append(_d.risk_reason.in_(list(reasons)))
    if statuses is not None:
        conds.append(current.in_(list(statuses)))
    if search is not None and search.strip():
        cond = _search_condition(conn, search.strip())
        if cond is None:
            return None
        conds.append(cond)
    return schema.declarations.outerjoin(latest, on_latest), conds, latest, current


def travellers(
    conn: Connection,
    *,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
    reasons: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    search: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> pd.DataFrame:
    """High-risk travellers declared on local days [first_day, last_day] before ``now``, newest first,
    with contact details and current follow-up status: id (the store's declaration id),
    declared_at_local, checkpoint (name), direction, full_name, phone, id_number, origin_province
    (name), origin_district, destination_district (name), risk_reason, status ("not_contacted" when
    never changed), status_at (local), status_by, note.

    ``checkpoint_ids``, ``directions``, ``reasons`` (risk reasons), ``statuses`` of None mean all;
    ``search`` keeps the travellers whose name (case and diacritics ignored), phone or ID number
    contains it. ``limit`` rows from ``offset`` on (:func:`traveller_count` counts them all).
    """
    built = _filtered(
        conn,
        first_day=first_day,
        last_day=last_day,
        now=now,
        checkpoint_ids=checkpoint_ids,
        directions=directions,
        reasons=reasons,
        statuses=statuses,
        search=search,
    )
    if built is None:
        return _empty()
    frm, conds, latest, current = built
    cp, pv, ds = schema.checkpoints, schema.provinces, schema.districts
    frm = (
        frm.join(cp, cp.c.id == _d.checkpoint_id)
        .join(pv, pv.c.code == _d.origin_province_code)
        .outerjoin(ds, ds.c.code == _d.destination_district_code)
    )
    stmt = (
        select(
            _d.id,
            _d.declared_at,
            cp.c.name,
            _d.direction,
            _d.full_name,
            _d.phone,
            _d.id_number,
            pv.c.name,
            _d.origin_district,
            ds.c.name,
            _d.risk_reason,
            current,
            latest.c.changed_at,
            latest.c.changed_by,
            latest.c.note,
        )
        .select_from(frm)
        .where(*conds)
        .order_by(_d.declared_at.desc(), _d.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = [(r[0], _local(r[1]), *r[2:12], _local(r[12]), r[13], r[14]) for r in conn.execute(stmt)]
    if not rows:
        return _empty()
    # Object columns: a missing name, note or time stays None (pandas would make text NaN).
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    return frame.astype({"id": "int64", "declared_at_local": "datetime64[us]"})


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS, dtype=object).astype({"id": "int64", "declared_at_local": "datetime64[us]"})


def traveller_count(
    conn: Connection,
    *,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
    reasons: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    search: str | None = None,
) -> int:
    """How many travellers :func:`travellers` pages through with the same filters."""
    built = _filtered(
        conn,
        first_day=first_day,
        last_day=last_day,
        now=now,
        checkpoint_ids=checkpoint_ids,
        directions=directions,
        reasons=reasons,
        statuses=statuses,
        search=search,
    )
    if built is None:
        return 0
    frm, conds, _, _ = built
    return int(conn.execute(select(func.count()).select_from(frm).where(*conds)).scalar() or 0)


def history(conn: Connection, declaration_ids: Sequence[int]) -> pd.DataFrame:
    """Every follow-up change of these declarations, oldest first: declaration_id, status, note,
    changed_by, changed_at_local."""
    ids = [int(i) for i in declaration_ids]
    if not ids:
        return pd.DataFrame(columns=HISTORY_COLUMNS, dtype=object).astype(
            {"declaration_id": "int64", "changed_at_local": "datetime64[us]"}
        )
    f = _f.c
    rows = [
        (r.changed_at, r.id, r.declaration_id, r.status, r.note, r.changed_by)
        for start in range(0, len(ids), 500)  # bound parameters per statement stay few on every backend
        for r in conn.execute(
            select(f.declaration_id, f.status, f.note, f.changed_by, f.changed_at, f.id).where(
                f.declaration_id.in_(ids[start : start + 500])
            )
        )
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    frame = pd.DataFrame(
        [(decl, status, note, by, _local(at)) for at, _, decl, status, note, by in rows],
        columns=HISTORY_COLUMNS,
        dtype=object,
    )
    return frame.astype({"declaration_id": "int64", "changed_at_local": "datetime64[us]"})
