"""Erasing personal data that follow-up no longer needs (SPEC §6, ``purge --personal-older-than DAYS``).

For declarations whose local day is before today − DAYS, the personal fields (full name, ID number,
phone, plate) become NULL. Nothing else changes: the rollups are not recomputed (quality_daily keeps
how many declarations had each field filled), the risk level stays, and the plate's hash stays, so
the distinct-vehicle figure of every past day is what it was.

Personal data kept elsewhere for rows that old goes too: a quarantined row imported before the cutoff
keeps only its columns that are non-personal declaration fields (the others could hold anything,
personal data included), the warnings of purged declarations lose the raw text of personal fields,
and the follow-up notes of purged declarations (officers' free text about the traveller) are erased,
their statuses, authors and times kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update

from . import audit
from .domain import PERSONAL_FIELDS
from .importing.reader import field_for_header
from .store import schema
from .timeutil import local_midnight_utc, local_today

#: "Số điện thoại (2)": the name the reader gives a second column with the same header.
_REPEATED_HEADER = re.compile(r"\s*\(\d+\)$")


@dataclass(frozen=True)
class PurgeResult:
    """What a purge erased (or, in a dry run, would erase): declarations whose personal fields were
    emptied, quarantined rows and warnings that lost personal text, follow-up notes erased; and the
    first local day kept."""

    declarations: int
    quarantined_rows: int
    warnings: int
    cutoff_day: dt.date
    follow_up_notes: int = 0


def _kept_cells(raw: dict[str, Any]) -> dict[str, Any]:
    """A quarantined row as read, with only its columns that name a non-personal declaration field."""
    kept = {}
    for header, value in raw.items():
        name = field_for_header(str(header))
        if name is None or name in PERSONAL_FIELDS:
            continue
        if field_for_header(_REPEATED_HEADER.sub("", str(header))) in PERSONAL_FIELDS:
            continue
        kept[header] = value
    return kept


def _kept_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A quarantined row's reasons with the raw value of a personal field blanked (field and code kept:
    the data-quality page counts them)."""
    return [{**r, "raw": None} if r.get("field") in PERSONAL_FIELDS else r for r in reasons]


def purge_personal(
    conn: Connection, *, older_than_days: int, now: dt.datetime, dry_run: bool = False, by: str | None = None
) -> PurgeResult:
    """Erase the personal data of declarations older than ``older_than_days`` local days before
    today (``now`` naive UTC), in the caller's transaction, and write a "purge" audit entry (``by``:
    who ran it, e.g. "cli"; None for the daily run). With ``dry_run``, count what would be erased and
    change nothing (no audit entry either).

    Counts are of rows that still held something to erase, so a second purge with the same cutoff
    erases and counts nothing.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must be 0 or more")
    cutoff_day = local_today(now) - dt.timedelta(days=older_than_days)
    cutoff = local_midnight_utc(cutoff_day)
    d = schema.declarations.c
    # declared_at < the cutoff's local midnight is local_day < cutoff_day, read from the declared_at index.
    old = d.declared_at < cutoff
    holding = or_(*(d[f].is_not(None) for f in PERSONAL_FIELDS))

    old_ids = select(d.id).where(old)
    old_decl_ids = select(d.declaration_id).where(old)
    w = schema.import_warnings.c
    warnings_where = and_(w.field.in_(PERSONAL_FIELDS), w.raw_value.is_not(None), w.declaration_id.in_(old_decl_ids))
    f = schema.follow_ups.c
    notes_where = and_(f.note.is_not(None), f.declaration_id.in_(old_ids))

    q = schema.quarantined_rows.c
    quarantined: list[dict[str, Any]] = []
    for row in conn.execute(select(q.id, q.raw, q.reasons).where(q.created_at < cutoff)):
        raw, reasons = row.raw or {}, row.reasons or []
        new_raw, new_reasons = _kept_cells(raw), _kept_reasons(reasons)
        if new_raw != raw or new_reasons != reasons:
            quarantined.append({"id": row.id, "raw": new_raw, "reasons": new_reasons})

    def count(table, where) -> int:
        return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar() or 0)

    if dry_run:
        return PurgeResult(
            declarations=count(schema.declarations, and_(old, holding)),
            quarantined_rows=len(quarantined),
            warnings=count(schema.import_warnings, warnings_where),
            cutoff_day=cutoff_day,
            follow_up_notes=count(schema.follow_ups, notes_where),
        )
    # Warnings and notes first: they find their declarations by age, which the update below keeps.
    n_warnings = conn.execute(update(schema.import_warnings).where(warnings_where).values(raw_value=None)).rowcount
    n_notes = conn.execute(update(schema.follow_ups).where(notes_where).values(note=None)).rowcount
    n_declarations = conn.execute(
        update(schema.declarations).where(old, holding).values(**dict.fromkeys(PERSONAL_FIELDS))
    ).rowcount
    for kept in quarantined:
        conn.execute(
            update(schema.quarantined_rows).where(q.id == kept["id"]).values(raw=kept["raw"], reasons=kept["reasons"])
        )
    result = PurgeResult(
        declarations=int(n_declarations or 0),
        quarantined_rows=len(quarantined),
        warnings=int(n_warnings or 0),
        cutoff_day=cutoff_day,
        follow_up_notes=int(n_notes or 0),
    )
    audit.record(
        conn,
        "purge",
        username=by,
        details={
            "older_than_days": older_than_days,
            "cutoff_day": cutoff_day.isoformat(),
            "declarations": result.declarations,
            "quarantined_rows": result.quarantined_rows,
            "warnings": result.warnings,
            "follow_up_notes": result.follow_up_notes,
        },
        rows=result.declarations,
        at=now,
    )
    return result
