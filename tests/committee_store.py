"""The store the committee pages' query tests share: rows on every filter's edges (local midnight,
the hour, `now` and after it), and direct counts over them to reconcile each figure with."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import and_, func, or_, select, update

from data_access.domain import CHANNELS, SYMPTOMS, VEHICLES
from data_access.risk import HotZone, HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.store.schema import declarations
from data_access.timeutil import LOCAL_TZ, local_midnight_utc, to_store
from tests.support import declaration

NOW_LOCAL = dt.datetime(2026, 11, 20, 14, 25, 30, tzinfo=LOCAL_TZ)
NOW = to_store(NOW_LOCAL)
TODAY = NOW_LOCAL.date()
DAY = dt.timedelta(days=1)
ZONES = [
    HotZone(province_code="24", label="Chỉ thị 16", valid_from=TODAY - 30 * DAY),
    HotZone(province_code="79", label="Phong tỏa", valid_from=TODAY - 12 * DAY, district_name="Gò Vấp"),
    HotZone(province_code="27", label="Chỉ thị 15", valid_from=TODAY - 30 * DAY, valid_to=TODAY - 5 * DAY),
]
ORIGINS = [("36", None), ("01", None), ("24", None), ("79", "Gò Vấp"), ("79", "Quận 1"), ("27", None), ("35", None)]
PLATES = [f"17B1-{n:05d}" for n in range(6)]
d = declarations.c


def local(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LOCAL_TZ)


def random_row(rng: random.Random, checkpoint_id: int, at: dt.datetime, **overrides) -> dict:
    origin, district = rng.choice(ORIGINS)
    values = dict(
        direction=rng.choice(("in", "out")),
        channel=rng.choice(CHANNELS),
        vehicle=rng.choice((*VEHICLES, None)),
        plate=rng.choice((*PLATES, None, None)),
        origin_province_code=origin,
        origin_district=district,
        contact_f0=rng.random() < 0.08,
        visited_hotzone=rng.random() < 0.2,
        fever=rng.random() < 0.1,
        cough=rng.random() < 0.1,
        bluezone_installed=rng.random() < 0.4,
        used_free_wifi=rng.random() < 0.3,
    )
    values.update(overrides)
    return declaration(checkpoint_id, at, **values)


def build_rows(ids: dict[str, int]) -> list[dict]:
    """Ten local days of declarations ending at NOW, with the edge rows."""
    rng = random.Random(20211)
    rows = []
    for back in range(10, -1, -1):
        day = TODAY - back * DAY
        for _ in range(45):
            code = rng.choice(list(ids))
            at = local(day) + dt.timedelta(seconds=rng.randrange(86400))
            if day == TODAY:
                # TRIEU_DUONG falls silent 40 minutes before now: the map must show it grey.
                limit = NOW_LOCAL - dt.timedelta(minutes=40 if code == "TRIEU_DUONG" else 0)
                if at >= limit:
                    continue
            rows.append(random_row(rng, ids[code], at))
        # Local midnight: the last second of the previous day and the first of this one.
        for code in ids:
            rows.append(random_row(rng, ids[code], local(day) - dt.timedelta(seconds=1)))
            rows.append(random_row(rng, ids[code], local(day)))
    hour_ago = NOW_LOCAL - dt.timedelta(hours=1)
    for code in ("TAN_DE", "THAI_HA"):
        rows.append(random_row(rng, ids[code], hour_ago, contact_f0=True))  # in the last hour
        rows.append(random_row(rng, ids[code], hour_ago - dt.timedelta(seconds=1), contact_f0=True))  # not
        rows.append(random_row(rng, ids[code], NOW_LOCAL - dt.timedelta(seconds=1), direction="in"))
        rows.append(random_row(rng, ids[code], NOW_LOCAL + dt.timedelta(minutes=5)))  # after now
    # The same second as now on previous days: the surge window [midnight, midnight + elapsed) excludes it.
    for back in range(1, 8):
        rows.append(random_row(rng, ids["TAN_DE"], NOW_LOCAL - back * DAY, contact_f0=True))
    return rows


@pytest.fixture
def store(engine):
    """The engine with the declarations of :func:`build_rows`, the hot zones, and Wi-Fi opening days."""
    with engine.begin() as conn:
        ids = {code: cid for cid, code in conn.execute(select(schema.checkpoints.c.id, schema.checkpoints.c.code))}
        conn.execute(
            schema.hot_zones.insert(),
            [
                dict(
                    province_code=z.province_code,
                    district_name=z.district_name,
                    label=z.label,
                    valid_from=z.valid_from,
                    valid_to=z.valid_to,
                    created_at=NOW,
                )
                for z in ZONES
            ],
        )
        for code, opened in (("TAN_DE", TODAY - 3 * DAY), ("THAI_HA", None), ("TRIEU_DUONG", TODAY)):
            conn.execute(
                update(schema.checkpoints).where(schema.checkpoints.c.code == code).values(wifi_opened_on=opened)
            )
        written = write_declarations(conn, build_rows(ids), HotZoneIndex(ZONES))
        assert len(written.ids) > 400
    return engine, ids


def count(conn, *conditions) -> int:
    """A direct count over the declarations."""
    return conn.execute(select(func.count()).select_from(declarations).where(*conditions)).scalar()


def window(lo: dt.datetime, hi: dt.datetime):
    return and_(d.declared_at >= lo, d.declared_at < hi)


def days_window(first: dt.date, last: dt.date, now: dt.datetime = NOW):
    """The declarations of local days [first, last] that a figure at ``now`` counts: stamped before now."""
    return window(local_midnight_utc(first), min(local_midnight_utc(last + DAY), now))


def scope(ids: list[int] | None, directions: tuple[str, ...] | None) -> list:
    conds = []
    if ids is not None:
        conds.append(d.checkpoint_id.in_(ids))
    if directions is not None:
        conds.append(d.direction.in_(directions))
    return conds


ANY_SYMPTOM = or_(*(d[s] for s in SYMPTOMS))
FILTERS = [  # (days back to first, days back to last, checkpoint codes, directions)
    (0, 0, None, None),
    (6, 1, None, None),
    (10, 0, ("TAN_DE", "TRIEU_DUONG"), ("in",)),
    (1, 1, ("THAI_HA",), ("out",)),
]


def filter_args(ids: dict[str, int], spec):
    back_first, back_last, codes, directions = spec
    first, last = TODAY - back_first * DAY, TODAY - back_last * DAY
    chosen = None if codes is None else [ids[c] for c in codes]
    return first, last, dict(checkpoint_ids=chosen, directions=directions, now=NOW)


# --- live map -----------------------------------------------------------------------------------
