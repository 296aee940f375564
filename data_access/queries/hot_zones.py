"""Vùng dịch: the hot-zone list with each zone's province and state, and its change log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Connection,
    select,
)

from ..store import schema


def list_zones(conn: Connection, on: dt.date | None = None) -> list[dict]:
    """Every zone with its province name and whether it is active on local date ``on`` (if given)."""
    hz, p = schema.hot_zones.c, schema.provinces.c
    rows = conn.execute(
        select(
            hz.id,
            hz.province_code,
            p.name.label("province_name"),
            hz.district_name,
            hz.label,
            hz.valid_from,
            hz.valid_to,
            hz.created_by,
            hz.created_at,
        )
        .join_from(schema.hot_zones, schema.provinces, hz.province_code == p.code)
        .order_by(hz.valid_from.desc(), hz.id)
    ).mappings()
    out = []
    for r in rows:
        item = dict(r)
        if on is not None:
            item["active"] = r["valid_from"] <= on and (r["valid_to"] is None or on <= r["valid_to"])
        out.append(item)
    return out


def recent_changes(conn: Connection, limit: int = 50) -> list[dict]:
    """The latest hot-zone changes: when, who, action, zone, how many declarations re-classified."""
    c = schema.hot_zone_changes.c
    return [
        dict(r)
        for r in conn.execute(
            select(c.changed_at, c.changed_by, c.action, c.zone_id, c.before, c.after, c.reclassified)
            .order_by(c.id.desc())
            .limit(limit)
        ).mappings()
    ]
