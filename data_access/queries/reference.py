"""The reference data the pages read: the checkpoints, the provinces, and how far back the data goes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import (
    Connection,
    func,
    select,
)

from ..store import schema
from ..store.schema import (
    crossing_hourly,
)


def checkpoint_table(conn: Connection) -> pd.DataFrame:
    """The checkpoints (reference data): id, code, name, road, links, lat, lon, wifi_opened_on."""
    cp = schema.checkpoints.c
    stmt = (
        select(cp.id, cp.code, cp.name, cp.road, cp.links, cp.lat, cp.lon, cp.wifi_opened_on)
        .where(cp.active.is_(True))
        .order_by(cp.id)
    )
    return pd.DataFrame(
        conn.execute(stmt).all(), columns=["id", "code", "name", "road", "links", "lat", "lon", "wifi_opened_on"]
    )


def first_declaration_day(conn: Connection) -> dt.date | None:
    """The local day of the oldest stored declaration (from the hourly rollup's key), or None."""
    day = conn.execute(select(func.min(crossing_hourly.c.local_day))).scalar()
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def has_declarations(conn: Connection) -> bool:
    """Whether the store holds any declaration (one index probe)."""
    return conn.execute(select(schema.declarations.c.id).limit(1)).first() is not None


def provinces(conn: Connection) -> dict[str, str]:
    """Province code → name, by name (for choosing a hot zone's province)."""
    p = schema.provinces.c
    return dict(conn.execute(select(p.code, p.name).order_by(p.name)).all())
