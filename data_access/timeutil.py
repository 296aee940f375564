"""Local time (Asia/Ho_Chi_Minh) and UTC conversions used across the store.

The store keeps naive UTC datetimes; everything a person sees is a local day or hour.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .settings import LOCAL_TZ_NAME

LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)
UTC = dt.UTC


def now_utc() -> dt.datetime:
    """The current time as a naive UTC datetime (the store's convention)."""
    return dt.datetime.now(UTC).replace(tzinfo=None)


def to_store(ts: dt.datetime) -> dt.datetime:
    """An aware datetime (or naive UTC) as the store's naive UTC value, to the microsecond."""
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


def to_local(ts_utc: dt.datetime) -> dt.datetime:
    """A naive UTC datetime as an aware local datetime."""
    return ts_utc.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def local_day_hour(ts_utc: dt.datetime) -> tuple[dt.date, int]:
    """The local day and hour (0..23) of a naive UTC datetime."""
    local = to_local(ts_utc)
    return local.date(), local.hour


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's local date (``now`` is naive UTC)."""
    return to_local(now or now_utc()).date()


def local_midnight_utc(day: dt.date) -> dt.datetime:
    """The naive UTC instant at which local ``day`` begins."""
    return to_store(dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ))


def floor_hour(ts: dt.datetime) -> dt.datetime:
    """``ts`` truncated to the hour."""
    return ts.replace(minute=0, second=0, microsecond=0)
