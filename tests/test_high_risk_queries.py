"""The high-risk page's figures (data_access/queries/high_risk.py), each reconciled with a direct count
over the raw rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data_access.queries import high_risk
from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.timeutil import local_midnight_utc
from tests.committee_store import (
    ANY_SYMPTOM,
    DAY,
    FILTERS,
    NOW,
    NOW_LOCAL,
    TODAY,
    count,
    d,
    days_window,
    filter_args,
    local,
    scope,
    window,
)
from tests.support import declaration


@pytest.mark.parametrize("spec", FILTERS)
def test_risk_figures_reconcile(store, spec):
    engine, ids = store
    first, last, where = filter_args(ids, spec)
    conds = scope(where["checkpoint_ids"], where["directions"])
    with engine.connect() as conn:
        levels = high_risk.risk_levels_by_day(conn, first, last, **where)
        reasons = high_risk.high_risk_reasons_by_day(conn, first, last, **where)
        for row in levels.itertuples():
            base = [days_window(row.local_day, row.local_day), d.checkpoint_id == row.checkpoint_id, *conds]
            for level in ("high", "medium", "low"):
                assert getattr(row, f"risk_{level}") == count(conn, *base, d.risk_level == level)
        for row in reasons.itertuples():
            base = [days_window(row.local_day, row.local_day), d.checkpoint_id == row.checkpoint_id, *conds]
            assert row.reason_contact_f0 == count(conn, *base, d.contact_f0)
            assert row.reason_hotzone_origin == count(conn, *base, d.origin_in_hotzone)
            assert row.reason_symptom_travel == count(conn, *base, ANY_SYMPTOM, d.visited_hotzone)
        assert levels["risk_high"].sum() == count(conn, days_window(first, last), d.risk_level == "high", *conds)

        origins = high_risk.high_risk_origins(conn, first, last, **where, limit=50)
        expected = dict(
            conn.execute(
                select(d.origin_province_code, func.count())
                .where(days_window(first, last), d.risk_level == "high", *conds)
                .group_by(d.origin_province_code)
            ).all()
        )
        assert dict(zip(origins["province_code"], origins["high_risk"], strict=False)) == expected
        for row in origins.itertuples():
            base = [days_window(first, last), d.origin_province_code == row.province_code, *conds]
            assert row.crossings == count(conn, *base)
            assert row.from_hotzone == count(conn, *base, d.origin_in_hotzone)


@pytest.mark.parametrize(
    ("today", "previous", "flag"),
    [
        (30, [20] * 7, True),  # +50% and +10 exactly
        (29, [20] * 7, False),  # +45%
        (14, [4] * 7, True),  # +10 exactly, far above +50%
        (13, [4] * 7, False),  # +9
        (45, [30] * 7, True),  # +50% exactly, +15
        (44, [30] * 7, False),  # +14 but under +50%
        (10, [0] * 7, True),
        (9, [0] * 7, False),
        (12, [1, 1, 1, 1, 1, 1, 2], True),  # average 8/7: +10.86
        (11, [1, 1, 1, 1, 1, 1, 2], False),  # +9.86
    ],
)
def test_surge_rule_thresholds(today, previous, flag):
    assert high_risk.is_surge(today, previous) is flag


def test_high_risk_surge_reconciles(store):
    engine, ids = store
    elapsed = NOW - local_midnight_utc(TODAY)
    with engine.connect() as conn:
        for chosen in (None, [ids["TAN_DE"]]):
            surge = high_risk.high_risk_surge(conn, NOW, checkpoint_ids=chosen)
            counts = []
            for back in range(8):
                start = local_midnight_utc(TODAY - back * DAY)
                counts.append(count(conn, window(start, start + elapsed), d.risk_level == "high", *scope(chosen, None)))
            assert surge.today == counts[0]
            assert surge.previous == tuple(counts[1:])
            assert surge.flag is high_risk.is_surge(counts[0], counts[1:])


@pytest.mark.parametrize(("today_high", "flag"), [(12, True), (11, False)])
def test_high_risk_surge_flags_a_real_surge(engine, today_high, flag):
    """Two high-risk arrivals before this time on each of the 7 previous days; today 12 is a surge (+10,
    ×6), 11 is not (+9). Arrivals at this very second on the previous days are outside the window."""
    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id)).scalars().first()
        rows = []
        for back in range(1, 8):
            same_time = NOW_LOCAL - back * DAY
            rows += [
                declaration(cid, same_time - dt.timedelta(seconds=1), contact_f0=True),
                declaration(cid, local(same_time.date()), contact_f0=True),
                declaration(cid, same_time, contact_f0=True),
            ]
        rows += [declaration(cid, local(TODAY) + dt.timedelta(minutes=m), contact_f0=True) for m in range(today_high)]
        rows.append(declaration(cid, NOW_LOCAL, contact_f0=True))  # at now: not yet counted
        write_declarations(conn, rows, HotZoneIndex([]))
    with engine.connect() as conn:
        surge = high_risk.high_risk_surge(conn, NOW)
    assert surge.previous == (2,) * 7
    assert surge.today == today_high
    assert surge.flag is flag
