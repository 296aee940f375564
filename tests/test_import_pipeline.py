"""Import of declaration files (SPEC §3), with fixture files the tests write themselves.

For every file: rows in = accepted + duplicates + quarantined; the batch record agrees with the
store; the rollups reconcile with the stored rows; importing it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from data_access import masking
from data_access.domain import FLAGS, SYMPTOMS
from data_access.importing.pipeline import KILL_HOOK_ENV, UnreadableFile, import_file
from data_access.queries import imports, quality
from data_access.store import schema
from tests.import_support import (
    HEADER_VI,
    TITLE_ROWS,
    check_import,
    csv_bytes,
    declaration_count,
    row,
    xlsx_bytes,
)

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def stored(conn, decl_id: str) -> dict:
    return dict(
        conn.execute(select(schema.declarations).where(schema.declarations.c.declaration_id == decl_id))
        .mappings()
        .one()
    )


def run_import(engine, data: bytes, name: str = "khai-bao.csv", **kw):
    result = import_file(engine, data, name, created_by="test", now=NOW, **kw)
    with engine.connect() as conn:
        check_import(conn, result)
    return result


def import_twice(engine, data: bytes, name: str = "khai-bao.csv", **kw):
    """Import ``data``, check it, import it again: the second run must add nothing."""
    first = run_import(engine, data, name, **kw)
    with engine.connect() as conn:
        count = declaration_count(conn)
    again = run_import(engine, data, name, **kw)
    assert again.accepted == 0 and again.rows_in == first.rows_in
    assert again.duplicates == first.accepted + first.duplicates and again.quarantined == first.quarantined
    with engine.connect() as conn:
        assert declaration_count(conn) == count
    return first


BASIC = [
    row(declaration_id="A1", full_name="Trần Thị Bình", origin_district="Giao Thủy"),
    row(declaration_id="A2", declared_at="20/11/2026 21:40", direction="Ra", channel="Giấy", origin_province="Hà Nội"),
    row(
        declaration_id="A3",
        declared_at="2026-11-20T03:00:00+00:00",
        checkpoint="tan de",
        fever="có",
        visited_hotzone="x",
    ),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_every_encoding_and_separator(sqlite_engine, encoding, delimiter):
    result = import_twice(sqlite_engine, csv_bytes(BASIC, encoding=encoding, delimiter=delimiter))
    assert (result.rows_in, result.accepted, result.quarantined) == (3, 3, 0)
    with sqlite_engine.connect() as conn:
        a1 = stored(conn, "A1")
        assert a1["full_name"] == "Trần Thị Bình" == unicodedata.normalize("NFC", a1["full_name"])
        assert a1["origin_district"] == "Giao Thủy"
        assert stored(conn, "A2")["origin_province_code"] == "01" and stored(conn, "A2")["channel"] == "paper"
        a3 = stored(conn, "A3")
        assert a3["declared_at"] == dt.datetime(2026, 11, 20, 3, 0) and a3["risk_level"] == "high"


def test_nfd_text_from_a_mac_is_stored_nfc(engine):
    data = unicodedata.normalize("NFD", csv_bytes(BASIC).decode()).encode()
    assert "Trần".encode() not in data  # really decomposed
    import_twice(engine, data)
    with engine.connect() as conn:
        assert stored(conn, "A1")["full_name"] == unicodedata.normalize("NFC", "Trần Thị Bình")
        assert stored(conn, "A1")["origin_district"] == unicodedata.normalize("NFC", "Giao Thủy")


def test_xlsx_with_title_rows_excel_dates_and_a_named_sheet(engine):
    rows = [
        row(
            declaration_id="X1",
            declared_at=dt.datetime(2026, 11, 20, 7, 30),
            id_number=34090001234,
            phone=912345678,
            birth_year=1990,
        ),
        row(declaration_id="X2", declared_at="20/11/2026 07:45:10", birth_year=1985.0),
    ]
    data = xlsx_bytes(rows, title_rows=TITLE_ROWS, extra_sheets=("Hướng dẫn",))
    with pytest.raises(UnreadableFile) as exc:
        import_file(engine, data, "bao-cao.xlsx", now=NOW)  # the first sheet is the notes
    assert exc.value.code == "file.no_header"
    with pytest.raises(UnreadableFile) as exc:
        import_file(engine, data, "bao-cao.xlsx", sheet="Trang 9", now=NOW)
    assert exc.value.code == "file.sheet_missing" and exc.value.params["sheet"] == "Trang 9"
    result = import_twice(engine, data, "bao-cao.xlsx", sheet="Danh sách")
    assert result.accepted == 2
    with engine.connect() as conn:
        x1 = stored(conn, "X1")
        assert x1["declared_at"] == dt.datetime(2026, 11, 20, 0, 30)  # 07:30 local = 00:30 UTC
        assert (x1["id_number"], x1["phone"], x1["birth_year"]) == ("034090001234", "0912345678", 1990)
        assert stored(conn, "X2")["declared_at"] == dt.datetime(2026, 11, 20, 0, 45, 10)


def test_every_alias_of_section_3(sqlite_engine):
    cases = {
        # id: (cells, expected stored values)
        "d1": (
            dict(direction="in", channel="paper", vehicle="ô tô", gender="nam", checkpoint="TAN_DE"),
            dict(direction="in", channel="paper", vehicle="car", gender="male"),
        ),
        "d2": (
            dict(direction="out", channel="vhd", vehicle="xe máy", gender="nữ", checkpoint="Cầu Thái Hà"),
            dict(direction="out", channel="vhd", vehicle="motorbike", gender="female"),
        ),
        "d3": (
            dict(direction="vào", channel="giấy", vehicle="xe tải", gender="male", checkpoint="thai ha"),
            dict(direction="in", channel="paper", vehicle="truck", gender="male"),
        ),
        "d4": (
            dict(
                direction="ra", channel="tokhaiyte", vehicle="xe khách", gender="female", checkpoint="cau trieu duong"
            ),
            dict(direction="out", channel="vhd", vehicle="bus", gender="female"),
        ),
        "d5": (
            dict(direction="VÀO", channel="Vietnam Health Declaration", vehicle="xe đạp", gender="other"),
            dict(direction="in", channel="vhd", vehicle="bicycle", gender="other"),
        ),
        "d6": (
            dict(channel="bluezone", vehicle="đi bộ", origin_province="Tỉnh Nam Định"),
            dict(channel="bluezone", vehicle="pedestrian", origin_province_code="36"),
        ),
        "d7": (
            dict(channel="ncovi", vehicle="car", origin_province="nam dinh", phone="+84 912 345 678"),
            dict(channel="ncovi", vehicle="car", origin_province_code="36", phone="0912345678"),
        ),
        "d8": (
            dict(channel="khác", vehicle="motorbike", origin_province="01", phone="84912345678"),
            dict(channel="other", vehicle="motorbike", origin_province_code="01", phone="0912345678"),
        ),
        "d9": (
            dict(channel="other", vehicle="truck", origin_province="TP. Hà Nội", phone="0912.345.678"),
            dict(channel="other", vehicle="truck", origin_province_code="01", phone="0912345678"),
        ),
        "d10": (
            dict(vehicle="bus", destination_district="344", plate="17a-123.45"),
            dict(vehicle="bus", destination_district_code="344", plate="17A-12345"),
        ),
        "d11": (
            dict(vehicle="bicycle", destination_district="tp thai binh"),
            dict(vehicle="bicycle", destination_district_code="336"),
        ),
        "d12": (dict(vehicle="pedestrian"), dict(vehicle="pedestrian")),
        "d13": (dict(vehicle="other"), dict(vehicle="other")),
    }
    flag_forms = [
        ("yes", True),
        ("no", False),
        ("có", True),
        ("không", False),
        ("c", True),
        ("k", False),
        ("x", True),
        ("1", True),
        ("0", False),
        ("true", True),
        ("false", False),
        ("", False),
    ]
    rows = [row(declaration_id=i, **cells) for i, (cells, _) in cases.items()]
    for n, (form, _) in enumerate(flag_forms):
        rows.append(
            row(
                declaration_id=f"f{n}",
                fever=form,
                cough=form,
                breathing_difficulty=form,
                sore_throat=form,
                loss_of_taste_smell=form,
                contact_f0=form,
                visited_hotzone=form,
                bluezone_installed=form,
                used_free_wifi=form,
            )
        )
    result = import_twice(sqlite_engine, csv_bytes(rows))
    assert result.accepted == len(rows) and result.warnings == 0
    with sqlite_engine.connect() as conn:
        for decl_id, (_, expected) in cases.items():
            got = stored(conn, decl_id)
            assert {k: got[k] for k in expected} == expected, decl_id
        for n, (form, value) in enumerate(flag_forms):
            got = stored(conn, f"f{n}")
            assert all(got[f] is value for f in SYMPTOMS + FLAGS), form
            assert got["risk_level"] == ("high" if value else "low")


@pytest.mark.parametrize(
    "field, bad, code",
    [
        ("declared_at", "", "missing"),
        ("declared_at", "31/02/2026 10:00", "invalid"),
        ("declared_at", "hôm qua", "invalid"),
        ("declared_at", "20/11/2026", "invalid"),  # a crossing needs a time of day
        ("declared_at", "01/01/2099 10:00", "future"),
        ("checkpoint", "", "missing"),
        ("checkpoint", "Cầu Long Biên", "invalid"),
        ("direction", "", "missing"),
        ("direction", "ngang", "invalid"),
        ("channel", "", "missing"),
        ("channel", "fax", "invalid"),
        ("origin_province", "", "missing"),
        ("origin_province", "Atlantis", "invalid"),
        ("origin_province", "99", "invalid"),
    ],
)
def test_each_invalid_required_field_quarantines_the_row_with_its_reason(sqlite_engine, field, bad, code):
    rows = [row(declaration_id="ok"), row(declaration_id="bad", **{field: bad})]
    result = import_twice(sqlite_engine, csv_bytes(rows))
    assert (result.accepted, result.quarantined) == (1, 1)
    with sqlite_engine.connect() as conn:
        q = imports.quarantine(conn)
    reasons = q.iloc[0]["reasons"]
    assert {"field": field, "code": code, "raw": bad} in reasons
    assert q.iloc[0]["line_number"] == 3 and q.iloc[0]["raw"]["Mã khai báo"] == "bad"


def test_invalid_optional_fields_are_accepted_with_warnings(engine):
    bad = dict(
        vehicle="tàu bay",
        plate="X" * 25,
        id_number="12345",
        phone="12",
        birth_year="1850",
        gender="?",
        destination_district="Hà Đông",
        fever="có lẽ",
    )
    result = import_twice(engine, csv_bytes([row(declaration_id="w1", **bad)]))
    assert (result.accepted, result.warnings) == (1, len(bad))
    with engine.connect() as conn:
        got = stored(conn, "w1")
        assert all(
            got[c] is None
            for c in ("vehicle", "plate", "id_number", "phone", "birth_year", "gender", "destination_district_code")
        )
        assert got["fever"] is False
        warned = quality.warnings_by_field(conn)
    assert set(warned["field"]) == {
        "vehicle",
        "plate",
        "id_number",
        "phone",
        "birth_year",
        "gender",
        "destination_district",
        "fever",
    }
    # the raw value is kept for the page (masked for personal fields)
    examples = dict(zip(warned["field"], warned["example"], strict=False))
    assert examples["vehicle"] == "tàu bay" and examples["phone"] == "**"
    assert examples["id_number"] == "1***5"


def test_duplicates_within_the_file_and_against_the_store(engine):
    same_person = dict(declared_at="20/11/2026 09:00:05", id_number="034090001234")
    first = [
        row(declaration_id="D1"),
        row(declaration_id="D1", full_name="Người khác"),
        row(declaration_id="D2"),
        row(**same_person),
        row(**same_person, full_name="Viết khác"),
    ]  # derived ids: same second + person
    result = run_import(engine, csv_bytes(first), "ngay-1.csv")
    assert (result.rows_in, result.accepted, result.duplicates) == (5, 3, 2)
    second = [row(declaration_id="D2"), row(declaration_id="D3"), row(**same_person)]
    result = run_import(engine, csv_bytes(second), "ngay-2.csv")
    assert (result.rows_in, result.accepted, result.duplicates) == (3, 1, 2)
    with engine.connect() as conn:
        assert stored(conn, "D1")["full_name"] == "Trần Thị Bình"  # the first one stays
        dups = imports.duplicates(conn)
    assert len(dups) == 4 and {"D1", "D2"} <= set(dups["declaration_id"])
    assert sum(i.startswith("d-") for i in dups["declaration_id"]) == 2  # the derived id, twice


HOSTILE = [
    "<script>alert('xss')</script>",
    "=cmd|' /C calc'!A0",
    "'; DROP TABLE declarations; --",
    "+SUM(1,2)",
    "@import",
    "-2+3",
]


def test_hostile_text_is_stored_as_text_and_exported_safely(engine):
    rows = [row(declaration_id=f"h{i}", full_name=text, origin_district=text) for i, text in enumerate(HOSTILE)]
    rows.append(row(declaration_id="hq", origin_province="=cmd|' /C calc'!A0", origin_district="<script>x</script>"))
    result = import_twice(engine, csv_bytes(rows, encoding="utf-8-sig", delimiter=";"), "hostile.csv")
    assert (result.accepted, result.quarantined) == (len(HOSTILE), 1)
    with engine.connect() as conn:
        for i, text in enumerate(HOSTILE):
            got = stored(conn, f"h{i}")
            assert got["full_name"] == text and got["origin_district"] == text
        q = imports.quarantine(conn)
    raw = q.iloc[0]["raw"]
    assert raw["Đi từ tỉnh"] == "=cmd|' /C calc'!A0" and raw["Đi từ huyện"] == "<script>x</script>"
    frame = __import__("pandas").DataFrame([raw])
    text = masking.csv_bytes(frame).decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "\n=cmd" not in text and ",=cmd" not in text
    book = openpyxl.load_workbook(io.BytesIO(masking.xlsx_bytes(frame)))
    cells = {c.value: c.data_type for r in book.active.iter_rows() for c in r if c.value}
    assert cells["'=cmd|' /C calc'!A0"] == "s"
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in cells)


def test_a_truncated_csv_is_read_up_to_where_it_stops(engine):
    data = csv_bytes([row(declaration_id=f"t{i}") for i in range(6)])
    cut = data[: len(data) - 40]  # inside the last row
    result = import_twice(engine, cut, "cut.csv")
    assert result.rows_in == 6 and result.accepted + result.quarantined == 6 and result.accepted >= 5


def test_a_truncated_xlsx_is_unreadable_and_stores_nothing(sqlite_engine):
    data = xlsx_bytes([row(declaration_id="z1")])
    with pytest.raises(UnreadableFile) as exc:
        import_file(sqlite_engine, data[: len(data) // 2], "cut.xlsx", now=NOW)
    assert exc.value.code == "file.xlsx_broken"
    with sqlite_engine.connect() as conn:
        assert declaration_count(conn) == 0
        assert imports.batches(conn).empty


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data_access", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "file.empty"),
        (b"   \r\n\r\n", "file.empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "file.not_table"),
        (b"%PDF-1.4 binary", "file.not_table"),
        ("Chỉ là một dòng chữ, không phải bảng\n".encode(), "file.no_header"),
        (xlsx_bytes([])[:300], "file.xlsx_broken"),
    ],
    ids=["empty", "blank", "png", "pdf", "text", "broken-xlsx"],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path, sqlite_url, sqlite_engine, content, code):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    out = cli("import", str(path), env={"DATABASE_URL": sqlite_url})
    assert out.returncode == 2, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.startswith(f"Lỗi [{code}]: không đọc được tệp file.csv: ")
    missing = cli("import", str(tmp_path / "missing.csv"), env={"DATABASE_URL": sqlite_url})
    assert missing.returncode == 2
    assert missing.stderr == "Lỗi [file.missing]: không đọc được tệp missing.csv: Tệp không tồn tại\n"


def test_the_events_carry_the_code_and_parameters(tmp_path, sqlite_url, sqlite_engine):
    path = tmp_path / "file.csv"
    path.write_bytes(b"")
    out = cli("import", str(path), "--events", env={"DATABASE_URL": sqlite_url})
    assert out.returncode == 2
    assert [json.loads(line) for line in out.stdout.splitlines()] == [
        {"unreadable": {"code": "file.empty", "params": {}}}
    ]


def test_cli_summary_and_json(tmp_path, sqlite_url, sqlite_engine):
    path = tmp_path / "khai-bao.csv"
    path.write_bytes(
        csv_bytes(BASIC + [row(declaration_id="A1"), row(channel="fax"), row(declaration_id="w", gender="?")])
    )
    out = cli("import", str(path), env={"DATABASE_URL": sqlite_url})
    assert out.returncode == 0, out.stderr
    assert "nhận: 4 · trùng: 1 · cách ly: 1 · cảnh báo: 1" in out.stdout
    out = cli("import", str(path), "--json", env={"DATABASE_URL": sqlite_url})
    data = json.loads(out.stdout)
    assert {k: data[k] for k in ("rows_in", "accepted", "duplicates", "quarantined", "warnings")} == dict(
        rows_in=6, accepted=0, duplicates=5, quarantined=1, warnings=0
    )


@pytest.mark.parametrize("mode", [{}, {"IMPORT_PARALLEL_BYTES": "0"}], ids=["inline", "worker-process"])
def test_an_import_killed_between_batches_completes_on_rerun_without_duplicates(
    tmp_path, sqlite_url, sqlite_engine, mode
):
    rows = [row(declaration_id=f"k{i}", declared_at=f"20/11/2026 10:{i:02d}") for i in range(23)]
    rows[7] = row(declaration_id="k7", channel="fax")  # quarantined rows resume too
    path = tmp_path / "lon.csv"
    path.write_bytes(csv_bytes(rows))
    env = {"DATABASE_URL": sqlite_url, "IMPORT_BATCH_ROWS": "5", **mode}
    killed = cli("import", str(path), env={**env, KILL_HOOK_ENV: "2"})
    assert killed.returncode == -signal.SIGKILL
    with sqlite_engine.connect() as conn:
        batch = imports.batches(conn).iloc[0]
        # two batches committed (the first chunk of an import is smaller than the others), not all
        assert batch["status"] == "running" and 0 < batch["rows_in"] < 23
        assert batch["last_line"] == batch["rows_in"] + 1  # the header is line 1
        quarantined_so_far = 1 if batch["last_line"] >= 9 else 0  # k7 is on line 9
        assert declaration_count(conn) == batch["rows_in"] - quarantined_so_far
    done = cli("import", str(path), "--json", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["rows_in"], data["accepted"], data["duplicates"], data["quarantined"]) == (23, 22, 0, 1)
    assert data["resumed_from_line"] == batch["last_line"] and data["batch_id"] == int(batch["id"])
    with sqlite_engine.connect() as conn:
        assert declaration_count(conn) == 22
        assert len(imports.batches(conn)) == 1


def test_an_import_stopped_by_its_progress_callback_resumes(engine):
    data = csv_bytes([row(declaration_id=f"p{i}", declared_at=f"20/11/2026 11:{i:02d}") for i in range(12)])

    def stop(progress):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(engine, data, "p.csv", batch_rows=5, progress=stop, now=NOW)
    with engine.connect() as conn:
        assert declaration_count(conn) == 5
        assert imports.batches(conn).iloc[0]["status"] == "failed"
    seen = []
    result = import_file(engine, data, "p.csv", batch_rows=5, progress=lambda p: seen.append(p.rows_in), now=NOW)
    assert (result.rows_in, result.accepted, result.resumed_from_line) == (12, 12, 6)
    assert seen == [10, 12]
    with engine.connect() as conn:
        check_import(conn, result)
        assert declaration_count(conn) == 12


@pytest.mark.parametrize("threaded", [False, True], ids=["forked", "fork-server"])
def test_worker_processes_give_the_same_result_as_inline(engine, threaded):
    rows = BASIC + [row(declaration_id=f"m{i}", declared_at=f"20/11/2026 12:{i:02d}") for i in range(30)]
    rows += [row(channel="fax"), row(declaration_id="A1"), row(declaration_id="w", gender="?")]
    # From a process with other threads (the dashboard), workers come from multiprocessing's fork
    # server instead of a fork of the importer.
    done = threading.Event()
    other = threading.Thread(target=done.wait, daemon=True)
    if threaded:
        other.start()
    try:
        result = import_file(engine, csv_bytes(rows), "w.csv", workers=2, batch_rows=4, now=NOW)
    finally:
        done.set()
    assert (result.rows_in, result.accepted, result.duplicates, result.quarantined, result.warnings) == (
        36,
        34,
        1,
        1,
        1,
    )
    with engine.connect() as conn:
        check_import(conn, result)
        assert stored(conn, "A3")["risk_level"] == "high" and stored(conn, "m29")["local_hour"] == 12
        q = imports.quarantine(conn)
    assert list(q["line_number"]) == [35]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_import_names_the_columns_it_did_not_read(tmp_path, sqlite_url, sqlite_engine, kind):
    """ "Mã tờ khai" is read as the declaration id; a column that matches no field is named in the
    summary (text, --json), never dropped silently."""
    header = ["Mã tờ khai" if h == "Mã khai báo" else h for h in HEADER_VI] + ["Ghi chú", "STT"]
    rows = [row(declaration_id=f"tk{i}", declared_at=f"20/11/2026 09:{i:02d}") + [f"ghi chú {i}", i] for i in range(3)]
    data = csv_bytes(rows, header=header) if kind == "csv" else xlsx_bytes(rows, header=header)
    path = tmp_path / f"to-khai.{kind}"
    path.write_bytes(data)
    out = cli("import", str(path), "--json", env={"DATABASE_URL": sqlite_url})
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["accepted"] == 3 and result["ids_derived"] is False
    assert result["unrecognised_columns"] == ["Ghi chú", "STT"]
    with sqlite_engine.connect() as conn:
        assert stored(conn, "tk1")["declaration_id"] == "tk1"  # the file's own ids, not derived ones
    again = tmp_path / f"lai.{kind}"
    again.write_bytes(data)
    text = cli("import", str(again), env={"DATABASE_URL": sqlite_url}).stdout
    assert "trùng: 3" in text and "cột không nhận diện (bỏ qua): Ghi chú, STT" in text
    assert "không có cột mã khai báo" not in text


def test_an_import_without_an_id_column_says_ids_were_derived(tmp_path, sqlite_url, sqlite_engine):
    header = [h for h in HEADER_VI if h != "Mã khai báo"]
    rows = [row(declared_at=f"20/11/2026 10:{i:02d}")[1:] for i in range(2)]
    path = tmp_path / "khong-ma.csv"
    path.write_bytes(csv_bytes(rows, header=header))
    out = cli("import", str(path), env={"DATABASE_URL": sqlite_url})
    assert out.returncode == 0, out.stderr
    assert "nhận: 2" in out.stdout
    assert "không có cột mã khai báo: mã được tạo từ thời gian, chốt, hướng" in out.stdout
    assert json.loads(cli("import", str(path), "--json", env={"DATABASE_URL": sqlite_url}).stdout)["ids_derived"]
