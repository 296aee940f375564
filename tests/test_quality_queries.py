"""The data-quality report: freshness, hourly drops against last week, fill shares,
masking, and ``python -m data_access quality [--json]``. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.views import hot_zones as hot_zones_view
from dashboard.views import imports as imports_view
from data_access import masking
from data_access.importing.pipeline import import_file
from data_access.queries import imports, quality
from data_access.risk import HotZoneIndex
from data_access.store import schema, write_declarations
from tests.import_support import csv_bytes, row
from tests.support import declaration

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 25, 10, 20)  # naive UTC: 17:20 local


def cp_ids(conn) -> dict[str, int]:
    return dict(conn.execute(select(schema.checkpoints.c.code, schema.checkpoints.c.id)).all())


@pytest.fixture
def store(engine):
    """Tân Đệ busy in both weeks except an outage 15:00–16:00 local today; Thái Hà silent for 2 hours;
    Triều Dương never declared."""
    with engine.begin() as conn:
        ids = cp_ids(conn)
        rows = []
        for week in (0, 7):
            for hour in range(8, 17):  # local 08:00..16:59
                if week == 0 and hour == 15:
                    continue  # the outage
                for minute in range(0, 60, 6):
                    local = dt.datetime(2026, 11, 25 - week, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=7)))
                    rows.append(
                        declaration(
                            ids["TAN_DE"],
                            local,
                            channel="paper" if minute % 12 else "vhd",
                            phone=None if minute % 12 else "0912345678",
                        )
                    )
        rows.append(declaration(ids["THAI_HA"], dt.datetime(2026, 11, 25, 8, 25, tzinfo=dt.UTC)))
        write_declarations(conn, rows, HotZoneIndex([]))
    return engine


def test_freshness_flags_silent_checkpoints(store):
    with store.connect() as conn:
        f = quality.freshness(conn, NOW).set_index("code")
    assert not f.loc["TAN_DE", "silent"] and f.loc["TAN_DE", "minutes_since"] == pytest.approx(26)
    assert f.loc["THAI_HA", "silent"] and f.loc["THAI_HA", "minutes_since"] == pytest.approx(115)
    assert f.loc["TRIEU_DUONG", "silent"] and pd.isna(f.loc["TRIEU_DUONG", "last_at"])


def test_hourly_against_last_week_flags_the_outage_only(store):
    with store.connect() as conn:
        h = quality.hourly_vs_last_week(conn, NOW)
    assert len(h) == 24 and h.iloc[-1]["partial"] and not h.iloc[-1]["drop"]
    dropped = h[h["drop"]]
    assert list(dropped["hour_start"]) == [dt.datetime(2026, 11, 25, 8, 0)]  # 15:00 local
    # only Thái Hà's one declaration (15:25 local) in the outage hour: still far below last week's 10
    assert int(dropped.iloc[0]["last_week"]) == 10 and int(dropped.iloc[0]["crossings"]) == 1
    assert int(h[h["hour_start"] == dt.datetime(2026, 11, 25, 9)]["crossings"].iloc[0]) == 10


def test_fill_shares_per_checkpoint_and_channel(store):
    with store.connect() as conn:
        fill = quality.fill_shares(conn, dt.date(2026, 11, 25), dt.date(2026, 11, 25), now=NOW)
        tan_de = cp_ids(conn)["TAN_DE"]
    by = fill.set_index(["checkpoint_id", "channel"])
    assert by.loc[(tan_de, "paper"), "crossings"] == 40 and by.loc[(tan_de, "paper"), "phone"] == 0
    assert by.loc[(tan_de, "vhd"), "phone"] == 1 and by.loc[(tan_de, "vhd"), "plate"] == 0


def test_quarantine_raw_values_are_masked_and_filterable(store):
    data = csv_bytes(
        [
            row(
                declaration_id="q1",
                channel="fax",
                full_name="Nguyễn Văn An",
                phone="0901234567",
                id_number="034090001234",
                plate="17A-12345",
            ),
            row(declaration_id="q2", checkpoint="Cầu Long Biên"),
        ]
    )
    import_file(store, data, "q.csv", created_by="test", now=dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC))
    with store.connect() as conn:
        q = imports.quarantine(conn)
        only_channel = imports.quarantine(conn, field="channel")
        reasons = quality.quarantine_reasons(conn)
    raw = q.set_index("line_number").loc[2, "raw"]
    assert raw["Số điện thoại"] == "090****567" and raw["Số CCCD/CMND"] == "034******234"
    assert raw["Họ và tên"] == "Ngu******* An" and raw["Biển số"] == "17*****45"
    assert raw["Hình thức khai báo"] == "fax"  # not personal: shown as it was
    assert list(only_channel["line_number"]) == [2]
    assert set(zip(reasons["field"], reasons["code"], strict=True)) == {
        ("channel", "invalid"),
        ("checkpoint", "invalid"),
    }
    export = imports_view.quarantine_export(q)
    assert "Lý do cách ly" in export.columns and "0901234567" not in export.to_csv()


def test_masking_and_formula_neutralising():
    assert masking.mask("0901234567") == "090****567"
    assert masking.mask("abc") == "***" and masking.mask(None) is None
    assert [masking.safe_cell(v) for v in ("=1+1", "+84", "-3", "@x", "\t=x", "ok", 5)] == [
        "'=1+1",
        "'+84",
        "'-3",
        "'@x",
        "'\t=x",
        "ok",
        5,
    ]


def test_zone_editor_diff():
    before = pd.DataFrame(
        [
            dict(
                id=1,
                province_code="24",
                district_name="",
                label="Chỉ thị 16",
                valid_from=pd.Timestamp("2026-11-01"),
                valid_to=pd.NaT,
            ),
            dict(
                id=2,
                province_code="27",
                district_name="",
                label="Chỉ thị 15",
                valid_from=pd.Timestamp("2026-11-02"),
                valid_to=pd.NaT,
            ),
        ]
    )
    after = before.copy()
    after.loc[0, "valid_to"] = pd.Timestamp("2026-11-20")
    after = after[after["id"] != 2]
    after = pd.concat(
        [
            after,
            pd.DataFrame(
                [
                    dict(
                        id=None,
                        province_code="79",
                        district_name="Gò Vấp",
                        label="Phong tỏa",
                        valid_from=pd.Timestamp("2026-11-10"),
                        valid_to=pd.NaT,
                    ),
                    dict(id=None),
                ]
            ),
        ],
        ignore_index=True,
    )
    added, changed, deleted = hot_zones_view.zone_edits(before, after)
    assert added == [
        dict(
            province_code="79",
            district_name="Gò Vấp",
            label="Phong tỏa",
            valid_from=dt.date(2026, 11, 10),
            valid_to=None,
        )
    ]
    assert changed == [
        (
            1,
            dict(
                province_code="24",
                district_name=None,
                label="Chỉ thị 16",
                valid_from=dt.date(2026, 11, 1),
                valid_to=dt.date(2026, 11, 20),
            ),
        )
    ]
    assert deleted == [2]


def test_cli_quality_report(sqlite_url, sqlite_engine):
    import_file(
        sqlite_engine,
        csv_bytes([row(declaration_id="a"), row(declaration_id="b", gender="?"), row(channel="fax")]),
        "x.csv",
        created_by="test",
    )
    env = {**os.environ, "DATABASE_URL": sqlite_url}
    out = subprocess.run(
        [sys.executable, "-m", "data_access", "quality", "--json"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["imports_total"] == dict(rows_in=3, accepted=2, duplicates=0, quarantined=1, warnings=1)
    assert {f["code"] for f in data["freshness"]} == {"TAN_DE", "THAI_HA", "TRIEU_DUONG"}
    assert data["warnings_by_field"][0]["field"] == "gender"
    assert len(data["hourly_vs_last_week"]) == 24
    text = subprocess.run(
        [sys.executable, "-m", "data_access", "quality"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert text.returncode == 0 and "Cầu Tân Đệ" in text.stdout and "gender invalid: 1" in text.stdout
