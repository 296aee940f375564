"""The IT-adoption page's figures (data_access/queries/adoption.py), each reconciled with a direct count
over the raw rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import not_, select, update

from data_access.queries import adoption
from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from data_access.timeutil import local_midnight_utc
from tests.committee_store import (
    DAY,
    FILTERS,
    NOW,
    NOW_LOCAL,
    TODAY,
    count,
    d,
    days_window,
    filter_args,
    scope,
)
from tests.support import declaration


@pytest.mark.parametrize("spec", FILTERS)
def test_adoption_figures_reconcile(store, spec):
    engine, ids = store
    first, last, where = filter_args(ids, spec)
    conds = scope(where["checkpoint_ids"], where["directions"])
    with engine.connect() as conn:
        by_day = adoption.adoption_by_day(conn, first, last, **where)
        for row in by_day.itertuples():
            base = [days_window(row.local_day, row.local_day), d.checkpoint_id == row.checkpoint_id, *conds]
            assert row.crossings == count(conn, *base)
            assert row.electronic == count(conn, *base, d.channel != "paper")
            assert row.bluezone_installed == count(conn, *base, d.bluezone_installed)
        per_checkpoint = adoption.adoption_by_checkpoint(conn, first, last, **where)
        for row in per_checkpoint.itertuples():
            base = [days_window(first, last), d.checkpoint_id == row.checkpoint_id, *conds]
            assert row.crossings == count(conn, *base)
            assert row.electronic == count(conn, *base, not_(d.channel == "paper"))
            assert row.bluezone_installed == count(conn, *base, d.bluezone_installed)
        mix = adoption.channel_mix(conn, first, last, **where)
        for row in mix.itertuples():
            assert row.crossings == count(
                conn, days_window(first, last), d.checkpoint_id == row.checkpoint_id, d.channel == row.channel, *conds
            )
        assert mix["crossings"].sum() == count(conn, days_window(first, last), *conds)


def test_free_wifi_since_opening_reconciles(store):
    engine, ids = store
    opened = {"TAN_DE": TODAY - 3 * DAY, "THAI_HA": None, "TRIEU_DUONG": TODAY}
    with engine.connect() as conn:
        for directions in (None, ("in",)):
            wifi = adoption.free_wifi_since_opening(conn, now=NOW, directions=directions)
            by_id = {row.checkpoint_id: row for row in wifi.itertuples()}
            for code, day in opened.items():
                row = by_id[ids[code]]
                assert row.wifi_opened_on == day
                if day is None:
                    assert (row.crossings, row.electronic, row.free_wifi) == (0, 0, 0)
                    continue
                base = [
                    d.checkpoint_id == ids[code],
                    d.declared_at >= local_midnight_utc(day),
                    d.declared_at < NOW,
                    *scope(None, directions),
                ]
                assert row.crossings == count(conn, *base)
                assert row.electronic == count(conn, *base, d.channel != "paper")
                assert row.free_wifi == count(conn, *base, d.used_free_wifi)
                assert row.free_wifi > 0


def test_free_wifi_counts_on_a_store_made_by_init(engine):
    """A store made by init (no simulator) has the Wi-Fi opening days of June 2021: imported rows that
    declare using the free Wi-Fi are counted since then, and the IT team can correct a day."""
    from data_access.store import set_wifi_opened_on

    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id).where(schema.checkpoints.c.code == "TAN_DE")).scalar()
        write_declarations(
            conn,
            [declaration(cid, NOW_LOCAL - dt.timedelta(hours=h), used_free_wifi=h % 2 == 0) for h in range(1, 7)],
            HotZoneIndex([]),
        )
    with engine.connect() as conn:
        wifi = adoption.free_wifi_since_opening(conn, now=NOW).set_index("checkpoint_id")
    assert wifi.loc[cid, "wifi_opened_on"] == dt.date(2021, 6, 15)
    assert (wifi.loc[cid, "crossings"], wifi.loc[cid, "free_wifi"]) == (6, 3)
    with engine.begin() as conn:
        set_wifi_opened_on(conn, cid, TODAY, TODAY)
        with pytest.raises(ValueError):
            set_wifi_opened_on(conn, cid, dt.date(2020, 1, 1), TODAY)
    with engine.connect() as conn:
        wifi = adoption.free_wifi_since_opening(conn, now=NOW).set_index("checkpoint_id")
    today_rows = sum(1 for h in range(1, 7) if (NOW_LOCAL - dt.timedelta(hours=h)).date() == TODAY)
    assert wifi.loc[cid, "crossings"] == today_rows


def test_wifi_editor_changes():
    import pandas as pd

    from dashboard.views.quality import wifi_changes, wifi_frame

    before = wifi_frame(
        pd.DataFrame({"id": [1, 2], "name": ["A", "B"], "wifi_opened_on": [dt.date(2021, 6, 15), dt.date(2021, 6, 15)]})
    )
    after = before.copy()
    after.loc[1, "wifi_opened_on"] = pd.Timestamp(2021, 6, 20)
    assert wifi_changes(before, after) == [(2, dt.date(2021, 6, 20))]
    after.loc[0, "wifi_opened_on"] = None
    assert wifi_changes(before, after) == [(1, None), (2, dt.date(2021, 6, 20))]


def test_free_wifi_is_never_negative_before_the_wifi_opens(engine):
    """A checkpoint whose Wi-Fi opens after the page's day counts nothing, even with rows stamped after now."""
    with engine.begin() as conn:
        cid = conn.execute(select(schema.checkpoints.c.id).where(schema.checkpoints.c.code == "THAI_HA")).scalar()
        conn.execute(
            update(schema.checkpoints).where(schema.checkpoints.c.id == cid).values(wifi_opened_on=TODAY + DAY)
        )
        write_declarations(
            conn, [declaration(cid, NOW_LOCAL + dt.timedelta(minutes=5), used_free_wifi=True)], HotZoneIndex([])
        )
    with engine.connect() as conn:
        wifi = adoption.free_wifi_since_opening(conn, now=NOW).set_index("checkpoint_id")
    assert (wifi.loc[cid, "crossings"], wifi.loc[cid, "free_wifi"]) == (0, 0)
