"""AppTest over the four committee pages, with and without filters in the URL.

The store holds a few declarations around the real "now" (the app reads the clock); every figure the
test checks is counted here from the raw rows with the same windows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from dashboard import formatting as fmt
from dashboard.i18n import t
from data_access.risk import HotZoneIndex
from data_access.settings import get_settings
from data_access.store import schema, write_declarations
from data_access.timeutil import UTC, local_midnight_utc, local_today, now_utc
from tests.support import declaration, sign_in_as

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PAGES = {
    "map": "../pages/live_map.py",
    "traffic": "../pages/traffic.py",
    "risk": "../pages/high_risk.py",
    "adoption": "../pages/adoption.py",
}
TITLES = {"map": "map.title", "traffic": "traffic.title", "risk": "risk.title", "adoption": "adoption.title"}
d = schema.declarations.c


@pytest.fixture
def seeded(sqlite_engine, sqlite_url, monkeypatch):
    """A SQLite store with declarations at TAN_DE and THAI_HA in the last minutes and days (TRIEU_DUONG
    has none: silent), and the app pointed at it."""
    now = dt.datetime.now(UTC)
    with sqlite_engine.begin() as conn:
        ids = {code: cid for cid, code in conn.execute(select(schema.checkpoints.c.id, schema.checkpoints.c.code))}
        rows = []
        for i in range(40):
            at = now - dt.timedelta(minutes=3 + 37 * i)  # every 37 minutes back over a day
            rows.append(
                declaration(
                    ids["THAI_HA" if i % 3 == 1 else "TAN_DE"],
                    at,
                    direction="in" if i % 2 else "out",
                    channel="paper" if i % 4 == 0 else "vhd",
                    contact_f0=i % 5 == 0,
                    bluezone_installed=i % 2 == 0,
                    plate=f"17B-{i % 7}",
                )
            )
        write_declarations(conn, rows, HotZoneIndex([]))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    sign_in_as(monkeypatch, sqlite_url)
    yield sqlite_engine, ids
    get_settings.cache_clear()


def open_page(page: str, params: dict[str, str] | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGES[page])
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label_key: str, lang: str = "vi", **values) -> str:
    label = t(label_key, lang, **values)
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no card {label!r} among {[m.label for m in at.metric]}"
    return found[0]


def count(engine, *conditions) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.declarations).where(*conditions)).scalar()


def days(first: dt.date, last: dt.date):
    return (d.declared_at >= local_midnight_utc(first), d.declared_at < local_midnight_utc(last + dt.timedelta(days=1)))


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_in_vietnamese_and_english(seeded, page):
    at = open_page(page)
    assert at.title[0].value == t(TITLES[page], "vi")
    english = open_page(page, lang="en")
    assert english.title[0].value == t(TITLES[page], "en")


def test_traffic_today_and_filtered(seeded):
    engine, ids = seeded
    today = local_today(now_utc())
    at = open_page("traffic")
    assert metric(at, "traffic.total") == fmt.number(count(engine, *days(today, today)))
    assert metric(at, "overview.in") == fmt.number(count(engine, *days(today, today), d.direction == "in"))
    assert not at.query_params.get("chot")  # the default view has a plain URL

    first = today - dt.timedelta(days=1)
    params = {"tu": first.isoformat(), "den": today.isoformat(), "chot": "TAN_DE", "huong": "vao"}
    filtered = open_page("traffic", params)
    expected = count(engine, *days(first, today), d.checkpoint_id == ids["TAN_DE"], d.direction == "in")
    assert 0 < expected < count(engine)
    assert metric(filtered, "traffic.total") == fmt.number(expected)
    assert filtered.multiselect[0].value == ["TAN_DE"]
    assert tuple(filtered.date_input[0].value) == (first, today)


def test_changing_a_filter_rewrites_the_url(seeded):
    engine, ids = seeded
    today = local_today(now_utc())
    at = open_page("traffic")
    at.multiselect[0].set_value(["THAI_HA"]).run()
    assert at.query_params["chot"] == ["THAI_HA"] or at.query_params["chot"] == "THAI_HA"
    assert metric(at, "traffic.total") == fmt.number(
        count(engine, *days(today, today), d.checkpoint_id == ids["THAI_HA"])
    )


def test_high_risk_page_counts(seeded):
    engine, ids = seeded
    today = local_today(now_utc())
    at = open_page("risk")
    assert metric(at, "risk.high") == fmt.number(count(engine, *days(today, today), d.risk_level == "high"))
    filtered = open_page("risk", {"chot": "THAI_HA"})
    assert metric(filtered, "risk.high") == fmt.number(
        count(engine, *days(today, today), d.risk_level == "high", d.checkpoint_id == ids["THAI_HA"])
    )
    assert metric(filtered, "risk.reason_contact_f0") == fmt.number(
        count(engine, *days(today, today), d.contact_f0, d.checkpoint_id == ids["THAI_HA"])
    )
    # No personal field anywhere on the page.
    text = " ".join(str(e.value) for e in filtered.markdown) + " ".join(
        str(df.value.to_string()) for df in filtered.dataframe
    )
    assert "Nguyễn Văn An" not in text and "0912345678" not in text and "17B-" not in text


def test_adoption_page_shares(seeded):
    engine, ids = seeded
    today = local_today(now_utc())
    at = open_page("adoption", {"huong": "ra"})
    total = count(engine, *days(today, today), d.direction == "out")
    electronic = count(engine, *days(today, today), d.direction == "out", d.channel != "paper")
    assert metric(at, "overview.electronic") == fmt.percent(fmt.share(electronic, total))
    assert at.get("button_group")[0].value == "out"


def test_map_page_panel_states(seeded):
    at = open_page("map")
    panel = [m.value for m in at.markdown if "**" in m.value]
    silent = [line for line in panel if "Triều Dương" in line]
    assert silent and t("map.state.silent", "vi") in silent[0]
    assert any("Tân Đệ" in line and t("map.state.silent", "vi") not in line for line in panel)
    filtered = open_page("map", {"chot": "TRIEU_DUONG"})
    lines = [m.value for m in filtered.markdown if "**" in m.value and "●" in m.value]
    assert len(lines) == 1 and "Triều Dương" in lines[0]


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_render_on_an_empty_store(sqlite_engine, sqlite_url, monkeypatch, page):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    sign_in_as(monkeypatch, sqlite_url)
    try:
        at = open_page(page)
        assert at.title[0].value == t(TITLES[page], "vi")
        if page == "traffic":
            assert metric(at, "traffic.total") == "0"
        if page == "risk":
            assert metric(at, "risk.high") == "0"
    finally:
        get_settings.cache_clear()


def test_surge_banner_on_the_high_risk_page(sqlite_engine, sqlite_url, monkeypatch):
    """Twelve high-risk arrivals in the last seconds and none on the previous days: a surge (≥ 10 above an
    average of 0); the same page without them shows the reassuring line instead."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    sign_in_as(monkeypatch, sqlite_url)
    try:
        calm = open_page("risk")
        assert not calm.error
        assert any(t("surge.none", "vi").split(":")[0] in c.value for c in calm.caption)
        with sqlite_engine.begin() as conn:
            cid = conn.execute(select(schema.checkpoints.c.id)).scalars().first()
            now = dt.datetime.now(UTC)
            write_declarations(
                conn,
                [declaration(cid, now - dt.timedelta(seconds=2 + i), contact_f0=True) for i in range(12)],
                HotZoneIndex([]),
            )
        surging = open_page("risk")
        assert len(surging.error) == 1
        assert surging.error[0].value.startswith(t("surge.flag", "vi").split(":")[0])
        assert " 12 " in surging.error[0].value
    finally:
        get_settings.cache_clear()
