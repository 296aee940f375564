"""Helpers of the import, hot-zone and quality tests: fixture files written by the tests, and the
checks every import must pass (counts add up, the batch record agrees, rollups reconcile)."""

from __future__ import annotations

import csv
import io
from collections import Counter

import openpyxl
from sqlalchemy import Connection, func, select, true

from data_access.store import rollup, schema

HEADER_VI = [
    "Mã khai báo",
    "Thời gian khai báo",
    "Chốt kiểm soát",
    "Hướng",
    "Hình thức khai báo",
    "Phương tiện",
    "Biển số",
    "Họ và tên",
    "Số CCCD/CMND",
    "Số điện thoại",
    "Năm sinh",
    "Giới tính",
    "Đi từ tỉnh",
    "Đi từ huyện",
    "Nơi đến",
    "Sốt",
    "Ho",
    "Khó thở",
    "Đau họng",
    "Mất vị giác/khứu giác",
    "Tiếp xúc F0",
    "Đi qua vùng dịch",
    "Cài Bluezone",
    "Dùng Wi-Fi miễn phí",
]

TITLE_ROWS = [
    ["UBND TỈNH THÁI BÌNH"],
    ["TỔ CNTT PHÒNG, CHỐNG DỊCH COVID-19"],
    [],
    ["DANH SÁCH KHAI BÁO Y TẾ TẠI CHỐT KIỂM SOÁT"],
    ["(Từ ngày 20/11/2026 đến ngày 21/11/2026)"],
    [],
]


def row(**cells: object) -> list[object]:
    """One data row in HEADER_VI order; cells named by their field (declaration_id=…, declared_at=…)."""
    order = [
        "declaration_id",
        "declared_at",
        "checkpoint",
        "direction",
        "channel",
        "vehicle",
        "plate",
        "full_name",
        "id_number",
        "phone",
        "birth_year",
        "gender",
        "origin_province",
        "origin_district",
        "destination_district",
        "fever",
        "cough",
        "breathing_difficulty",
        "sore_throat",
        "loss_of_taste_smell",
        "contact_f0",
        "visited_hotzone",
        "bluezone_installed",
        "used_free_wifi",
    ]
    unknown = set(cells) - set(order)
    assert not unknown, unknown
    defaults = dict(
        declared_at="20/11/2026 08:15:00",
        checkpoint="Cầu Tân Đệ",
        direction="Vào",
        channel="tokhaiyte",
        vehicle="Xe máy",
        full_name="Trần Thị Bình",
        origin_province="Nam Định",
        destination_district="Vũ Thư",
    )
    defaults.update(cells)
    return [defaults.get(name, "") for name in order]


def csv_bytes(
    rows: list[list[object]],
    *,
    header: list[str] = HEADER_VI,
    encoding: str = "utf-8",
    delimiter: str = ",",
    title_rows: list[list[object]] | None = None,
) -> bytes:
    """A CSV file in ``encoding`` (utf-8, utf-8-sig, utf-16, cp1258…) with ``delimiter``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for title in title_rows or []:
        writer.writerow(title)
    writer.writerow(header)
    writer.writerows(["" if c is None else c for c in r] for r in rows)
    text = out.getvalue()
    if encoding == "cp1258":
        text = to_cp1258_form(text)
    return text.encode(encoding)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258_form(text: str) -> str:
    """Text as Windows-1258 spells Vietnamese: base letters with their hat, horn or breve
    precomposed (â, ư, ă…), tone marks as separate combining characters (as Word saves it)."""
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out)


def xlsx_bytes(
    rows: list[list[object]],
    *,
    header: list[str] = HEADER_VI,
    title_rows=None,
    sheet: str = "Danh sách",
    extra_sheets: tuple[str, ...] = (),
) -> bytes:
    """An XLSX workbook: optional sheets before, then ``sheet`` with title rows, header and rows."""
    book = openpyxl.Workbook()
    ws = book.active
    for name in extra_sheets:  # sheets before the list: the import must be told which one to read
        ws.title = name
        ws.append(["Ghi chú", "trang này không phải danh sách"])
        ws = book.create_sheet()
    ws.title = sheet
    for title in title_rows or []:
        ws.append(title)
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rollups_reconcile(conn: Connection) -> None:
    """Assert every rollup table equals its GROUP BY recomputed from the stored declarations."""
    for r in rollup.ROLLUPS:
        names = [*r.keys, *(f"n_{m}" for m in r.measures)]
        stored = Counter(tuple(x) for x in conn.execute(select(*(r.table.c[n] for n in names))))
        stored = Counter({k: v for k, v in stored.items() if any(k[len(r.keys) :])})
        fresh = Counter(tuple(x) for x in conn.execute(r.select_from_declarations(true())))
        assert stored == fresh, f"{r.table.name} does not reconcile with the declarations"
    vehicles_reconcile(conn)


def vehicles_reconcile(conn: Connection) -> None:
    """Assert plate_days holds each (day, plate)'s set of (checkpoint, direction) pairs as the rows
    give it, and vehicle_daily the number of plates per day and set."""
    d = schema.declarations.c
    pairs: dict[tuple, int] = {}
    for day, plate, checkpoint_id, direction in conn.execute(
        select(d.local_day, d.plate_hash, d.checkpoint_id, d.direction).where(d.plate_hash.is_not(None))
    ):
        key = (day, plate)
        pairs[key] = pairs.get(key, 0) | 1 << (2 * (checkpoint_id - 1) + (direction == "out"))
    p = schema.plate_days.c
    assert (
        dict(
            ((day, plate), crossed)
            for day, plate, crossed in conn.execute(select(p.local_day, p.plate_hash, p.crossed))
        )
        == pairs
    )
    v = schema.vehicle_daily.c
    stored = {(day, crossed): n for day, crossed, n in conn.execute(select(v.local_day, v.crossed, v.vehicles)) if n}
    assert stored == Counter((day, crossed) for (day, _), crossed in pairs.items())


def check_import(conn: Connection, result) -> None:
    """The invariants of SPEC §3 for one import result, against the store."""
    assert result.rows_in == result.accepted + result.duplicates + result.quarantined
    b = (
        conn.execute(select(schema.import_batches).where(schema.import_batches.c.id == result.batch_id))
        .mappings()
        .one()
    )
    assert (b["rows_in"], b["accepted"], b["duplicates"], b["quarantined"], b["warnings"]) == (
        result.rows_in,
        result.accepted,
        result.duplicates,
        result.quarantined,
        result.warnings,
    )
    assert b["status"] == "done" and b["checksum"] and b["created_by"]

    def count(table, **where):
        stmt = select(func.count()).select_from(table).where(table.c.batch_id == result.batch_id)
        return conn.execute(stmt).scalar()

    assert count(schema.declarations) == result.accepted
    assert count(schema.quarantined_rows) == result.quarantined
    assert count(schema.duplicate_rows) == result.duplicates
    assert count(schema.import_warnings) == result.warnings
    rollups_reconcile(conn)


def declaration_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(schema.declarations)).scalar()
