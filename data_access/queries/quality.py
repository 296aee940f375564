"""Chất lượng dữ liệu: freshness per checkpoint, declarations per hour against last week, warnings,
quarantine reasons, the share of optional fields filled; and :func:`report`, the same figures for
``python -m data_access quality [--json]``. Personal values leave here masked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    func,
    select,
)

from ..domain import PERSONAL_FIELDS
from ..masking import mask
from ..settings import get_settings
from ..store import schema
from ..store.schema import (
    OPTIONAL_FIELDS,
    declarations,
    quality_daily,
)
from ..timeutil import floor_hour, local_day_hour, local_today
from ._core import days_before_now, totals_frame, window_counts
from .imports import batches, summary
from .live_map import STATE_SILENT, checkpoint_state

#: Below this many crossings in the same hour last week, an hour is too quiet to judge a drop.
MIN_BASELINE = 5


_PERSONAL_FIELDS = set(PERSONAL_FIELDS)


def freshness(conn: Connection, now: dt.datetime) -> pd.DataFrame:
    """Per active checkpoint: last declaration up to ``now`` (naive UTC), minutes since, and whether
    it is silent (the map's rule, :func:`live_map.checkpoint_state`)."""
    c, d = schema.checkpoints.c, declarations.c
    # One index probe per checkpoint for its newest row up to now (a row stamped ahead of now must
    # not make a checkpoint look alive).
    newest = select(func.max(d.declared_at)).where(d.checkpoint_id == c.id, d.declared_at <= now).scalar_subquery()
    rows = (
        conn.execute(
            select(c.id.label("checkpoint_id"), c.code, c.name, newest.label("last_at")).where(c.active).order_by(c.id)
        )
        .mappings()
        .all()
    )
    limit = get_settings().silent_after_minutes
    out = []
    for r in rows:
        minutes = None if r["last_at"] is None else max((now - r["last_at"]).total_seconds() / 60, 0.0)
        silent = checkpoint_state(r["last_at"], now, limit) == STATE_SILENT
        out.append({**r, "minutes_since": minutes, "silent": silent})
    return pd.DataFrame(out, columns=["checkpoint_id", "code", "name", "last_at", "minutes_since", "silent"])


def hourly_vs_last_week(conn: Connection, now: dt.datetime, hours: int = 24) -> pd.DataFrame:
    """Declarations per local hour over the last ``hours`` hours (the current one up to ``now``) against
    the same hour a week before (its current hour up to the same minute). ``drop`` flags a complete
    hour below ``quality_drop_share`` of last week's (with at least :data:`MIN_BASELINE` then): near
    zero means an outage."""
    current = floor_hour(now)
    first = current - dt.timedelta(hours=hours - 1)
    week = dt.timedelta(days=7)
    by = ("local_day", "local_hour")

    def per_hour(lo: dt.datetime, hi: dt.datetime) -> dict[tuple, int]:
        counts = window_counts(conn, lo, hi, measures=("crossings",), by=by)
        return {(pd.Timestamp(day).date(), int(hour)): int(n) for day, hour, n in counts.itertuples(index=False)}

    this = per_hour(first, now)
    last = per_hour(first - week, now - week)
    share = get_settings().quality_drop_share
    out = []
    for i in range(hours):
        start = first + dt.timedelta(hours=i)
        n = this.get(local_day_hour(start), 0)
        before = last.get(local_day_hour(start - week), 0)
        partial = start == current
        out.append(
            {
                "hour_start": start,
                "crossings": n,
                "last_week": before,
                "partial": partial,
                "drop": (not partial) and before >= MIN_BASELINE and n < share * before,
            }
        )
    return pd.DataFrame(out, columns=["hour_start", "crossings", "last_week", "partial", "drop"])


def quarantine_reasons(conn: Connection) -> pd.DataFrame:
    """How many quarantined rows have a reason on each required field, by code (missing/invalid/future)."""
    counts: dict[tuple[str, str], int] = {}
    result: Iterable[Any] = conn.execute(select(schema.quarantined_rows.c.reasons).execution_options(yield_per=5000))
    for (reasons,) in result:
        for reason in reasons or []:
            key = (reason.get("field", "?"), reason.get("code", "?"))
            counts[key] = counts.get(key, 0) + 1
    rows = [{"field": f, "code": c, "rows": n} for (f, c), n in sorted(counts.items(), key=lambda kv: -kv[1])]
    return pd.DataFrame(rows, columns=["field", "code", "rows"])


def warnings_by_field(conn: Connection) -> pd.DataFrame:
    """Warnings (invalid optional values, stored empty) per field and code, with one example raw value
    (masked for personal fields)."""
    w = schema.import_warnings.c
    rows = (
        conn.execute(
            select(w.field, w.code, func.count().label("rows"), func.max(w.raw_value).label("example"))
            .group_by(w.field, w.code)
            .order_by(func.count().desc())
        )
        .mappings()
        .all()
    )
    out = [{**r, "example": mask(r["example"]) if r["field"] in _PERSONAL_FIELDS else r["example"]} for r in rows]
    return pd.DataFrame(out, columns=["field", "code", "rows", "example"])


def fill_shares(conn: Connection, first_day: dt.date, last_day: dt.date, *, now: dt.datetime) -> pd.DataFrame:
    """Per checkpoint and channel over local days [first_day, last_day] up to ``now``: crossings and,
    for each optional field, the share of declarations with it filled (from ``quality_daily``)."""
    measures = ("crossings", *(f"filled_{f}" for f in OPTIONAL_FIELDS))
    totals = days_before_now(
        conn, first_day, last_day, now, measures=measures, by=("checkpoint_id", "channel"), rollup=quality_daily
    )
    frame = totals_frame(totals, ("checkpoint_id", "channel"), measures)
    frame = frame.rename(columns={f"filled_{f}": f for f in OPTIONAL_FIELDS})
    for f in OPTIONAL_FIELDS:
        frame[f] = [
            int(n) / int(total) if total else None for n, total in zip(frame[f], frame["crossings"], strict=True)
        ]
    frame["crossings"] = frame["crossings"].astype(int)
    return frame


def report(conn: Connection, now: dt.datetime, days: int = 7) -> dict:
    """The whole report as JSON-ready data (``python -m data_access quality --json``)."""

    def records(frame: pd.DataFrame) -> list[dict]:
        out = []
        for row in frame.to_dict("records"):
            out.append(
                {
                    k: (
                        v.isoformat()
                        if isinstance(v, (dt.datetime, dt.date))
                        else None
                        if isinstance(v, float) and v != v
                        else v
                    )
                    for k, v in row.items()
                }
            )
        return out

    today = local_today(now)
    return {
        "generated_at": now.isoformat() + "Z",
        "imports_total": summary(conn),
        "freshness": records(freshness(conn, now)),
        "hourly_vs_last_week": records(hourly_vs_last_week(conn, now)),
        "imports": records(batches(conn, limit=20)),
        "quarantine_reasons": records(quarantine_reasons(conn)),
        "warnings_by_field": records(warnings_by_field(conn)),
        "duplicates": int(conn.execute(select(func.count()).select_from(schema.duplicate_rows)).scalar() or 0),
        "fill_shares": {
            "first_day": (today - dt.timedelta(days=days - 1)).isoformat(),
            "last_day": today.isoformat(),
            "rows": records(fill_shares(conn, today - dt.timedelta(days=days - 1), today, now=now)),
        },
    }
