"""Hot-zone changes re-classify the stored declarations they affect, and their rollups, in one
transaction, and record who changed what (SPEC §4). Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.i18n import error_text
from dashboard.views import hot_zones as hot_zones_view
from data_access import hotzones
from data_access.importing.pipeline import load_reference
from data_access.queries import hot_zones
from data_access.risk import HotZoneIndex
from data_access.store import load_hot_zones, schema, write_declarations
from data_access.timeutil import LOCAL_TZ
from tests.import_support import csv_bytes, rollups_reconcile, xlsx_bytes
from tests.support import declaration

D = dt.date


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=LOCAL_TZ)


@pytest.fixture
def store(engine):
    """Ten days (10..19 Nov) of declarations from Bắc Giang (24), Hồ Chí Minh (79, two districts) and Nam Định (36)."""
    with engine.begin() as conn:
        cp = conn.execute(select(schema.checkpoints.c.id).where(schema.checkpoints.c.code == "TAN_DE")).scalar_one()
        rows = []
        for day in range(10, 20):
            rows.append(declaration(cp, at(day), origin_province_code="24", declaration_id=f"bg-{day}"))
            rows.append(
                declaration(
                    cp, at(day), origin_province_code="79", origin_district="Gò Vấp", declaration_id=f"gv-{day}"
                )
            )
            rows.append(
                declaration(
                    cp, at(day), origin_province_code="79", origin_district="Quận 1", declaration_id=f"q1-{day}"
                )
            )
            rows.append(declaration(cp, at(day), origin_province_code="36", declaration_id=f"nd-{day}"))
        # A traveller with a cough who passed through an epidemic area is high risk whatever the list.
        rows.append(
            declaration(
                cp, at(15), origin_province_code="24", cough=True, visited_hotzone=True, declaration_id="bg-cough"
            )
        )
        write_declarations(conn, rows, HotZoneIndex([]))
    return engine


def risk(conn, decl_id: str) -> tuple[str, bool, str | None]:
    d = schema.declarations.c
    r = conn.execute(select(d.risk_level, d.origin_in_hotzone, d.risk_reason).where(d.declaration_id == decl_id)).one()
    return r.risk_level, bool(r.origin_in_hotzone), r.risk_reason


def high_by_day(conn) -> dict[dt.date, int]:
    h = schema.crossing_hourly.c
    return {
        day: int(n) for day, n in conn.execute(select(h.local_day, func.sum(h.n_risk_high)).group_by(h.local_day)) if n
    }


def zone(ref, **raw):
    return hotzones.validate_zone(raw, ref)


def test_add_zone_reclassifies_rows_in_its_dates_and_records_the_change(store):
    with store.begin() as conn:
        ref = load_reference(conn)
        change = hotzones.add_zone(
            conn,
            zone(ref, province="Bắc Giang", label="Chỉ thị 16", valid_from="12/11/2026", valid_to="2026-11-14"),
            changed_by="lan",
        )
    assert change.reclassified == 3  # 12, 13, 14 Nov
    with store.connect() as conn:
        assert risk(conn, "bg-11") == ("low", False, None)
        assert risk(conn, "bg-12") == ("high", True, "hotzone_origin")
        assert risk(conn, "bg-14") == ("high", True, "hotzone_origin")
        assert risk(conn, "bg-15") == ("low", False, None)
        assert risk(conn, "nd-13") == ("low", False, None)
        assert high_by_day(conn) == {D(2026, 11, 12): 1, D(2026, 11, 13): 1, D(2026, 11, 14): 1, D(2026, 11, 15): 1}
        rollups_reconcile(conn)
        (rec,) = hot_zones.recent_changes(conn)
        assert (rec["changed_by"], rec["action"], rec["reclassified"], rec["before"]) == ("lan", "add", 3, None)
        assert rec["after"]["province_code"] == "24" and rec["after"]["valid_to"] == "2026-11-14"


def test_update_and_delete_put_rows_back(store):
    with store.begin() as conn:
        ref = load_reference(conn)
        hotzones.add_zone(conn, zone(ref, province="24", label="Chỉ thị 16", valid_from="10/11/2026"), changed_by="lan")
    with store.connect() as conn:
        assert sum(high_by_day(conn).values()) == 11  # the ten Bắc Giang rows, and bg-cough (high already)
        zone_id = load_hot_zones(conn)[0].id
    with store.begin() as conn:
        change = hotzones.update_zone(
            conn,
            zone_id,
            zone(ref, province="24", label="Chỉ thị 16", valid_from="10/11/2026", valid_to="16/11/2026"),
            changed_by="minh",
        )
    assert change.reclassified == 3  # 17, 18, 19 Nov back to low
    with store.connect() as conn:
        assert risk(conn, "bg-16")[0] == "high" and risk(conn, "bg-17") == ("low", False, None)
        # The cough + epidemic-area traveller stays high, now for that reason only.
        assert risk(conn, "bg-cough") == ("high", True, "hotzone_origin")
        rollups_reconcile(conn)
    with store.begin() as conn:
        change = hotzones.delete_zone(conn, zone_id, changed_by="minh")
    assert change.reclassified == 8  # bg-10..bg-16, and bg-cough whose reason changes
    with store.connect() as conn:
        assert risk(conn, "bg-cough") == ("high", False, "symptom_hotzone_travel")
        assert high_by_day(conn) == {D(2026, 11, 15): 1}
        rollups_reconcile(conn)
        assert [c["action"] for c in hot_zones.recent_changes(conn)] == ["delete", "update", "add"]
        assert all(c["changed_by"] for c in hot_zones.recent_changes(conn))


def test_district_zone_matches_only_that_district_regardless_of_case_and_diacritics(store):
    with store.begin() as conn:
        ref = load_reference(conn)
        hotzones.add_zone(
            conn,
            zone(ref, province="TP Hồ Chí Minh", district="go vap", label="Phong tỏa", valid_from="2026-11-18"),
            changed_by="lan",
        )
    with store.connect() as conn:
        assert risk(conn, "gv-18")[0] == "high" and risk(conn, "gv-17")[0] == "low"
        assert risk(conn, "q1-19")[0] == "low"
        rollups_reconcile(conn)


def test_a_failed_change_leaves_zones_rows_and_rollups_as_they_were(store):
    with store.connect() as conn:
        before = high_by_day(conn)
    with pytest.raises(RuntimeError):
        with store.begin() as conn:
            ref = load_reference(conn)
            hotzones.add_zone(conn, zone(ref, province="24", label="x", valid_from="10/11/2026"), changed_by="lan")
            raise RuntimeError("store went away")
    with store.connect() as conn:
        assert load_hot_zones(conn) == [] and high_by_day(conn) == before
        assert risk(conn, "bg-12")[0] == "low" and hot_zones.recent_changes(conn) == []


@pytest.mark.parametrize(
    "bad, code, params, message",
    [
        (
            dict(province="Atlantis", label="x", valid_from="10/11/2026"),
            "hot_zone.invalid_value",
            {"field": "province", "value": "Atlantis"},
            "Tỉnh không hợp lệ: “Atlantis”",
        ),
        (dict(province="24", label="", valid_from="10/11/2026"), "hot_zone.missing_label", {}, "Thiếu nhãn"),
        (
            dict(province="24", label="x", valid_from=""),
            "hot_zone.missing_field",
            {"field": "valid_from"},
            "Thiếu ngày bắt đầu",
        ),
        (
            dict(province="24", label="x", valid_from="31/02/2026"),
            "hot_zone.invalid_value",
            {"field": "valid_from", "value": "31/02/2026"},
            "ngày bắt đầu không hợp lệ: “31/02/2026”",
        ),
        (
            dict(province="24", label="x", valid_from="10/11/2026", valid_to="01/11/2026"),
            "hot_zone.ends_before_start",
            {"valid_from": dt.date(2026, 11, 10), "valid_to": dt.date(2026, 11, 1)},
            "Ngày kết thúc 01/11/2026 trước ngày bắt đầu 10/11/2026",
        ),
    ],
)
def test_invalid_zones_are_refused_with_a_reason(sqlite_engine, bad, code, params, message):
    with sqlite_engine.connect() as conn:
        ref = load_reference(conn)
    with pytest.raises(hotzones.HotZoneError) as exc:
        hotzones.validate_zone(bad, ref)
    assert (exc.value.code, exc.value.params) == (code, params)
    assert error_text(exc.value, "vi").startswith(message)
    assert isinstance(exc.value, ValueError)


def test_zone_errors_in_english():
    late = hotzones.HotZoneError(
        "hot_zone.ends_before_start", valid_from=dt.date(2026, 11, 10), valid_to=dt.date(2026, 11, 1)
    )
    assert error_text(late, "en") == "End date 01/11/2026 is before start date 10/11/2026"
    bad = hotzones.HotZoneError("hot_zone.invalid_value", field="valid_to", value="1e+300")
    assert error_text(bad, "en", line=1234) == "line 1,234: Invalid end date: “1e+300”"
    assert error_text(bad, "vi", line=1234) == "dòng 1.234: ngày kết thúc không hợp lệ: “1e+300”"


def test_an_unknown_zone_is_refused_by_its_id(store):
    with store.begin() as conn, pytest.raises(hotzones.HotZoneError) as exc:
        hotzones.delete_zone(conn, 12345, changed_by="lan")
    assert (exc.value.code, exc.value.params) == ("hot_zone.unknown", {"zone_id": 12345})
    assert error_text(exc.value, "vi") == "Không có vùng dịch số 12345"


ZONE_HEADER = ["Tỉnh", "Huyện", "Nhãn", "Từ ngày", "Đến ngày"]


def test_replace_from_file_then_same_file_again_changes_nothing(store):
    rows = [
        ["Bắc Giang", "", "Chỉ thị 16", "12/11/2026", "14/11/2026"],
        ["TP. Hồ Chí Minh", "Gò Vấp", "Phong tỏa", "2026-11-18", ""],
    ]
    data = csv_bytes(rows, header=ZONE_HEADER, delimiter=";")
    with store.begin() as conn:
        ref = load_reference(conn)
        zones, problems = hotzones.read_zone_file(data, ref)
        assert problems == [] and len(zones) == 2
        change = hotzones.replace_zones(conn, zones, changed_by="lan")
    assert (change.added, change.deleted, change.reclassified) == (2, 0, 5)
    with store.begin() as conn:
        again = hotzones.replace_zones(conn, hotzones.read_zone_file(data, ref)[0], changed_by="lan")
    assert again == hotzones.ZoneChange(0, 0, 0, 0)
    # A new list (XLSX with Excel date cells): Bắc Giang ends later, Gò Vấp is gone.
    book = xlsx_bytes(
        [["Bắc Giang", None, "Chỉ thị 16", dt.datetime(2026, 11, 12), dt.datetime(2026, 11, 15)]],
        header=ZONE_HEADER,
        title_rows=[["DANH SÁCH VÙNG DỊCH"]],
    )
    with store.begin() as conn:
        change = hotzones.replace_zones(conn, hotzones.read_zone_file(book, ref)[0], changed_by="minh")
    # bg-15 and bg-cough (same level, new reason) on 15 Nov; gv-18 and gv-19 back to low
    assert (change.added, change.updated, change.deleted, change.reclassified) == (0, 1, 1, 4)
    with store.connect() as conn:
        assert risk(conn, "bg-15")[0] == "high" and risk(conn, "gv-19")[0] == "low"
        assert [c["action"] for c in hot_zones.recent_changes(conn)] == ["replace", "replace"]
        rollups_reconcile(conn)


def test_zone_file_problems_are_reported_per_line(sqlite_engine):
    data = csv_bytes(
        [["Bắc Giang", "", "Chỉ thị 16", "12/11/2026", ""], ["Nowhere", "", "x", "12/11/2026", ""]], header=ZONE_HEADER
    )
    with sqlite_engine.connect() as conn:
        zones, problems = hotzones.read_zone_file(data, load_reference(conn))
    assert len(zones) == 1 and len(problems) == 1
    assert (problems[0].line, problems[0].error.code) == (3, "hot_zone.invalid_value")
    assert problems[0].error.params == {"field": "province", "value": "Nowhere"}
    assert hot_zones_view.problems_text(problems, "vi") == "dòng 3: Tỉnh không hợp lệ: “Nowhere”"
    assert hot_zones_view.problems_text(problems, "en") == "line 3: Invalid province: “Nowhere”"


def test_cli_hotzones_import_and_list(tmp_path, sqlite_url, sqlite_engine):
    path = tmp_path / "vung-dich.csv"
    path.write_bytes(csv_bytes([["Bắc Giang", "", "Chỉ thị 16", "12/11/2026", ""]], header=ZONE_HEADER))
    env = {"DATABASE_URL": sqlite_url, "USER": "lan", "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "data_access", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(Path(__file__).parents[1]),
        )

    out = run("hotzones", "import", str(path))
    assert out.returncode == 0, out.stderr
    assert "thêm 1" in out.stdout
    listed = run("hotzones", "list")
    assert listed.returncode == 0 and "Bắc Giang" in listed.stdout and "Chỉ thị 16" in listed.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    out = run("hotzones", "import", str(bad))
    assert out.returncode == 2 and out.stderr == "Lỗi [file.empty]: không đọc được tệp bad.csv: Tệp rỗng\n"
    wrong = tmp_path / "wrong.csv"
    wrong.write_bytes(
        csv_bytes([["Nowhere", "", "x", "12/11/2026", ""], ["Bắc Giang", "", "", "12/11/2026", ""]], header=ZONE_HEADER)
    )
    out = run("hotzones", "import", str(wrong))
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "Lỗi [hot_zone.invalid_value]: dòng 2: Tỉnh không hợp lệ: “Nowhere”",
        "Lỗi [hot_zone.missing_label]: dòng 3: Thiếu nhãn (ví dụ: Chỉ thị 16)",
        "Danh sách vùng dịch không thay đổi (sửa các dòng trên rồi nhập lại).",
    ]
    with sqlite_engine.connect() as conn:
        assert hot_zones.recent_changes(conn)[0]["changed_by"] == "lan"
