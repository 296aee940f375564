"""Nguy cơ cao: risk levels and reasons by day and checkpoint, the origins of high-risk travellers,
and the surge rule. Day ranges are inclusive local days, counted up to the page run's ``now``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
from sqlalchemy import (
    Connection,
    select,
)

from ..store import schema
from ..store.schema import (
    origin_hourly,
)
from ..timeutil import local_midnight_utc, local_today
from ._core import Dirs, Ids, day_sums, days_before_now, windows_totals

#: High-risk reasons (rollup measures); one traveller may have several.
REASONS = ("reason_contact_f0", "reason_hotzone_origin", "reason_symptom_travel")


#: The surge rule: today's high-risk count up to this hour against the same hours of the
#: previous ``SURGE_BASELINE_DAYS`` days.
SURGE_BASELINE_DAYS = 7


SURGE_MIN_EXCESS = 10


SURGE_RATIO = Fraction(3, 2)


def risk_levels_by_day(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """Crossings per risk level, local day and checkpoint: local_day, checkpoint_id, risk_high, risk_medium,
    risk_low."""
    return day_sums(
        conn,
        first_day,
        last_day,
        now,
        measures=("risk_high", "risk_medium", "risk_low"),
        by=("local_day", "checkpoint_id"),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
    )


def high_risk_reasons_by_day(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
) -> pd.DataFrame:
    """High-risk reasons per local day and checkpoint: local_day, checkpoint_id, reason_contact_f0,
    reason_hotzone_origin, reason_symptom_travel (each counted on its own: one traveller may have several)."""
    return day_sums(
        conn,
        first_day,
        last_day,
        now,
        measures=REASONS,
        by=("local_day", "checkpoint_id"),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
    )


def high_risk_origins(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    checkpoint_ids: Ids = None,
    directions: Dirs = None,
    limit: int = 15,
) -> pd.DataFrame:
    """The origin provinces behind the high-risk crossings up to ``now``, most first: province_code,
    province, high_risk, crossings (all crossings from there), from_hotzone."""
    measures = ("risk_high", "crossings", "origin_in_hotzone")
    totals = days_before_now(
        conn,
        first_day,
        last_day,
        now,
        measures=measures,
        by=("origin_province_code",),
        checkpoint_ids=checkpoint_ids,
        directions=directions,
        rollup=origin_hourly,
    )
    # Names are joined after grouping: at most 63 provinces, where joining first touched every row.
    p = schema.provinces.c
    names: dict[str, str] = dict(conn.execute(select(p.code, p.name)).all())
    rows = sorted(
        ((code, names.get(code, code), *values) for (code,), values in totals.items() if values[0] > 0),
        key=lambda r: (-r[2], r[0]),
    )[:limit]
    frame = pd.DataFrame(rows, columns=["province_code", "province", "high_risk", "crossings", "from_hotzone"])
    return frame.astype({m: "int64" for m in ("high_risk", "crossings", "from_hotzone")})


@dataclass(frozen=True)
class Surge:
    """Today's high-risk count up to now against the same hours of the previous days."""

    today: int
    previous: tuple[int, ...]  # yesterday first
    flag: bool

    @property
    def baseline(self) -> float:
        """The average of the previous days' counts over the same hours."""
        return sum(self.previous) / len(self.previous) if self.previous else 0.0


def is_surge(today: int, previous: Sequence[int], *, min_excess: int = SURGE_MIN_EXCESS) -> bool:
    """The surge rule: ``today`` exceeds the average of ``previous`` by 50% and by at least ``min_excess``
    (10 for the province's day).

    "By 50%" is reached at exactly 1.5 × the average, "by at least 10" at exactly average + 10. Exact
    fractions (the average is rarely whole) so that the thresholds are exact.
    """
    average = Fraction(sum(previous), len(previous)) if previous else Fraction(0)
    return today >= SURGE_RATIO * average and today - average >= min_excess


def high_risk_surge(conn: Connection, now: dt.datetime, *, checkpoint_ids: Ids = None) -> Surge:
    """High-risk crossings from local midnight to ``now``, today and on each of the previous 7 days over the
    same hours (to the second), and the surge flag of :func:`is_surge`."""
    today = local_today(now)
    elapsed = now - local_midnight_utc(today)
    starts = [local_midnight_utc(today - dt.timedelta(days=k)) for k in range(SURGE_BASELINE_DAYS + 1)]
    found = windows_totals(
        conn,
        [(start, start + elapsed) for start in starts],
        measures=("risk_high",),
        by=(),
        checkpoint_ids=checkpoint_ids,
    )
    counts = [sum(values[0] for values in totals.values()) for totals in found]
    return Surge(counts[0], tuple(counts[1:]), is_surge(counts[0], counts[1:]))
