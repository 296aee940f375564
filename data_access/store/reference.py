"""The store's reference data: checkpoints, provinces and districts seeded at creation, the checkpoints'
free Wi-Fi opening days, and the hot zones the risk rule reads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select, update

from ..risk import HotZone
from . import reference_data, schema


def seed_reference_data(conn: Connection) -> None:
    """Insert the reference rows (checkpoints, provinces, districts) that are missing.

    Existing rows are left alone: the IT team may have corrected coordinates or names.
    """
    existing: set[str] = set(conn.execute(select(schema.provinces.c.code)).scalars())
    rows = [
        dict(code=c, name=n, kind=k, lat=la, lon=lo)
        for c, n, k, la, lo in reference_data.PROVINCES
        if c not in existing
    ]
    if rows:
        conn.execute(schema.provinces.insert(), rows)
    existing = set(conn.execute(select(schema.districts.c.code)).scalars())
    rows = [
        dict(code=c, province_code=reference_data.THAI_BINH_PROVINCE_CODE, name=n, kind=k, lat=la, lon=lo)
        for c, n, k, la, lo in reference_data.THAI_BINH_DISTRICTS
        if c not in existing
    ]
    if rows:
        conn.execute(schema.districts.insert(), rows)
    existing = set(conn.execute(select(schema.checkpoints.c.code)).scalars())
    rows = [dict(cp) for cp in reference_data.CHECKPOINTS if cp["code"] not in existing]
    if rows:
        conn.execute(schema.checkpoints.insert(), rows)


#: The earliest day a checkpoint's free Wi-Fi can have opened: the checkpoints date from June 2021.
WIFI_EARLIEST = dt.date(2021, 6, 1)


def set_wifi_opened_on(conn: Connection, checkpoint_id: int, day: dt.date | None, today: dt.date) -> None:
    """Record when a checkpoint's free Wi-Fi opened (None: it has none). Raises ValueError for a day
    before June 2021 or after ``today``."""
    if day is not None and not WIFI_EARLIEST <= day <= today:
        raise ValueError(f"wifi_opened_on {day} outside {WIFI_EARLIEST}..{today}")
    conn.execute(update(schema.checkpoints).where(schema.checkpoints.c.id == checkpoint_id).values(wifi_opened_on=day))


def load_hot_zones(conn: Connection) -> list[HotZone]:
    """Every hot zone in the store."""
    hz = schema.hot_zones.c
    return [
        HotZone(
            id=r.id,
            province_code=r.province_code,
            district_name=r.district_name,
            label=r.label,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
        )
        for r in conn.execute(
            select(hz.id, hz.province_code, hz.district_name, hz.label, hz.valid_from, hz.valid_to).order_by(hz.id)
        )
    ]
