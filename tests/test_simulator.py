"""The simulator's statistics against the shares it is built to give, and its determinism."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access import simulator
from data_access.domain import SYMPTOMS
from data_access.store import create_store_engine, init_store, schema
from data_access.timeutil import local_midnight_utc, local_today, now_utc, to_local

NOW = dt.datetime(2026, 11, 25, 10, 0, 0)  # 17:00 local
SCALE = 0.1
CODES = {1: "TAN_DE", 2: "THAI_HA", 3: "TRIEU_DUONG"}


def seeded_frame(tmp_path, name: str, seed: int = 2021) -> pd.DataFrame:
    url = f"sqlite:///{tmp_path / name}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=30, seed=seed, scale=SCALE, now=NOW)
    with engine.connect() as conn:
        frame = pd.read_sql(select(schema.declarations), conn)
    engine.dispose()
    frame["local"] = [to_local(ts.to_pydatetime()) for ts in frame["declared_at"]]
    frame["day_index"] = [(loc.date() - to_local(NOW).date()).days for loc in frame["local"]]
    frame["checkpoint"] = frame["checkpoint_id"].map(CODES)
    return frame


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> pd.DataFrame:
    return seeded_frame(tmp_path_factory.mktemp("sim"), "a.db")


def full_days(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame.day_index < 0) & (frame.day_index > -29)]


def test_daily_volume_per_checkpoint(history):
    per_day = full_days(history).groupby("checkpoint").size() / 28
    for code, expected in (("TAN_DE", 6000), ("THAI_HA", 3500), ("TRIEU_DUONG", 2500)):
        # Weekends are lighter, so a week averages a little under the weekday figure.
        assert 0.85 * expected * SCALE <= per_day[code] <= 1.05 * expected * SCALE, code


def test_morning_and_evening_peaks_quiet_nights(history):
    by_hour = history.groupby(history["local"].map(lambda t: t.hour)).size()
    assert by_hour[7] > 5 * by_hour[2]
    assert by_hour[17] > 5 * by_hour[2]
    assert by_hour[7] > by_hour[12] and by_hour[17] > by_hour[12]


def test_weekends_differ(history):
    days = full_days(history)
    daily = days.groupby([days["local"].map(lambda t: t.date())]).size()
    weekday = daily[[d.weekday() < 5 for d in daily.index]].mean()
    sunday = daily[[d.weekday() == 6 for d in daily.index]].mean()
    assert sunday < 0.9 * weekday


def electronic_share(frame: pd.DataFrame) -> float:
    return float((frame["channel"] != "paper").mean())


def test_electronic_share_rises_from_35_to_75_percent_at_different_paces(history):
    first = history[history.day_index == -29]
    last = history[history.day_index == -1]
    assert electronic_share(first) == pytest.approx(0.35, abs=0.05)
    assert electronic_share(last) == pytest.approx(0.75, abs=0.05)
    mid = history[history.day_index.between(-17, -13)]
    shares = {code: electronic_share(mid[mid.checkpoint == code]) for code in CODES.values()}
    assert shares["TAN_DE"] > shares["THAI_HA"] + 0.03 > shares["TRIEU_DUONG"] + 0.06


def test_bluezone_between_30_and_45_percent(history):
    assert float(history[history.day_index == -29]["bluezone_installed"].mean()) == pytest.approx(0.30, abs=0.04)
    assert float(history[history.day_index == -1]["bluezone_installed"].mean()) == pytest.approx(0.45, abs=0.04)


def test_contact_hotzone_travel_and_symptoms_are_rare(history):
    assert 0 < float(history["contact_f0"].mean()) == pytest.approx(simulator.P_CONTACT_F0, abs=0.0005)
    assert float(history["visited_hotzone"].mean()) == pytest.approx(0.01, abs=0.004)
    any_symptom = history[list(SYMPTOMS)].any(axis=1).mean()
    assert 0.002 < any_symptom < 0.02


def test_free_wifi_only_after_it_opens_and_rising(history):
    for code, profile in simulator.PROFILES.items():
        rows = history[history.checkpoint == code]
        assert not rows[rows.day_index < -profile.wifi_opens_days_ago - 1]["used_free_wifi"].any(), code
        recent = rows[rows.day_index >= -3]["used_free_wifi"].mean()
        early = rows[rows.day_index.between(-profile.wifi_opens_days_ago + 1, -profile.wifi_opens_days_ago + 4)][
            "used_free_wifi"
        ].mean()
        assert recent > early > 0, code


def test_origins_weighted_by_neighbourhood(history):
    incoming = history[history.direction == "in"]
    for code, neighbour in (("TAN_DE", "36"), ("THAI_HA", "35"), ("TRIEU_DUONG", "33")):
        top = incoming[incoming.checkpoint == code]["origin_province_code"].value_counts()
        assert top.index[0] == neighbour, code
    top_all = incoming["origin_province_code"].value_counts()
    assert {"01", "31", "30"} <= set(top_all.index[:8])
    assert incoming["origin_province_code"].nunique() > 40  # a long tail


def test_demo_hot_zones_make_some_high_risk(history):
    high = history[history.risk_level == "high"]
    assert set(high["risk_reason"]) >= {"contact_f0", "hotzone_origin"}
    assert 0.01 < len(high) / len(history) < 0.08


def test_same_seed_same_history_other_seed_other_history(tmp_path, history):
    columns = ["declaration_id", "declared_at", "checkpoint_id", "channel", "origin_province_code", "full_name"]
    again = seeded_frame(tmp_path, "b.db")
    pd.testing.assert_frame_equal(again[columns].reset_index(drop=True), history[columns].reset_index(drop=True))
    other = seeded_frame(tmp_path, "c.db", seed=99)
    assert set(other["declaration_id"]).isdisjoint(set(history["declaration_id"]))


def test_feed_writes_small_live_batches(sqlite_engine):
    written = simulator.feed(sqlite_engine, rate=40, seed=1, interval=0.3, max_batches=3)
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
        newest = conn.execute(select(func.max(schema.declarations.c.declared_at))).scalar()
        batch = conn.execute(select(schema.import_batches).where(schema.import_batches.c.kind == "feed")).one()
    assert written == stored > 0
    assert batch.status == "done" and batch.accepted == written
    assert dt.datetime.utcnow() - newest < dt.timedelta(seconds=10)


def test_feed_survives_a_locked_store(tmp_path, monkeypatch, capsys):
    """A write that fails on a busy store is reported and retried; the feed does not stop."""
    from sqlalchemy.exc import OperationalError

    from data_access import simulator as sim_module

    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    real_write, calls = sim_module._write, []

    def flaky_write(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(sim_module, "_write", flaky_write)
    written = sim_module.feed(engine, rate=50.0, seed=1, interval=0.2, max_batches=3)
    assert len(calls) == 3  # the failed round did not end the feed: two more followed
    assert written > 0
    assert "database is locked" in capsys.readouterr().err
    engine.dispose()


def test_feed_fills_the_time_since_the_last_simulated_declaration(tmp_path, monkeypatch):
    """A demo restarted after a pause: the feed first writes the missing hours, as seed would."""
    # The simulator's clock runs from today's local noon: at night the quietest minutes hold no
    # crossing at all, and "the feed reached now" could not be told from "nobody crossed".
    started = now_utc()
    noon = local_midnight_utc(local_today(started)) + dt.timedelta(hours=12)
    monkeypatch.setattr(simulator, "now_utc", lambda: noon + (now_utc() - started))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    three_hours_ago = simulator.now_utc() - dt.timedelta(hours=3)
    simulator.seed(engine, days=1, seed=4, scale=0.3, now=three_hours_ago)
    before = simulator.last_simulated_at(engine)
    assert before is not None and before <= three_hours_ago
    written = simulator.feed(engine, seed=9, interval=0.05, max_batches=1)
    assert written > 0
    after = simulator.last_simulated_at(engine)
    assert after > simulator.now_utc() - dt.timedelta(minutes=2)
    with engine.connect() as conn:
        d = schema.declarations.c
        hours = conn.execute(
            select(func.count(func.distinct(d.local_hour))).where(d.declared_at > three_hours_ago)
        ).scalar()
    assert hours >= 3  # every hour of the pause has declarations again
    # Nothing left to fill just after the feed's last declaration (later, at night, the quiet minutes
    # since it are a gap of their own: the clock's, not the test's).
    assert simulator.fill_since_last(engine, seed=10, now=after + dt.timedelta(seconds=30)) == 0
    engine.dispose()


def test_feed_surge_brings_high_risk_arrivals_to_one_checkpoint(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.feed(
        engine, rate=0.1, seed=2, interval=0.5, max_batches=4, surge="THAI_HA", surge_rate=20, backfill=False
    )
    with engine.connect() as conn:
        d, c = schema.declarations.c, schema.checkpoints.c
        rows = conn.execute(
            select(c.code, d.direction, d.contact_f0, d.risk_level).join_from(
                schema.declarations, schema.checkpoints, c.id == d.checkpoint_id
            )
        ).all()
    surge = [r for r in rows if r.code == "THAI_HA" and r.contact_f0]
    assert surge and all(r.direction == "in" and r.risk_level == "high" for r in surge)
    with pytest.raises(ValueError):
        simulator.feed(engine, max_batches=1, surge="NOPE", backfill=False)
    engine.dispose()
