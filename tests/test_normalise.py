"""The import's one normaliser (data_access.importing.normalise) checked two ways.

* Against the plain rule, one cell at a time: every fixture file of the import tests, plus odd files
  written here, read in chunks and normalised column-wise (memos kept over the file, small and large,
  fast paths for values already in stored form) must give each field exactly what its own normaliser
  gives for that cell, with the same warnings and errors.
* CSV against XLSX: the same rows imported from either format leave identical declarations,
  quarantined rows, warnings, duplicates, rollups and counts.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import unicodedata
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.sql import sqltypes as sa_types

from data_access.fields import FIELDS, clip, derive_declaration_id, normalize_field
from data_access.importing import import_file, load_reference
from data_access.importing.normalise import ColumnPreparer
from data_access.importing.reader import read_table
from data_access.risk import HotZoneIndex
from data_access.store import schema
from tests.import_support import HEADER_VI, TITLE_ROWS, csv_bytes, row, xlsx_bytes
from tests.test_import_pipeline import BASIC, HOSTILE, NOW

ROOT = Path(__file__).resolve().parents[1]

#: Rows whose cells take every branch of the fast path: values already as stored, values that are
#: not, blanks, spaces, NFD, too long, invalid, future, derived ids, duplicates.
ODD = [
    row(declaration_id=" spaced id ", plate="17a-123.45", phone="+84 912 345 678", id_number="034 090 001 234"),
    row(declaration_id="p1", plate="17A12345", phone="0912345678", id_number="034090001234"),
    row(declaration_id="p2", plate="  ", phone="   ", id_number="\t", full_name="  Trần   Thị\tBình "),
    row(declaration_id="p3", plate="X" * 21, phone="0012345678", id_number="12345678901", birth_year="abc"),
    row(declaration_id="p4", phone="84912345678", id_number="１２３４５６７８９", plate="ÁB-123"),
    row(declaration_id="x" * 65, declared_at="20/11/2026 08:15:01"),
    row(declaration_id="p5", declared_at="2026-11-20 08:15:00", checkpoint="TAN_DE", direction="in"),
    row(declaration_id="p6", declared_at="2026-11-20T01:15:00Z", fever="x", contact_f0="có"),
    row(declaration_id="p7", declared_at="20-11-2026 8:15", origin_province="Hà Nội", origin_district="Ba Đình"),
    row(declaration_id="p8", declared_at="25/11/2026 19:09:00"),  # in the future, within the tolerance
    row(declaration_id="p9", declared_at="25/11/2026 19:11:00"),  # beyond it
    row(declaration_id="p10", declared_at="32/11/2026 08:00", checkpoint="nowhere", direction="?"),
    row(declaration_id="p1", full_name="Same id again"),
    row(declared_at="20/11/2026 09:00:00", phone="0912345678"),
    row(declared_at="20/11/2026 09:00:00", phone="0912 345 678"),  # same derived id: a duplicate
    row(declared_at="20/11/2026 09:00:01", full_name="Không Giấy Tờ"),
    row(declared_at="20/11/2026 09:00:02", full_name=""),
    row(declaration_id="p11", origin_province="Bắc Giang", origin_district="Việt Yên", visited_hotzone="1"),
    row(declaration_id="p12", origin_province="Bắc Giang", origin_district="Lục Nam", cough="yes"),
    row(declaration_id="p13", origin_province="24", declared_at="01/06/2026 10:00:00"),
    row(declaration_id="p14", gender="?", vehicle="tàu bay", destination_district="Hà Đông", fever="có lẽ"),
    ["p15", "20/11/2026 10:00:00", "Cầu Tân Đệ", "Vào", "Giấy"],  # a short row
    ["p16", "20/11/2026 10:00:01", "Cầu Tân Đệ", "Ra", "QR", *[""] * 19, "extra", "cells"],  # a long one
    ["", "", "", " ", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # blank
]


#: Long cells (the reader cuts those over 200 characters; the fields' caps make them "too_long"): required
#: and optional fields, short values among many blanks, decomposed text across the cut, and long notes in a
#: column that no field reads.
LONG = [
    row(declaration_id="L" * 101),
    row(
        declaration_id="l1",
        full_name="N" * 101,
        plate="1" * 31,
        origin_district="Đ" * 300,
        phone="0" * 60,
        fever="c" * 51,
    ),
    row(declaration_id="l2", checkpoint="Cầu " * 40),
    row(declaration_id="l3", origin_province=" " * 300 + "Nam Định", full_name=" " * 150 + "An" + " " * 150),
    row(declaration_id="l4", full_name=unicodedata.normalize("NFD", "Nguyễn Thị Ếch " * 20)),
    row(declaration_id="l5", destination_district="Vũ Thư" + " " * 95, gender="nam" * 17),
]
LONG_NOTES = ["x" * 500, "", "Ghi chú " * 100, "", unicodedata.normalize("NFD", "ý" * 250), ""]


def _bench_rows(tmp_path: Path, rows: int) -> bytes:
    """A simulated export as the import benchmark writes it (bench/bench_import.py)."""
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "bench_import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path / "bench.csv"
    bench.generate(path, rows)
    return path.read_bytes()


def corpus(tmp_path: Path) -> list[tuple[str, bytes]]:
    """Every CSV of the import tests and more, in the order they are imported."""
    files = [
        (f"basic-{e}-{ord(d)}.csv", csv_bytes(BASIC, encoding=e, delimiter=d))
        for e in ("utf-8", "utf-8-sig", "utf-16", "cp1258")
        for d in (",", ";", "\t")
    ]
    files.append(("nfd.csv", unicodedata.normalize("NFD", csv_bytes(BASIC + ODD).decode()).encode()))
    files.append(("odd.csv", csv_bytes(ODD, title_rows=TITLE_ROWS)))
    files.append(
        ("odd-cp1258.csv", csv_bytes([r for r in ODD if "１" not in "".join(r)], encoding="cp1258", delimiter=";"))
    )
    hostile = [row(declaration_id=f"h{i}", full_name=t, origin_district=t) for i, t in enumerate(HOSTILE)]
    hostile.append(row(declaration_id="hq", origin_province="=cmd|' /C calc'!A0", origin_district="<script>"))
    files.append(("hostile.csv", csv_bytes(hostile, encoding="utf-8-sig", delimiter=";")))
    invalid = [
        row(declaration_id=f"i{n}", **{f: v})
        for n, (f, v) in enumerate(
            [
                ("declared_at", ""),
                ("declared_at", "31/02/2026 10:00"),
                ("declared_at", "hôm qua"),
                ("declared_at", "20/11/2026"),
                ("declared_at", "01/01/2099 10:00"),
                ("checkpoint", ""),
                ("checkpoint", "Cầu Long Biên"),
                ("direction", ""),
                ("direction", "ngang"),
                ("channel", ""),
                ("channel", "fax"),
                ("origin_province", ""),
                ("origin_province", "Atlantis"),
                ("origin_province", "99"),
            ]
        )
    ]
    files.append(("invalid.csv", csv_bytes(invalid)))
    files.append(
        (
            "long-cells.csv",
            csv_bytes([r + [n] for r, n in zip(LONG, LONG_NOTES, strict=True)], header=HEADER_VI + ["Ghi chú"]),
        )
    )
    two_columns = [r[:7] + [r[7], "Tên khác " + str(n)] + r[8:] for n, r in enumerate(BASIC + ODD[:4])]
    files.append(("two-name-columns.csv", csv_bytes(two_columns, header=HEADER_VI[:8] + ["Họ tên"] + HEADER_VI[8:])))
    cut = csv_bytes([row(declaration_id=f"t{i}") for i in range(6)])
    files.append(("cut.csv", cut[: len(cut) - 40]))
    files.append(("bench.csv", _bench_rows(tmp_path, 3000)))
    files.append(("bench-again.csv", files[-1][1] + csv_bytes(ODD, header=[])))
    return files


_OUTCOME_TABLES = (schema.import_warnings, schema.duplicate_rows, schema.quarantined_rows, schema.declarations)
_ROLLUP_TABLES = (schema.crossing_hourly, schema.origin_hourly, schema.quality_daily)
_IGNORED = {"id", "batch_id", "received_at", "created_at"}  # differ between any two runs


def _snapshot(conn) -> dict:
    out = {}
    for table in _OUTCOME_TABLES + _ROLLUP_TABLES:
        names = [c.name for c in table.c if c.name not in _IGNORED]
        order = [table.c[n] for n in names if n in ("line_number", "declaration_id", "field")] or [
            table.c[n] for n in names
        ]
        if "id" in table.c:  # rows of one line number from several files: in the order they were stored
            order.append(table.c.id)
        out[table.name] = [tuple(r) for r in conn.execute(select(*(table.c[n] for n in names)).order_by(*order))]
    return out


def _import(engine, name: str, data: bytes, batch_rows: int) -> tuple[tuple, dict]:
    r = import_file(engine, data, name, created_by="test", now=NOW, batch_rows=batch_rows)
    with engine.connect() as conn:
        return (r.rows_in, r.accepted, r.duplicates, r.quarantined, r.warnings), _snapshot(conn)


def _wipe(engine) -> None:
    with engine.begin() as conn:
        for table in _OUTCOME_TABLES + _ROLLUP_TABLES + (schema.import_batches,):
            conn.execute(delete(table))


def _text(cell: object) -> object:
    """A cell NFC-normalised, None when blank: what a field's normaliser is handed."""
    if isinstance(cell, str):
        cell = unicodedata.normalize("NFC", cell)
        return cell if cell.strip() else None
    return cell


def _cell_by_cell(columns: dict[int, str], cells: list, ref) -> tuple[dict, list, list]:
    """One row by the plain rule: each field's first non-blank cell through ``normalize_field``."""
    values, warnings, errors = {}, [], []
    for f in FIELDS:
        found = [_text(cells[i]) if i < len(cells) else None for i, name in sorted(columns.items()) if name == f.name]
        cell = next((c for c in found if c is not None), None)
        value, code = normalize_field(f, cell, ref, NOW)
        values[f.column] = value
        if code is not None and (f.required or code != "missing"):
            issue = (f.name, code, "" if cell is None else clip(str(cell)))
            (errors if f.required else warnings).append(issue)
    if values["declaration_id"] is None and all(
        values[c] is not None for c in ("declared_at", "checkpoint_id", "direction")
    ):
        values["declaration_id"] = derive_declaration_id(
            values["declared_at"],
            values["checkpoint_id"],
            values["direction"],
            values["id_number"],
            values["phone"],
            values["full_name"],
        )
    return values, warnings, errors


def test_column_wise_normalisation_is_each_fields_own_rule(engine, tmp_path):
    with engine.connect() as conn:
        ref = load_reference(conn)
    checked = failing = 0
    for name, data in corpus(tmp_path):
        for chunk_rows, memo_limit in ((7, 5), (1000, 50_000)):
            reader = read_table(data, name)
            preparer = ColumnPreparer(reader.columns, ref, HotZoneIndex(()), NOW, memo_limit)
            rows = [cells for _, cells in reader.iter_cells(nfc=False)]
            for start in range(0, len(rows), chunk_rows):
                chunk = rows[start : start + chunk_rows]
                values, warnings, errors = preparer.normalise(chunk)
                for k, cells in enumerate(chunk):
                    expected_values, expected_warnings, expected_errors = _cell_by_cell(reader.columns, cells, ref)
                    assert errors.get(k, []) == expected_errors, (name, start + k)
                    if expected_errors:
                        failing += 1
                        continue  # a quarantined row: only its errors matter
                    assert {c: v[k] for c, v in values.items()} == expected_values, (name, start + k)
                    assert warnings.get(k, []) == expected_warnings, (name, start + k)
                    checked += 1
    assert checked > 6000 and failing > 30


def _workbook(rows: list[list[object]]) -> bytes:
    return xlsx_bytes(rows, title_rows=TITLE_ROWS)


def test_csv_and_xlsx_files_import_alike(engine, tmp_path):
    """The same rows as CSV and as XLSX (text cells) give the same store, chunk sizes aside."""
    with engine.begin() as conn:  # hot zones, so that risk depends on origin and day
        conn.execute(
            schema.hot_zones.insert(),
            [
                dict(
                    province_code="24",
                    district_name=None,
                    label="Bắc Giang",
                    valid_from=dt.date(2026, 5, 1),
                    valid_to=dt.date(2026, 6, 30),
                    created_at=dt.datetime(2026, 5, 1),
                ),
                dict(
                    province_code="24",
                    district_name="Viet Yen",
                    label="Việt Yên",
                    valid_from=dt.date(2026, 11, 1),
                    valid_to=None,
                    created_at=dt.datetime(2026, 11, 1),
                ),
            ],
        )
    odd = [r for r in ODD if any(str(c).strip() for c in r)]  # a spreadsheet has no blank row to skip
    rows = BASIC + odd + [row(declaration_id=f"x{i}", full_name=f"Người {i}") for i in range(40)]
    states = {}
    for batch_rows in (7, 1000):
        for name, data in (("list.csv", csv_bytes(rows, title_rows=TITLE_ROWS)), ("list.xlsx", _workbook(rows))):
            counts, state = _import(engine, name, data, batch_rows)
            _wipe(engine)
            states[(name, batch_rows)] = (counts, state)
    reference = states[("list.csv", 1000)]
    assert reference[1]["declarations"] and reference[1]["quarantined_rows"] and reference[1]["import_warnings"]
    assert reference[1]["duplicate_rows"]
    for key, (counts, state) in states.items():
        assert counts == reference[0], key
        for table, expected in reference[1].items():
            if table == "quarantined_rows":
                continue  # the row as read: a workbook's cells and a CSV line are kept alike, checked below
            assert state[table] == expected, (key, table)
        assert len(state["quarantined_rows"]) == len(reference[1]["quarantined_rows"])


def test_sqlite_time_text_is_sqlalchemys():
    """The import writes dates and times on SQLite as text of its own making, faster than SQLAlchemy's
    bind processors: it must be the very text they write, or both paths would not store alike."""
    from sqlalchemy.dialects import sqlite

    from data_access.store import ROW_COLUMNS
    from data_access.store.writing import _SQLITE_TEMPORAL

    rng = random.Random(4)
    dialect = sqlite.dialect()
    for i, process in _SQLITE_TEMPORAL:
        type_ = schema.declarations.c[ROW_COLUMNS[i]].type
        reference = type_.dialect_impl(dialect).bind_processor(dialect)
        for _ in range(2000):
            value = dt.datetime(
                rng.randint(1, 9999),
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randint(0, 23),
                rng.randint(0, 59),
                rng.randint(0, 59),
                rng.choice((0, rng.randint(0, 999_999))),
            )
            if not isinstance(type_, sa_types.DateTime):
                value = value.date()
            assert process(value) == reference(value)
        assert process(None) is None
