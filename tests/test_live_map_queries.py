"""The live map's figures (data_access/queries/live_map.py), each reconciled with a direct count
over the raw rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from data_access.queries import live_map
from data_access.timeutil import local_midnight_utc
from tests.committee_store import (
    NOW,
    TODAY,
    count,
    d,
    scope,
    window,
)


def test_checkpoint_state_thresholds():
    silent_after = 30
    just_before = NOW - dt.timedelta(minutes=30) + dt.timedelta(seconds=1)
    assert live_map.checkpoint_state(just_before, NOW, silent_after) == live_map.STATE_NORMAL
    assert live_map.checkpoint_state(just_before, NOW, silent_after, attention=True) == live_map.STATE_ATTENTION
    # silent at 30 minutes exactly, on the map and on the data-quality page alike
    assert (
        live_map.checkpoint_state(NOW - dt.timedelta(minutes=30), NOW, silent_after, attention=True)
        == live_map.STATE_SILENT
    )
    assert live_map.checkpoint_state(None, NOW, silent_after) == live_map.STATE_SILENT


def test_checkpoint_live_status_reconciles(store):
    engine, ids = store
    midnight = local_midnight_utc(TODAY)
    with engine.connect() as conn:
        status = live_map.checkpoint_live_status(conn, NOW, silent_after_minutes=30)
        assert sorted(status["code"]) == sorted(ids)
        for row in status.itertuples():
            cid = d.checkpoint_id == row.id
            last_hour = window(NOW - dt.timedelta(hours=1), NOW)
            today = window(midnight, NOW)
            assert row.last_hour == count(conn, cid, last_hour)
            assert row.last_hour_high_risk == count(conn, cid, last_hour, d.risk_level == "high")
            assert row.today_in == count(conn, cid, today, d.direction == "in")
            assert row.today_out == count(conn, cid, today, d.direction == "out")
            assert row.today_crossings == row.today_in + row.today_out
            assert row.today_high_risk == count(conn, cid, today, d.risk_level == "high")
            assert row.today_electronic == count(conn, cid, today, d.channel != "paper")
            assert row.today_free_wifi == count(conn, cid, today, d.used_free_wifi)
            newest = conn.execute(select(func.max(d.declared_at)).where(cid, d.declared_at <= NOW)).scalar()
            assert row.last_declared_at == newest
        states = dict(zip(status["code"], status["state"], strict=False))
        # Contact-with-a-case rows exactly one hour ago at TAN_DE and THAI_HA: high risk in the last hour, but
        # no surge and no contact in the last 15 minutes here (the rows one second before now are low risk).
        assert states["TAN_DE"] in (live_map.STATE_NORMAL, live_map.STATE_ATTENTION)
        assert states["TRIEU_DUONG"] == live_map.STATE_SILENT
        # The rows five minutes after now are not "the last declaration" yet.
        assert (status["last_declared_at"] < NOW).all()

        only = live_map.checkpoint_live_status(conn, NOW, silent_after_minutes=30, checkpoint_ids=[ids["THAI_HA"]])
        assert list(only["code"]) == ["THAI_HA"]


def test_origins_today_reconciles(store):
    engine, ids = store
    today = window(local_midnight_utc(TODAY), NOW)
    with engine.connect() as conn:
        for chosen in (None, [ids["TAN_DE"]]):
            origins = live_map.origins_today(conn, NOW, checkpoint_ids=chosen)
            expected = dict(
                conn.execute(
                    select(d.origin_province_code, func.count())
                    .where(today, d.direction == "in", *scope(chosen, None))
                    .group_by(d.origin_province_code)
                ).all()
            )
            assert dict(zip(origins["province_code"], origins["travellers"], strict=False)) == expected
            for row in origins.itertuples():
                where = [today, d.direction == "in", d.origin_province_code == row.province_code, *scope(chosen, None)]
                assert row.high_risk == count(conn, *where, d.risk_level == "high")
                assert row.from_hotzone == count(conn, *where, d.origin_in_hotzone)
            assert list(origins["travellers"]) == sorted(origins["travellers"], reverse=True)
        everyone = live_map.origins_today(conn, NOW)
        hot = dict(zip(everyone["province_code"], everyone["hot_zone"], strict=False))
        assert {"24", "79", "27", "36"} <= set(hot)
        # Bắc Giang is a hot zone as a whole, HCMC in one district, Bắc Ninh's zone has expired.
        assert hot.get("24") == "province"
        assert hot.get("79") == "district"
        assert pd_isna(hot.get("27")) and pd_isna(hot.get("36"))


def pd_isna(value) -> bool:
    return value is None or value != value
