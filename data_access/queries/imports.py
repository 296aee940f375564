"""Nhập dữ liệu: the file imports with their counts, the quarantined rows (a page at a time, only their
recognised fields, personal ones masked) and the duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import pandas as pd
from sqlalchemy import (
    Connection,
    func,
    select,
)

from ..masking import quarantine_view
from ..store import schema


def batches(conn: Connection, limit: int = 50) -> pd.DataFrame:
    """The latest file imports with their counts, newest first."""
    b = schema.import_batches.c
    columns = [
        "id",
        "kind",
        "file_name",
        "created_by",
        "started_at",
        "finished_at",
        "status",
        "rows_in",
        "accepted",
        "duplicates",
        "quarantined",
        "warnings",
        "last_line",
    ]
    rows = conn.execute(
        select(*(b[k] for k in columns)).where(b.kind == "import").order_by(b.id.desc()).limit(limit)
    ).all()
    return pd.DataFrame(rows, columns=columns)


def _quarantine_stmt(batch_id: int | None):
    q, b = schema.quarantined_rows.c, schema.import_batches.c
    stmt = select(q.id, q.batch_id, b.file_name, q.line_number, q.reasons, q.raw).join_from(
        schema.quarantined_rows, schema.import_batches, b.id == q.batch_id
    )
    # Orders an index serves, so that a page is read without sorting the whole quarantine: one batch in
    # file order (batch_id, line_number), or all of them newest first (rows are stored in file order).
    if batch_id is None:
        return stmt.order_by(q.id.desc())
    return stmt.where(q.batch_id == batch_id).order_by(q.line_number)


def _has_reason_on(reasons: list[dict] | None, field: str | None) -> bool:
    return field is None or any(x.get("field") == field for x in reasons or [])


def quarantine(
    conn: Connection, *, batch_id: int | None = None, field: str | None = None, limit: int = 100, offset: int = 0
) -> pd.DataFrame:
    """One page of quarantined rows (newest first; one batch in file order): batch, file, line, reasons
    and the row's recognised fields as read, personal ones masked (:func:`masking.quarantine_view`).

    ``field`` keeps the rows with a reason on that field; ``offset`` skips that many matching rows.
    Columns the import did not recognise stay in the store (for the IT team's fix-and-reimport round
    trip from the original file) but never leave it: they may hold anything, personal data included.
    The values are the file's text, to be shown and exported as text only.
    """
    out = []
    stmt = _quarantine_stmt(batch_id)
    if field is None:
        stmt = stmt.limit(limit).offset(offset)
    skipped = 0
    # The reasons are JSON: the field filter is applied here, on a stream of rows.
    for r in conn.execute(stmt.execution_options(yield_per=1000)).mappings():
        if not _has_reason_on(r["reasons"], field):
            continue
        if field is not None and skipped < offset:
            skipped += 1
            continue
        out.append(
            {
                "id": r["id"],
                "batch_id": r["batch_id"],
                "file_name": r["file_name"],
                "line_number": r["line_number"],
                "reasons": r["reasons"] or [],
                "raw": quarantine_view(r["raw"] or {}),
            }
        )
        if len(out) >= limit:
            break
    return pd.DataFrame(out, columns=["id", "batch_id", "file_name", "line_number", "reasons", "raw"])


def quarantine_count(conn: Connection, *, batch_id: int | None = None, field: str | None = None) -> int:
    """How many quarantined rows :func:`quarantine` pages through with the same filters."""
    q = schema.quarantined_rows.c
    if field is None:
        stmt = select(func.count()).select_from(schema.quarantined_rows)
        return int(conn.execute(stmt if batch_id is None else stmt.where(q.batch_id == batch_id)).scalar() or 0)
    reasons_stmt = select(q.reasons) if batch_id is None else select(q.reasons).where(q.batch_id == batch_id)
    return sum(
        1
        for (reasons,) in cast(Iterable[Any], conn.execute(reasons_stmt.execution_options(yield_per=5000)))
        if _has_reason_on(reasons, field)
    )


def duplicates(conn: Connection, limit: int = 200) -> pd.DataFrame:
    """Rows skipped as duplicates (same declaration id already stored), newest batch first."""
    x, b = schema.duplicate_rows.c, schema.import_batches.c
    rows = (
        conn.execute(
            select(x.batch_id, b.file_name, x.line_number, x.declaration_id)
            .join_from(schema.duplicate_rows, schema.import_batches, b.id == x.batch_id)
            .order_by(x.batch_id.desc(), x.line_number)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    return pd.DataFrame([dict(r) for r in rows], columns=["batch_id", "file_name", "line_number", "declaration_id"])


def summary(conn: Connection) -> dict[str, int]:
    """Totals over every import: rows in, accepted, duplicates, quarantined, warnings."""
    b = schema.import_batches.c
    row = (
        conn.execute(
            select(
                *(
                    func.coalesce(func.sum(b[k]), 0).label(k)
                    for k in ("rows_in", "accepted", "duplicates", "quarantined", "warnings")
                )
            ).where(b.kind == "import")
        )
        .mappings()
        .one()
    )
    return {k: int(v) for k, v in row.items()}
