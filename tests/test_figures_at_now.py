"""One notion of now: every figure counts the declarations stamped before the page run's ``now``, and
nothing stamped after it. A declaration stamped one second ahead (a phone whose clock runs fast; the
import accepts up to 10 minutes ahead) is absent from every figure at ``now`` and present in every
figure two seconds later, on both backends."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select, update

from data_access.queries import (
    adoption,
    high_risk,
    live_map,
    overview,
    quality,
    traffic,
)
from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.timeutil import LOCAL_TZ, local_today, to_store
from tests.support import declaration

NOW = to_store(dt.datetime(2026, 11, 20, 15, 30, 0, tzinfo=LOCAL_TZ))
LATER = NOW + dt.timedelta(seconds=2)
TODAY = local_today(NOW)
WEEK = TODAY - dt.timedelta(days=6)


def _figures(ids: dict[str, int]):
    """Every figure function of the pages, called at a given now (the committee filters: the week to today)."""
    days = (WEEK, TODAY)
    return {
        "today_vs_yesterday": lambda c, now: overview.today_vs_yesterday(c, now),
        "daily_trend": lambda c, now: overview.daily_trend(c, TODAY, now=now, days=7),
        "latest_declaration_at": lambda c, now: overview.latest_declaration_at(c, now),
        "checkpoint_live_status": lambda c, now: live_map.checkpoint_live_status(c, now, silent_after_minutes=30),
        "origins_today": lambda c, now: live_map.origins_today(c, now),
        "crossings_by_hour": lambda c, now: traffic.crossings_by_hour(c, *days, now=now),
        "crossings_by_day": lambda c, now: traffic.crossings_by_day(c, *days, now=now),
        "crossings_by_vehicle": lambda c, now: traffic.crossings_by_vehicle(c, *days, now=now),
        "people_and_vehicles_by_day": lambda c, now: traffic.people_and_vehicles_by_day(c, *days, now=now),
        "peak_hours": lambda c, now: traffic.peak_hours(c, *days, now=now),
        "risk_levels_by_day": lambda c, now: high_risk.risk_levels_by_day(c, *days, now=now),
        "high_risk_reasons_by_day": lambda c, now: high_risk.high_risk_reasons_by_day(c, *days, now=now),
        "high_risk_origins": lambda c, now: high_risk.high_risk_origins(c, *days, now=now),
        "high_risk_surge": lambda c, now: high_risk.high_risk_surge(c, now),
        "adoption_by_day": lambda c, now: adoption.adoption_by_day(c, *days, now=now),
        "adoption_by_checkpoint": lambda c, now: adoption.adoption_by_checkpoint(c, *days, now=now),
        "free_wifi_since_opening": lambda c, now: adoption.free_wifi_since_opening(c, now=now),
        "channel_mix": lambda c, now: adoption.channel_mix(c, *days, now=now),
        "freshness": lambda c, now: quality.freshness(c, now),
        "hourly_vs_last_week": lambda c, now: quality.hourly_vs_last_week(c, now),
        "fill_shares": lambda c, now: quality.fill_shares(c, *days, now=now),
        # filtered like a committee page: Tân Đệ, arrivals
        "crossings_by_day_filtered": lambda c, now: traffic.crossings_by_day(
            c, *days, now=now, checkpoint_ids=[ids["TAN_DE"]], directions=("in",)
        ),
        "high_risk_origins_filtered": lambda c, now: high_risk.high_risk_origins(
            c, *days, now=now, checkpoint_ids=[ids["TAN_DE"]], directions=("in",)
        ),
    }


def _same(a, b) -> bool:
    if isinstance(a, pd.DataFrame):
        return a.reset_index(drop=True).equals(b.reset_index(drop=True))
    return a == b


@pytest.fixture
def ids(engine):
    with engine.begin() as conn:
        ids = {code: cid for cid, code in conn.execute(select(schema.checkpoints.c.id, schema.checkpoints.c.code))}
        conn.execute(update(schema.checkpoints).values(wifi_opened_on=WEEK))
        base = []
        for back in range(7):
            for minutes in range(0, 600, 37):  # a few crossings every day before this time of day
                at = (NOW - dt.timedelta(days=back, minutes=minutes)).replace(tzinfo=dt.UTC)
                base.append(
                    declaration(
                        ids["TAN_DE" if minutes % 2 else "THAI_HA"],
                        at,
                        direction="in" if minutes % 3 else "out",
                        plate=f"17B-{minutes:04d}",
                    )
                )
        # the current hour the busiest so far, so that it is among the peak hours
        base += [
            declaration(ids["THAI_HA"], (NOW - dt.timedelta(minutes=m)).replace(tzinfo=dt.UTC)) for m in range(1, 8)
        ]
        write_declarations(conn, base, HotZoneIndex([]))
    return ids


def test_a_declaration_ahead_of_now_counts_from_the_moment_it_is_stamped(engine, ids):
    figures = _figures(ids)
    with engine.connect() as conn:
        before = {name: (f(conn, NOW), f(conn, LATER)) for name, f in figures.items()}
    ahead = NOW + dt.timedelta(seconds=1)
    with engine.begin() as conn:
        # High risk for every reason, electronic, free Wi-Fi, with a plate and a vehicle: every figure has
        # something to count in it.
        write_declarations(
            conn,
            [
                declaration(
                    ids["TAN_DE"],
                    ahead.replace(tzinfo=dt.UTC),
                    direction="in",
                    channel="bluezone",
                    vehicle="car",
                    plate="30A-99999",
                    contact_f0=True,
                    visited_hotzone=True,
                    fever=True,
                    used_free_wifi=True,
                    bluezone_installed=True,
                    origin_province_code="01",
                )
            ],
            HotZoneIndex([]),
        )
    with engine.connect() as conn:
        for name, f in figures.items():
            at_now, later = f(conn, NOW), f(conn, LATER)
            assert _same(at_now, before[name][0]), f"{name}: counted a declaration stamped after now"
            assert not _same(later, before[name][1]), f"{name}: missed a declaration once its time had passed"
