"""Hostile declaration and hot-zone files: zip bombs, huge cells, absurd widths and lengths, formula text.

The files are written here, in the test's folder, as small as they can be (an XLSX holding a 300 MB
cell is a 300 KB zip): nothing big is committed. Every import ends either read, with exact counts,
or refused whole with one Vietnamese line (:class:`UnreadableFile`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import string
import struct
import tracemalloc
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from dashboard.i18n import error_text
from data_access import hotzones, masking
from data_access.fields import FIELDS, RAW_KEEP_CHARS
from data_access.importing import reader as parsing
from data_access.importing.pipeline import import_file, load_reference
from data_access.importing.reader import UnreadableFile, field_for_header, read_table
from data_access.queries import imports
from data_access.store import schema
from tests.import_support import (
    HEADER_VI,
    check_import,
    csv_bytes,
    declaration_count,
    row,
    xlsx_bytes,
)
from tests.test_import_pipeline import NOW, run_import

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" Target="xl/workbook.xml"'
    f' Type="{_REL_NS}/officeDocument"/></Relationships>'
)
_WORKBOOK = (
    f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
    '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_REL_NS}/worksheet"/>'
    f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{_REL_NS}/sharedStrings"/>'
    f'<Relationship Id="rId3" Target="styles.xml" Type="{_REL_NS}/styles"/>'
    "</Relationships>"
)
#: Two cell formats: 0 plain, 1 with borders (what formatting a whole range in Excel leaves on empty cells).
_STYLES = (
    f'<styleSheet xmlns="{_MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>'
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


# ---------------------------------------------------------------- writing zips by hand


class Member:
    """One zip member as raw deflate pieces, with the CRC-32 and size of what they inflate to."""

    def __init__(self, name: str, pieces: Iterable[bytes], crc: int, size: int) -> None:
        self.name, self.pieces, self.crc, self.size = name, pieces, crc, size

    @classmethod
    def of(cls, name: str, data: bytes | str) -> Member:
        """A member holding ``data``, deflated."""
        data = data.encode() if isinstance(data, str) else data
        co = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name, [co.compress(data) + co.flush()], zlib.crc32(data), len(data))

    @classmethod
    def repeated(cls, name: str, prefix: bytes, unit: bytes, mebibytes: int, suffix: bytes) -> Member:
        """``prefix`` + ``unit`` repeated to ``mebibytes`` MiB + ``suffix``, without ever holding it.

        A deflate block of 1 MiB of ``unit`` that only refers back to earlier copies of ``unit``
        inflates to the same bytes wherever it is placed after one such MiB: it is written again
        and again (1 KB each for a 300 MB cell), as a zip bomb is made.
        """
        chunk = unit * ((1 << 20) // len(unit))
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = co.compress(prefix + chunk) + co.flush(zlib.Z_SYNC_FLUSH)
        body = co.compress(chunk) + co.flush(zlib.Z_SYNC_FLUSH)
        tail = co.compress(suffix) + co.flush()
        crc = zlib.crc32(prefix)
        for _ in range(mebibytes):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(suffix, crc)
        pieces = [head, *[body] * (mebibytes - 1), tail]
        return cls(name, pieces, crc, len(prefix) + mebibytes * len(chunk) + len(suffix))

    @classmethod
    def streamed(cls, name: str, chunks: Iterable[bytes | str]) -> Member:
        """A member of ``chunks`` deflated one at a time (CRC and size known once written)."""
        member = cls(name, [], 0, 0)

        def pieces() -> Iterator[bytes]:
            co = zlib.compressobj(1, zlib.DEFLATED, -15)
            for chunk in chunks:
                data = chunk.encode() if isinstance(chunk, str) else chunk
                member.crc, member.size = zlib.crc32(data, member.crc), member.size + len(data)
                yield co.compress(data)
            yield co.flush()

        member.pieces = pieces()
        return member


def write_zip(path: Path, members: Iterable[Member]) -> Path:
    """A zip file of deflated ``members`` (sizes below 4 GiB: no zip64)."""
    central = []
    with open(path, "wb") as out:
        for m in members:
            name = m.name.encode()
            offset = out.tell()
            # version 2.0, no flags, deflate, 1980-01-01 00:00; CRC and sizes are patched once written
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, 0, 0, 0, len(name), 0))
            out.write(name)
            start = out.tell()
            for piece in m.pieces:
                out.write(piece)
            end = out.tell()
            out.seek(offset + 14)
            out.write(struct.pack("<III", m.crc, end - start, m.size))
            out.seek(end)
            central.append(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    m.crc,
                    end - start,
                    m.size,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        directory = out.tell()
        for entry in central:
            out.write(entry)
        out.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - directory, directory, 0)
        )
    return path


# ---------------------------------------------------------------- writing workbooks by hand


class Shared(int):
    """A cell holding shared string number ``int`` (``t="s"``)."""


def _cell_xml(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Shared):
        return f'<c r="{ref}" t="s"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def rows_xml(rows: Iterable[list[object]], first: int = 1) -> Iterator[str]:
    """``<row>`` elements of ``rows`` (inline strings and numbers), numbered from ``first``."""
    for number, cells in enumerate(rows, start=first):
        body = "".join(_cell_xml(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(cells, start=1))
        yield f'<row r="{number}">{body}</row>'


def sheet_head(dimension: str | None = None, cols: str = "") -> str:
    """The start of a worksheet part up to and including ``<sheetData>``."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN_NS}">{dim}{cols}<sheetData>'
    )


SHEET_TAIL = "</sheetData></worksheet>"


def workbook_members(sheet: Member, shared: Member | None = None) -> list[Member]:
    """The parts of a one-sheet workbook around ``sheet`` (and a shared-string table)."""
    shared = shared or Member.of("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN_NS}" count="0" uniqueCount="0"/>')
    return [
        Member.of("[Content_Types].xml", _CONTENT_TYPES),
        Member.of("_rels/.rels", _ROOT_RELS),
        Member.of("xl/workbook.xml", _WORKBOOK),
        Member.of("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        Member.of("xl/styles.xml", _STYLES),
        shared,
        sheet,
    ]


def plain_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER_VI, **head) -> Path:
    """A workbook of ``header`` and ``rows``, written by hand (``head``: see :func:`sheet_head`)."""
    xml = sheet_head(**head) + "".join(rows_xml([header, *rows])) + SHEET_TAIL
    return write_zip(path, workbook_members(Member.of("xl/worksheets/sheet1.xml", xml)))


def shared_string_xlsx(path: Path, text: Member) -> Path:
    """A workbook whose one data row's full name is shared string 0, the ``text`` member."""
    sheet = sheet_head() + "".join(rows_xml([HEADER_VI, row(declaration_id="BIG", full_name=Shared(0))])) + SHEET_TAIL
    return write_zip(path, workbook_members(Member.of("xl/worksheets/sheet1.xml", sheet), text))


_SST_HEAD = f'<sst xmlns="{_MAIN_NS}" count="1" uniqueCount="1"><si><t>'.encode()
_SST_TAIL = b"</t></si></sst>"


def huge_shared_string_xlsx(path: Path, mebibytes: int) -> Path:
    """One ``mebibytes`` MiB shared string, in a zip of about a thousandth of that."""
    return shared_string_xlsx(path, Member.repeated("xl/sharedStrings.xml", _SST_HEAD, b"A", mebibytes, _SST_TAIL))


def styled_blank_rows_xlsx(path: Path, before: list[list[object]], blank: int, after: list[list[object]]) -> Path:
    """Header, ``before``, ``blank`` rows of 24 bordered empty cells (as formatting a whole range in
    Excel leaves them), then ``after``."""
    letters = [get_column_letter(i) for i in range(1, 25)]
    blank_row = (
        '<row r="{n}" spans="1:24" s="1" customFormat="1" ht="15" customHeight="1">'
        + "".join(f'<c r="{c}{{n}}" s="1"/>' for c in letters)
        + "</row>"
    )
    first_blank = len(before) + 2

    def chunks() -> Iterator[str]:
        yield sheet_head(dimension=f"A1:X{first_blank + blank + len(after)}")
        yield "".join(rows_xml([HEADER_VI, *before]))
        for start in range(first_blank, first_blank + blank, 10_000):
            yield "".join(blank_row.format(n=n) for n in range(start, min(start + 10_000, first_blank + blank)))
        yield "".join(rows_xml(after, first=first_blank + blank))
        yield SHEET_TAIL

    return write_zip(path, workbook_members(Member.streamed("xl/worksheets/sheet1.xml", chunks())))


@pytest.fixture
def inflated(monkeypatch) -> Counter:
    """Bytes read from each zip member (through zipfile) during the test."""
    counts: Counter = Counter()
    read = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        data = read(self, n)
        counts[self.name] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return counts


def refused(engine, source, name: str) -> UnreadableFile:
    """The error of an import that refuses ``source`` (worded in one line in either language); nothing
    is stored."""
    with pytest.raises(UnreadableFile) as exc:
        import_file(engine, source, name, created_by="test", now=NOW)
    for lang in ("vi", "en"):
        message = error_text(exc.value, lang)
        assert message and "\n" not in message and "{" not in message
    with engine.connect() as conn:
        assert declaration_count(conn) == 0 and imports.batches(conn).empty
    return exc.value


def warnings_of(conn, batch_id: int) -> list[tuple]:
    w = schema.import_warnings.c
    return [
        tuple(r)
        for r in conn.execute(
            select(w.line_number, w.field, w.code, w.raw_value)
            .where(w.batch_id == batch_id)
            .order_by(w.line_number, w.field)
        )
    ]


def quarantined_of(conn, batch_id: int) -> list[dict]:
    q = schema.quarantined_rows.c
    return [
        dict(r)
        for r in conn.execute(
            select(q.line_number, q.reasons, q.raw).where(q.batch_id == batch_id).order_by(q.line_number)
        ).mappings()
    ]


# ---------------------------------------------------------------- XLSX: zip bombs and huge cells


def test_a_300_mb_shared_string_is_refused_from_the_zip_directory(tmp_path, sqlite_engine, inflated):
    path = huge_shared_string_xlsx(tmp_path / "o-300mb.xlsx", 300)
    assert path.stat().st_size < 400_000
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/sharedStrings.xml").file_size > 300_000_000
    error = refused(sqlite_engine, path, "o-300mb.xlsx")
    assert error.code == "file.xlsx_part_too_big"
    assert error.params == {"part": "xl/sharedStrings.xml", "size": 301, "limit": 256}
    assert error_text(error, "vi") == (
        "Không đọc được tệp XLSX: phần “xl/sharedStrings.xml” quá lớn khi giải nén (301 MB, tối đa 256 MB)"
    )
    assert inflated["xl/sharedStrings.xml"] == 0  # refused from the sizes the zip declares


def test_a_300_mb_inline_string_is_a_zip_bomb(tmp_path, sqlite_engine, inflated):
    head = sheet_head() + "".join(rows_xml([HEADER_VI])) + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
    sheet = Member.repeated(
        "xl/worksheets/sheet1.xml", head.encode(), b"B", 300, ("</t></is></c></row>" + SHEET_TAIL).encode()
    )
    path = write_zip(tmp_path / "inline.xlsx", workbook_members(sheet))
    error = refused(sqlite_engine, path, "inline.xlsx")
    assert error.code == "file.xlsx_bomb" and error.params["part"] == "xl/worksheets/sheet1.xml"
    assert error.params["ratio"] > error.params["limit"] == 100
    message = error_text(error, "vi")
    assert message.startswith("Không đọc được tệp XLSX: phần “xl/worksheets/sheet1.xml” nén bất thường (")
    assert message.endswith(":1, tối đa 100:1), có thể là tệp độc hại")
    assert inflated["xl/worksheets/sheet1.xml"] == 0


def test_a_huge_cell_within_the_zip_limits_stops_the_reading_at_once(tmp_path, sqlite_engine, inflated, monkeypatch):
    """With the size and ratio checks out of the way, the stream check refuses the 300 MB string after
    its first megabytes: openpyxl never holds it."""
    monkeypatch.setattr(parsing, "XLSX_STRINGS_MAX_BYTES", 1 << 40)
    monkeypatch.setattr(parsing, "XLSX_RATIO_MAX", 10**9)
    path = huge_shared_string_xlsx(tmp_path / "o-300mb.xlsx", 300)
    tracemalloc.start()
    try:
        error = refused(sqlite_engine, path, "o-300mb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "file.xlsx_cell_too_long"
    assert error.params == {"part": "xl/sharedStrings.xml", "limit": 32_767}
    assert error_text(error, "vi") == (
        "Không đọc được tệp XLSX: có ô dài hơn 32.767 ký tự (giới hạn của Excel) trong phần “xl/sharedStrings.xml”"
    )
    assert 0 < inflated["xl/sharedStrings.xml"] <= 2 << 20
    assert peak < 64 << 20


def test_a_shared_string_over_excels_limit_is_refused(tmp_path, sqlite_engine):
    rng = random.Random(3)  # random letters: a ratio of about 1.5, nothing for the zip checks
    text = "".join(rng.choices(string.ascii_letters, k=40_000)).encode()
    path = shared_string_xlsx(tmp_path / "40k.xlsx", Member.of("xl/sharedStrings.xml", _SST_HEAD + text + _SST_TAIL))
    error = refused(sqlite_engine, path, "40k.xlsx")
    assert error.code == "file.xlsx_cell_too_long" and error.params["limit"] == 32_767
    assert "dài hơn 32.767 ký tự" in error_text(error, "vi") and "longer than 32,767 characters" in error_text(
        error, "en"
    )


def test_a_long_xlsx_cell_under_excels_limit_is_a_too_long_warning(tmp_path, sqlite_engine):
    name = "Nguyễn Văn " * 1000  # 11,000 characters
    sst = _SST_HEAD + escape(name).encode() + _SST_TAIL
    path = shared_string_xlsx(tmp_path / "name.xlsx", Member.of("xl/sharedStrings.xml", sst))
    result = run_import(sqlite_engine, path.read_bytes(), "name.xlsx")
    assert (result.rows_in, result.accepted, result.quarantined, result.warnings) == (1, 1, 0, 1)
    with sqlite_engine.connect() as conn:
        assert warnings_of(conn, result.batch_id) == [(2, "full_name", "too_long", name.strip()[:200] + "…")]
        assert conn.execute(select(schema.declarations.c.full_name)).scalar_one() is None


def test_a_doctype_is_refused(tmp_path, sqlite_engine):
    sst = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        + _SST_HEAD
        + b"&b;"
        + _SST_TAIL
    )
    path = shared_string_xlsx(tmp_path / "dtd.xlsx", Member.of("xl/sharedStrings.xml", sst))
    error = refused(sqlite_engine, path, "dtd.xlsx")
    assert (error.code, error.params) == ("file.xlsx_doctype", {"part": "xl/sharedStrings.xml"})


def test_an_overlong_sheet_row_is_refused(tmp_path, sqlite_engine, monkeypatch):
    monkeypatch.setattr(parsing, "XLSX_STRETCH_MAX_BYTES", 1 << 20)
    cells = "".join(f'<c r="{get_column_letter(1 + i % 16_000)}2"><v>{i}</v></c>' for i in range(100_000))
    xml = sheet_head() + "".join(rows_xml([HEADER_VI])) + f'<row r="2">{cells}</row>' + SHEET_TAIL
    path = write_zip(tmp_path / "row.xlsx", workbook_members(Member.of("xl/worksheets/sheet1.xml", xml)))
    error = refused(sqlite_engine, path, "row.xlsx")
    assert (error.code, error.params) == ("file.xlsx_stretch", {"limit": 1})
    assert error_text(error, "vi") == (
        "Không đọc được tệp XLSX: trang tính có một dòng (hoặc khối dữ liệu) dài bất thường, hơn 1 MB"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + bytes(range(256)) * 10,  # a zip's magic, then junk
        b"PK\x03\x04",
    ],
)
def test_broken_zips_are_unreadable(sqlite_engine, data):
    error = refused(sqlite_engine, data, "junk.xlsx")
    assert (error.code, error.params) == ("file.xlsx_broken", {})


def test_malformed_sheet_xml_is_unreadable(tmp_path, sqlite_engine):
    xml = sheet_head() + "".join(rows_xml([HEADER_VI])) + '<row r="2"><c r="A2"><v>1</v></row>' + SHEET_TAIL
    path = write_zip(tmp_path / "bad.xlsx", workbook_members(Member.of("xl/worksheets/sheet1.xml", xml)))
    assert refused(sqlite_engine, path, "bad.xlsx").code == "file.xlsx_broken"


# ---------------------------------------------------------------- XLSX: widths and blank rows


def _times(n: int) -> list[str]:
    start = dt.datetime(2026, 11, 20, 6, 0)
    return [(start + dt.timedelta(seconds=i)).strftime("%d/%m/%Y %H:%M:%S") for i in range(n)]


def test_a_sheet_claiming_16384_columns_reads_only_the_header_columns(tmp_path, engine):
    rows = [row(declaration_id=f"W{i}", declared_at=t) for i, t in enumerate(_times(2000))]
    path = plain_xlsx(
        tmp_path / "wide.xlsx",
        rows,
        dimension="A1:XFD1048576",
        cols='<cols><col min="1" max="16384" width="9" style="1" customWidth="1"/></cols>',
    )
    reader = read_table(path, "wide.xlsx")
    number, cells = next(reader.iter_cells())
    assert number == 2 and len(cells) == len(HEADER_VI)
    result = run_import(engine, path.read_bytes(), "wide.xlsx")
    assert (result.rows_in, result.accepted, result.quarantined) == (2000, 2000, 0)


def test_cells_right_of_the_header_are_not_read(tmp_path, sqlite_engine):
    xml = (
        sheet_head()
        + "".join(rows_xml([HEADER_VI, row(declaration_id="R1")]))
        + '<row r="3"><c r="XFD3"><v>1</v></c></row>'  # a row with a value far right only: blank
        + "".join(rows_xml([row(declaration_id="R2")], first=4))[: -len("</row>")]
        + '<c r="XFD4" t="inlineStr"><is><t>xa</t></is></c></row>'
        + SHEET_TAIL
    )
    path = write_zip(tmp_path / "right.xlsx", workbook_members(Member.of("xl/worksheets/sheet1.xml", xml)))
    assert [(n, len(c)) for n, c in read_table(path, "right.xlsx").iter_cells()] == [(2, 24), (4, 24)]
    result = run_import(sqlite_engine, path.read_bytes(), "right.xlsx")
    assert (result.rows_in, result.accepted) == (2, 2)


def test_a_header_wider_than_200_columns_is_refused(tmp_path, sqlite_engine):
    header_row = (
        "".join(rows_xml([HEADER_VI]))[: -len("</row>")] + '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    xml = sheet_head() + header_row + "".join(rows_xml([row(declaration_id="H1")], first=2)) + SHEET_TAIL
    path = write_zip(tmp_path / "hdr.xlsx", workbook_members(Member.of("xl/worksheets/sheet1.xml", xml)))
    error = refused(sqlite_engine, path, "hdr.xlsx")
    assert (error.code, error.params) == ("file.too_many_columns", {"columns": 16_384, "limit": 200})
    assert error_text(error, "vi") == "Dòng tiêu đề có 16.384 cột, quá giới hạn 200 cột"
    assert error_text(error, "en") == "The header row has 16,384 columns, over the limit of 200"
    wide_csv = csv_bytes([row(declaration_id="H1")], header=HEADER_VI + [""] * 300 + ["Ghi chú"])
    error = refused(sqlite_engine, wide_csv, "hdr.csv")
    assert (error.code, error.params) == ("file.too_many_columns", {"columns": 325, "limit": 200})


def test_200k_empty_styled_rows_cost_little_and_rows_after_them_are_read(tmp_path, sqlite_engine):
    times = _times(4)
    before = [row(declaration_id="B1", declared_at=times[0]), row(declaration_id="B2", declared_at=times[1])]
    after = [row(declaration_id="A1", declared_at=times[2]), row(declaration_id="A2", checkpoint="Cầu Long Biên")]
    path = styled_blank_rows_xlsx(tmp_path / "styled.xlsx", before, 200_000, after)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 100_000_000
    tracemalloc.start()
    try:
        result = import_file(sqlite_engine, path, "styled.xlsx", created_by="test", now=NOW)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (result.rows_in, result.accepted, result.quarantined) == (4, 3, 1)
    assert peak < 64 << 20
    with sqlite_engine.connect() as conn:
        check_import(conn, result)
        (q,) = quarantined_of(conn, result.batch_id)
    assert q["line_number"] == 200_005 and q["reasons"] == [
        {"field": "checkpoint", "code": "invalid", "raw": "Cầu Long Biên"}
    ]


# ---------------------------------------------------------------- CSV


def test_a_csv_cell_over_the_csv_field_limit_is_refused_naming_its_line(sqlite_engine):
    data = csv_bytes(
        [row(declaration_id=f"C{i}") for i in range(5)] + [row(declaration_id="C9", full_name="N" * 200_000)]
    )
    error = refused(sqlite_engine, data, "big-cell.csv")
    assert (error.code, error.params) == ("file.csv_cell_too_long", {"line": 7, "limit": 131_072})
    assert error_text(error, "vi") == "Không đọc được tệp CSV: dòng 7 có ô dài hơn 131.072 ký tự"
    assert error_text(error, "en") == "Cannot read the CSV file: line 7 has a cell longer than 131,072 characters"


def test_a_csv_cell_over_the_limit_far_down_fails_the_import_there(sqlite_engine):
    rows = [row(declaration_id=f"C{i}", declared_at=t) for i, t in enumerate(_times(40))]
    rows.append(row(declaration_id="C99", full_name="N" * 200_000))
    with pytest.raises(UnreadableFile) as exc:
        import_file(sqlite_engine, csv_bytes(rows), "late.csv", created_by="test", now=NOW, batch_rows=10)
    assert (exc.value.code, exc.value.params) == ("file.csv_cell_too_long", {"line": 42, "limit": 131_072})
    with sqlite_engine.connect() as conn:  # the batches before it are in, the batch record says it failed
        assert declaration_count(conn) == 40
        assert imports.batches(conn).iloc[0]["status"] == "failed"


def test_a_csv_line_over_a_megabyte_is_refused(sqlite_engine):
    data = csv_bytes([row(declaration_id="C1")]) + ("x," * 600_000).encode() + b"\r\n"
    error = refused(sqlite_engine, data, "line.csv")
    assert (error.code, error.params) == ("file.csv_line_too_long", {"line": 3, "limit": 1})
    assert error_text(error, "vi") == "Không đọc được tệp CSV: dòng 3 dài hơn 1 MB"


def test_a_header_scan_error_is_reported_not_no_header(sqlite_engine):
    data = b'"' + b"x" * 200_000 + b'"\r\n' + csv_bytes([row()])
    error = refused(sqlite_engine, data, "first.csv")
    assert (error.code, error.params) == ("file.csv_cell_too_long", {"line": 1, "limit": 131_072})


# ---------------------------------------------------------------- caps on fields


def test_every_field_cap_is_below_the_kept_prefix():
    """A cut cell (RAW_KEEP_CHARS and "…") is too long for every field, so it is never stored."""
    assert all(f.max_length < RAW_KEEP_CHARS for f in FIELDS)


LONG_NAME = "Nguyễn " * 1430  # 10,010 characters


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_10000_character_cell_is_too_long_and_kept_as_a_prefix(engine, kind):
    header = HEADER_VI + ["Ghi chú"]
    rows = [
        row(declaration_id="N1", full_name=LONG_NAME) + ["ok"],
        row(declaration_id="N2", checkpoint="Cầu Tân Đệ " * 1000) + ["Ghi chú " * 2000],
        row(declaration_id="N3", plate="17A-123.45" + " " * 500, origin_district="Giao Thủy") + [""],
        row(declaration_id="N4", fever="có" * 26, destination_district="Vũ Thư " * 20) + [""],
    ]
    data = csv_bytes(rows, header=header) if kind == "csv" else xlsx_bytes(rows, header=header)
    result = run_import(engine, data, f"long.{kind}")
    assert (result.rows_in, result.accepted, result.quarantined, result.warnings) == (4, 3, 1, 3)
    prefix = LONG_NAME.strip()[:200] + "…"
    with engine.connect() as conn:
        assert warnings_of(conn, result.batch_id) == [
            (2, "full_name", "too_long", prefix),
            (5, "destination_district", "too_long", "Vũ Thư " * 20),
            (5, "fever", "too_long", "có" * 26),
        ]
        (q,) = quarantined_of(conn, result.batch_id)
        d = schema.declarations.c
        stored = dict(conn.execute(select(d.declaration_id, d.full_name)).all())
        plate = conn.execute(select(d.plate).where(d.declaration_id == "N3")).scalar_one()
    assert stored == {"N1": None, "N3": "Trần Thị Bình", "N4": "Trần Thị Bình"}
    assert plate == "17A-12345"  # blanks aside, the plate is short
    assert q["line_number"] == 3 and q["reasons"] == [
        {"field": "checkpoint", "code": "too_long", "raw": ("Cầu Tân Đệ " * 1000)[:200] + "…"}
    ]
    assert q["raw"]["Ghi chú"] == ("Ghi chú " * 2000)[:200] + "…"
    assert q["raw"]["Chốt kiểm soát"] == ("Cầu Tân Đệ " * 1000)[:200] + "…"
    assert max(len(v) for v in q["raw"].values() if isinstance(v, str)) == RAW_KEEP_CHARS + 1


# ---------------------------------------------------------------- hot-zone files

ZONE_HEADER = ["Tỉnh", "Huyện", "Nhãn", "Từ ngày", "Đến ngày"]


@pytest.fixture
def ref(sqlite_engine):
    with sqlite_engine.connect() as conn:
        return load_reference(conn)


def test_a_hot_zone_csv_with_a_200_kb_cell_is_unreadable(ref):
    data = csv_bytes([["Bắc Giang", "", "L" * 200_000, "12/11/2026", ""]], header=ZONE_HEADER)
    with pytest.raises(UnreadableFile) as exc:
        hotzones.read_zone_file(data, ref)
    assert (exc.value.code, exc.value.params) == ("file.csv_cell_too_long", {"line": 2, "limit": 131_072})


def test_long_hot_zone_cells_are_problems_of_their_line(ref):
    rows = [
        ["Bắc Giang", "", "L" * 5000, "12/11/2026", ""],
        ["Bắc Giang\n" + "X" * 5000, "", "Chỉ thị 16", "12/11/2026", ""],
        ["Bắc Giang", "", "Chỉ thị 16", "12/11/2026", 1e300],
        ["Bắc Giang", "", "Chỉ thị 15", "12/11/2026", ""],
    ]
    zones, problems = hotzones.read_zone_file(csv_bytes(rows, header=ZONE_HEADER), ref)
    assert [z["label"] for z in zones] == ["Chỉ thị 15"]
    assert [(p.line, p.error.code, p.error.params) for p in problems] == [
        (2, "hot_zone.label_too_long", {"limit": hotzones.LABEL_MAX}),
        (3, "hot_zone.invalid_value", {"field": "province", "value": "Bắc Giang " + "X" * 40 + "…"}),
        (4, "hot_zone.invalid_value", {"field": "valid_to", "value": "1e+300"}),
    ]
    assert [error_text(p.error, "vi", line=p.line) for p in problems] == [
        "dòng 2: Nhãn hoặc tên huyện quá dài",
        "dòng 3: Tỉnh không hợp lệ: “Bắc Giang " + "X" * 40 + "…”",
        "dòng 4: ngày kết thúc không hợp lệ: “1e+300”",
    ]
    book = xlsx_bytes([["Bắc Giang", None, "Chỉ thị 16", dt.datetime(2026, 11, 12), 1e300]], header=ZONE_HEADER)
    ((line, error),) = [(p.line, p.error) for p in hotzones.read_zone_file(book, ref)[1]]
    assert (line, error.code, error.params) == (2, "hot_zone.invalid_value", {"field": "valid_to", "value": "1e+300"})


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: huge_shared_string_xlsx(tmp / "z.xlsx", 300).read_bytes(),
        lambda tmp: b"PK\x03\x04" + bytes(range(256)) * 4,
        lambda tmp: bytes(range(256)) * 64,
        lambda tmp: b"\x89PNG\r\n\x1a\n" + bytes(1000),
        lambda tmp: ("a;" * 600_000).encode(),
        lambda tmp: b"",
    ],
)
def test_any_hostile_zone_file_is_unreadable_in_one_line(tmp_path, ref, make):
    with pytest.raises(UnreadableFile) as exc:
        hotzones.read_zone_file(make(tmp_path), ref)
    assert exc.value.code.startswith("file.")
    for lang in ("vi", "en"):
        assert error_text(exc.value, lang) and "\n" not in error_text(exc.value, lang)


def test_a_zone_file_of_too_many_rows_is_refused(ref):
    rows = [["Bắc Giang", "", f"Chỉ thị {i}", "12/11/2026", ""] for i in range(hotzones.ZONE_FILE_MAX_ROWS + 1)]
    with pytest.raises(UnreadableFile) as exc:
        hotzones.read_zone_file(csv_bytes(rows, header=ZONE_HEADER), ref)
    assert (exc.value.code, exc.value.params) == ("hot_zone.too_many_rows", {"limit": 10_000})
    assert error_text(exc.value, "vi").startswith("Tệp vùng dịch có hơn 10.000 dòng")


# ---------------------------------------------------------------- formulas and the quarantine view

FORMULAS = [
    " =cmd|' /C calc'!A0",
    '\n=HYPERLINK("http://x","y")',
    "\r\n+1",
    "\u00a0@SUM(A1)",
    "  -2+3",
    "\tok",
    "\rok",
    "=1",
    "+84",
    "-3",
    "@x",
]
HARMLESS = ["ok", "a=b", " ok ", "", "Nguyễn Văn A", "5 - 3", "'=already quoted"]


def test_formula_cells_after_blanks_are_neutralised():
    assert [masking.safe_cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert [masking.safe_cell(v) for v in HARMLESS] == HARMLESS
    assert masking.safe_cell(5) == 5 and masking.safe_cell(None) is None


def test_exports_of_formula_cells_are_text(tmp_path):
    frame = pd.DataFrame({"Họ và tên": FORMULAS, "Ghi chú": ["x\r=cmd|' /C calc'!A0"] * len(FORMULAS)})
    rows = list(csv.reader(io.StringIO(masking.csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in FORMULAS]
    # a carriage return inside a cell is quoted: a spreadsheet does not start a row (and a formula) there
    assert [r[1] for r in rows[1:]] == ["x\r=cmd|' /C calc'!A0"] * len(FORMULAS)
    assert b'"x\r=cmd' in masking.csv_bytes(frame)
    book = openpyxl.load_workbook(io.BytesIO(masking.xlsx_bytes(frame)))
    cells = [c for r in book.active.iter_rows(min_row=2) for c in r[:1]]
    assert {c.data_type for c in cells} == {"s"} and len(cells) == len(FORMULAS)
    # (xlsxwriter writes a carriage return as "_x000D_", which openpyxl leaves as it is)
    assert [c.value.replace("_x000D_", "\r") for c in cells] == ["'" + v for v in FORMULAS]


def test_a_file_of_formula_names_is_stored_verbatim_and_exported_quoted(engine):
    rows = [row(declaration_id=f"F{i}", full_name=v, origin_district=v) for i, v in enumerate(FORMULAS[:5])]
    rows.append(row(declaration_id="FQ", origin_province=" =cmd|' /C calc'!A0"))
    result = run_import(engine, csv_bytes(rows), "formulas.csv")
    assert (result.accepted, result.quarantined) == (5, 1)
    with engine.connect() as conn:
        d = schema.declarations.c
        names = dict(conn.execute(select(d.declaration_id, d.origin_district)).all())
        raw = imports.quarantine(conn).iloc[0]["raw"]
    assert names["F0"] == "=cmd|' /C calc'!A0"  # stripped, stored as text: only exports are quoted
    view = masking.quarantine_view(raw)
    assert view["Đi từ tỉnh"] == " =cmd|' /C calc'!A0"
    exported = masking.csv_bytes(pd.DataFrame([view])).decode("utf-8-sig")
    assert "' =cmd" in exported and ",=cmd" not in exported and ", =cmd" not in exported


def test_field_for_header():
    assert field_for_header("Số điện thoại") == "phone" and field_for_header("  so DIEN thoai ") == "phone"
    assert field_for_header("SĐT") == "phone" and field_for_header("declared_at") == "declared_at"
    assert field_for_header("Ho") == "cough" and field_for_header("Họ") is None
    for header in (
        "STT",
        "Tên",
        "Địa chỉ",
        "Email",
        "Số hộ chiếu",
        "Ngày sinh",
        "SĐT người thân",
        "Zalo",
        "Số điện thoại (2)",
        "",
    ):
        assert field_for_header(header) is None, header


def test_the_quarantine_view_shows_declaration_fields_only_personal_ones_masked():
    raw = {
        "STT": 1,
        "Mã khai báo": "Q1",
        "Thời gian khai báo": "20/11/2026 08:15",
        "Chốt kiểm soát": "Cầu Nghìn",
        "Họ": "Nguyễn",
        "Tên": "An",
        "Họ và tên": "Nguyễn Văn An",
        "Số CCCD/CMND": "034090001234",
        "Số điện thoại": "0912345678",
        "Số điện thoại (2)": "0987654321",
        "Biển số": "17A-12345",
        "Địa chỉ": "Số 5 Lý Bôn",
        "Email": "an@example.com",
        "Số hộ chiếu": "C1234567",
        "Ngày sinh": "01/01/1990",
        "SĐT người thân": "0911111111",
        "Zalo": "0922222222",
        "Đi từ huyện": "Đ" * 500,
        "Sốt": None,
        "Năm sinh": 1990,
    }
    assert masking.quarantine_view(raw) == {
        "Mã khai báo": "Q1",
        "Thời gian khai báo": "20/11/2026 08:15",
        "Chốt kiểm soát": "Cầu Nghìn",
        "Họ và tên": "Ngu******* An",
        "Số CCCD/CMND": "034******234",
        "Số điện thoại": "091****678",
        "Biển số": "17*****45",
        "Đi từ huyện": "Đ" * masking.VIEW_CHARS + "…",
        "Sốt": None,
        "Năm sinh": 1990,
    }
    assert masking.quarantine_view({}) == {}


def test_repeated_personal_columns_are_masked_in_the_raw_row():
    masked = masking.mask_raw_row({"Số điện thoại": "0912345678", "Số điện thoại (2)": "0987654321", "Zalo": "x"})
    assert masked == {"Số điện thoại": "091****678", "Số điện thoại (2)": "098****321", "Zalo": "x"}
