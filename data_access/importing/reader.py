"""Reading declaration files (SPEC §3): CSV in the usual Vietnamese encodings or XLSX, with title
rows above the header. Rows are streamed, never loaded whole.

Hostile files are refused whole, with one coded error (:class:`UnreadableFile`), before they
cost much memory or time; every limit below is a module constant:

- XLSX: before any part of the zip is parsed, the uncompressed size the zip declares for each XML
  part (zipfile never inflates more than that) and its compression ratio are checked. While the
  shared strings and the sheet are parsed, a text longer than Excel's own cell limit, an XML
  DOCTYPE (entity definitions), or a sheet stretch without a new row longer than
  :data:`XLSX_STRETCH_MAX_BYTES` refuses the file as soon as it is met: a 300 MB cell costs the
  first megabyte. Rows that hold no value (styled empty rows, as formatting a whole range in Excel
  leaves them) are dropped from the sheet's XML before openpyxl parses it, so a million of them
  cost about a second; blank rows are never a reason to stop reading. The sheet's declared
  dimension is ignored: only the columns up to the header's last are read.
- CSV: a line longer than :data:`CSV_LINE_MAX_BYTES`, or a cell longer than the csv module's field
  limit, refuses the file, naming the line (the module's limit is process-wide and stays as it is).
- Both: a header of more than :data:`MAX_COLUMNS` columns refuses the file. Every text cell longer
  than :data:`fields.RAW_KEEP_CHARS` is cut, as it is read, to that prefix and "…" (:func:`_cut`):
  no field takes that many characters (the row gets a "too_long" issue), and nothing long reaches
  the normalisers' memos, the quarantine or the warnings. Cells right of the header's last column
  are not read, and a row with nothing left of it is blank.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, BinaryIO, cast

from openpyxl.reader.excel import ExcelReader
from openpyxl.reader.strings import read_string_table
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS

from ..errors import CodedError
from ..fields import FIELDS, RAW_KEEP_CHARS, REQUIRED_FIELDS, clip
from ..text import fold

HEADER_SCAN_ROWS = 30
MIN_HEADER_MATCHES = 3
#: A header row wider than this is not a declaration list (the SPEC has 24 fields).
MAX_COLUMNS = 200
#: Excel's own limit on a cell's text: a longer one in an XLSX file was not written by Excel.
CELL_MAX_CHARS = 32_767
#: A CSV line this long (without a line break) refuses the file: csv would build it whole, with a
#: list of every field in it (a 24-field line is a few hundred bytes).
CSV_LINE_MAX_BYTES = 1 << 20
#: Uncompressed size (as the zip declares it) of an XLSX part: a worksheet (Excel's full 1,048,576
#: rows of 24 columns take about 1.3 GB with inline strings), the shared strings (the 5 million
#: distinct texts of such a sheet take about 150 MB; openpyxl keeps them all in memory), and every
#: other XML part, which openpyxl parses whole (styles, workbook, relationships: kilobytes).
XLSX_SHEET_MAX_BYTES = 2 << 30
XLSX_STRINGS_MAX_BYTES = 256 << 20
XLSX_PART_MAX_BYTES = 16 << 20
#: An XML part above XLSX_RATIO_FROM_BYTES that inflates more than this many times its compressed
#: size is a zip bomb (real sheets: 5–30, empty styled rows: about 30).
XLSX_RATIO_MAX = 100
XLSX_RATIO_FROM_BYTES = 4 << 20
#: openpyxl holds one row (or any other element of the sheet: merged cells, links) whole in memory:
#: a sheet stretch this long without a new row refuses the file.
XLSX_STRETCH_MAX_BYTES = 16 << 20

_SAMPLE_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_TEXT_READ = 64 * 1024
_DELIMITERS = (",", ";", "\t")
_XLSX_MAGIC = b"PK\x03\x04"
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"\x1f\x8b")
#: An XLSX integer this large is no phone or id number: it becomes its text (and is cut like text).
_BIG_INT = 10**30

#: Header spellings beyond field names and SPEC labels; None = a known column to ignore.
HEADER_ALIASES: dict[str, str | None] = {
    "STT": None,
    "TT": None,
    "Mã tờ khai": "declaration_id",
    "Thời gian": "declared_at",
    "Ngày giờ khai báo": "declared_at",
    "Ngày giờ": "declared_at",
    "Chốt": "checkpoint",
    "Điểm chốt": "checkpoint",
    "Chốt kiểm dịch": "checkpoint",
    "Chiều": "direction",
    "Hình thức": "channel",
    "Kênh khai báo": "channel",
    "Họ tên": "full_name",
    "Biển kiểm soát": "plate",
    "BKS": "plate",
    "CCCD": "id_number",
    "CMND": "id_number",
    "Số CMND/CCCD": "id_number",
    "CMND/CCCD": "id_number",
    "CCCD/CMND": "id_number",
    "SĐT": "phone",
    "Điện thoại": "phone",
    "Số ĐT": "phone",
    "Quê quán/Đi từ": "origin_province",
    "Tỉnh đi": "origin_province",
    "Đi từ": "origin_province",
    "Huyện đi": "origin_district",
    "Huyện đến": "destination_district",
}


class UnreadableFile(CodedError):
    """The file cannot be read as a declaration table: a code (``file.…``) and its parameters, worded
    by the catalogue (``error.file.…``) in one line."""


# ---------------------------------------------------------------- headers


@dataclass(frozen=True)
class HeaderSpec:
    """What the header row of a kind of table looks like.

    ``keys`` maps folded header text (:func:`text.fold`) to a field name, or to None for a known
    column that is ignored without being reported; ``ignored_exact`` are header texts (lower case)
    ignored before folding, for those whose folded form is a field's. The header is the row among
    the first ``scan_rows`` with at least ``min_matches`` fields, most ``required`` ones first, then
    most fields; ``no_header`` is the code of the error when there is none, and ``no_header_columns``
    the column headers that error names (its parameter ``columns``), if any.
    """

    keys: Mapping[str, str | None]
    required: tuple[str, ...]
    no_header: str
    no_header_columns: tuple[str, ...] = ()
    min_matches: int = MIN_HEADER_MATCHES
    scan_rows: int = HEADER_SCAN_ROWS
    ignored_exact: frozenset[str] = field(default_factory=frozenset)

    def match(self, text: str) -> tuple[bool, str | None]:
        """(whether ``text`` is a known header, its field name or None)."""
        if text.strip().lower() in self.ignored_exact:
            return True, None
        key = fold(text)
        return (key in self.keys), self.keys.get(key)

    def no_header_error(self) -> UnreadableFile:
        """The error of a file without this header."""
        if self.no_header_columns:
            return UnreadableFile(self.no_header, columns=list(self.no_header_columns))
        return UnreadableFile(self.no_header)


def _declaration_keys() -> dict[str, str | None]:
    keys: dict[str, str | None] = {}
    for f in FIELDS:
        keys[fold(f.name)] = f.name
        keys[fold(f.label)] = f.name
    for text, name in HEADER_ALIASES.items():
        keys.setdefault(fold(text), name)
    return keys


_LABELS = {f.name: f.label for f in FIELDS}
#: The header of a declaration file (SPEC §3). A surname column ("Họ" | "Tên") folds to "ho", the
#: cough label: it is ignored.
DECLARATION_HEADER = HeaderSpec(
    keys=_declaration_keys(),
    required=REQUIRED_FIELDS,
    no_header="file.no_header",
    no_header_columns=tuple(_LABELS[n] for n in REQUIRED_FIELDS),
    ignored_exact=frozenset({"họ"}),
)


def field_for_header(header: str) -> str | None:
    """The declaration field a file's column header names (field name, SPEC label or alias, in any
    case, with or without diacritics or spacing), or None for any other header."""
    return DECLARATION_HEADER.match(header)[1]


# ---------------------------------------------------------------- cells


def _cut(text: str) -> str:
    """A cell longer than RAW_KEEP_CHARS as the import keeps it: NFC-normalised (first: cutting
    decomposed text would keep fewer characters), without surrounding blanks, and if still longer,
    cut to its first RAW_KEEP_CHARS characters and "…" (longer than any field's cap: "too_long")."""
    return clip(unicodedata.normalize("NFC", text).strip())


def _cell(value: object) -> object:
    """An XLSX cell as the import sees it: long text cut (:func:`_cut`), text NFC-normalised (cp1258
    text carries tone marks as combining characters), absurdly large integers as text."""
    if value.__class__ is str:
        if len(value) > RAW_KEEP_CHARS:
            return _cut(value)
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if value.__class__ is int and not -_BIG_INT < value < _BIG_INT:
        return _cut(str(value))
    return value


def nfc_cells(cells: Sequence[Any]) -> list[Any]:
    """A row's text cells NFC-normalised (ASCII ones, most of a file, need no normalisation; typed XLSX
    cells stay as they are)."""
    return [c if c.__class__ is not str or c.isascii() else unicodedata.normalize("NFC", c) for c in cells]


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _is_blank_row(cells: list[object]) -> bool:
    return all(_blank(c) for c in cells)


def _match_header(cells: list[object], spec: HeaderSpec) -> dict[int, str | None]:
    """Column index -> field name (None: known but ignored) for the cells that are headers."""
    out: dict[int, str | None] = {}
    for i, c in enumerate(cells):
        if c is None:
            continue
        known, name = spec.match(str(c))
        if known:
            out[i] = name
    return out


_Found = tuple[tuple[int, int], int, dict[int, str | None]]


def _find_header(rows: list[tuple[int, list[object]]], spec: HeaderSpec) -> _Found | None:
    """Score, row number and mapping of the best header row: most required fields, then most
    fields; the earliest such row."""
    best: _Found | None = None
    for number, cells in rows:
        mapping = _match_header(cells, spec)
        fields = {name for name in mapping.values() if name}
        if len(fields) < spec.min_matches:
            continue
        score = (len(fields & set(spec.required)), len(fields))
        if best is None or score > best[0]:
            best = (score, number, mapping)
    return best


# ---------------------------------------------------------------- encoding


def _valid_utf8(stream: BinaryIO) -> bool:
    # not final: a file cut inside its last character is still UTF-8
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """Guess BOM-less UTF-16 from where the NUL bytes of ASCII characters sit."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if half and odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if half and even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f" or ch == "\x7f")
    return "\x00" in text or controls > 0.01 * max(len(text), 1)


def _detect_encoding(open_binary, sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if guess := _utf16_without_bom(sample):
        return guess
    if any(sample.startswith(m) for m in _BINARY_MAGIC):
        raise UnreadableFile("file.not_table")
    with open_binary() as stream:
        if _valid_utf8(stream):
            return "utf-8"
    try:
        sample.decode("cp1258")
    except UnicodeDecodeError:
        raise UnreadableFile("file.not_table") from None
    return "cp1258"


# ---------------------------------------------------------------- CSV guards


class _LongLine(Exception):
    """A CSV line longer than CSV_LINE_MAX_BYTES."""


class _LineGuard(io.BufferedIOBase):
    """A binary stream that stops at a line longer than :data:`CSV_LINE_MAX_BYTES` (raises
    :class:`_LongLine`), checked a read at a time (of _TEXT_READ bytes: see TableReader._csv_rows)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._run = 0  # bytes since the last line break

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        return self._checked(self._raw.read1(size) if hasattr(self._raw, "read1") else self._raw.read(size))

    def read(self, size: int | None = -1) -> bytes:
        return self._checked(self._raw.read(-1 if size is None else size))

    def close(self) -> None:
        super().close()
        self._raw.close()

    def _checked(self, data: bytes) -> bytes:
        # the last line break is near the end of a read: searched from there (a "\r" after the last
        # "\n" only), the common case scans a few hundred bytes, not the read
        last = data.rfind(b"\n")
        last = max(last, data.rfind(b"\r", last + 1))
        if last < 0:
            self._run += len(data)
        else:
            if self._run + last > CSV_LINE_MAX_BYTES:  # the line that ends in this read may be long
                first = min(i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0)
                if (
                    self._run + first > CSV_LINE_MAX_BYTES
                    or max(map(len, re.split(rb"[\r\n]", data[:last]))) > CSV_LINE_MAX_BYTES
                ):
                    raise _LongLine
            self._run = len(data) - last - 1
        if self._run > CSV_LINE_MAX_BYTES:
            raise _LongLine
        return data


# ---------------------------------------------------------------- XLSX guards


def _is_sheet_part(name: str) -> bool:
    return name.lower().startswith("xl/worksheets/")


def _is_strings_part(name: str) -> bool:
    return name.lower().rsplit("/", 1)[-1] == "sharedstrings.xml"


def _check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse an XLSX whose XML parts would inflate to too much, or inflate suspiciously much.

    Only XML parts are checked: openpyxl reads nothing else (images and the like are never
    inflated). The sizes are those the zip declares, which zipfile never reads past.
    """
    for info in archive.infolist():
        name = info.filename
        if not name.lower().endswith((".xml", ".rels")):
            continue
        limit = (
            XLSX_SHEET_MAX_BYTES
            if _is_sheet_part(name)
            else XLSX_STRINGS_MAX_BYTES
            if _is_strings_part(name)
            else XLSX_PART_MAX_BYTES
        )
        if info.file_size > limit:
            raise UnreadableFile(
                "file.xlsx_part_too_big", part=name, size=-(-info.file_size // 2**20), limit=limit // 2**20
            )
        if info.file_size > XLSX_RATIO_FROM_BYTES and info.file_size > XLSX_RATIO_MAX * max(info.compress_size, 1):
            raise UnreadableFile(
                "file.xlsx_bomb",
                part=name,
                ratio=info.file_size // max(info.compress_size, 1),
                limit=XLSX_RATIO_MAX,
            )


_CONTINUATION = bytes(range(0x80, 0xC0))


def _chars(data: bytes) -> int:
    """Characters in UTF-8 ``data`` (its bytes that do not continue a character)."""
    return len(data.translate(None, _CONTINUATION))


#: A row of the sheet's XML that holds no value: only empty cells (styled or not), or none. It must
#: carry its number (r=), and so must the row after it (or the sheet data ends), so that taking it
#: out numbers no other row differently. A '>' inside an attribute value only makes it not match.
#: Unprefixed tags only, as Excel, LibreOffice and the usual libraries write them: the literal
#: "<row" lets the regular expression engine skip to candidates at memory speed.
_BLANK_ROW = re.compile(
    rb"<row(?=[^>]*?\sr=)[^>]*(?:/>|>(?:\s*+<c[^>]*(?:/>|>\s*</c>))*+\s*</row>)"
    rb"(?=\s*<row[^>]*?\sr=|\s*</sheetData>)"
)


class _XlsxPart:
    """A part of an XLSX zip as openpyxl's parser reads it (``read(size)``), checked as it streams.

    A text (or tag) longer than :data:`CELL_MAX_CHARS` characters (with room for its tag), or a
    DOCTYPE, refuses the file. A sheet (``sheet=True``) is also refused at a stretch of
    :data:`XLSX_STRETCH_MAX_BYTES` without a new row, and its rows that hold no value are left out
    (:data:`_BLANK_ROW`). ``consumed`` counts the part's bytes read so far.
    """

    _TEXT_MAX = CELL_MAX_CHARS + 256  # a cell's text and its tag ("t xml:space=…>")

    def __init__(self, raw: IO[bytes], part: str, *, sheet: bool) -> None:
        self._raw, self.part, self._sheet = raw, part, sheet
        self.consumed = 0
        self._out, self._pos = b"", 0
        self._pending = b""  # sheet XML read but kept back: from the start of its last row on
        self._run = 0  # characters since the last "<"
        self._tail = b""  # the end of the previous chunk, for a DOCTYPE cut in two
        self._stretch = 0  # bytes since the last row start
        self._eof = False

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes of the (filtered) part, all the rest when ``size`` is negative; fewer
        when that is all one chunk of the part gives (a sheet's blank rows give nothing: reading on
        to fill ``size`` would read all of them before the first row is parsed)."""
        whole = size is None or size < 0
        while not self._eof and (whole or self._pos == len(self._out)):
            self._fill()
        end = len(self._out) if size is None or size < 0 else self._pos + size
        data = self._out[self._pos : end]
        self._pos += len(data)
        return data

    def close(self) -> None:
        self._raw.close()

    def _fill(self) -> None:
        chunk = self._raw.read(_CHUNK)
        self.consumed += len(chunk)
        if b"<!DOCTYPE" in chunk or b"<!DOCTYPE" in self._tail + chunk[:16]:
            # entity definitions: Excel never writes them, and expanded they can be any size
            raise UnreadableFile("file.xlsx_doctype", part=self.part)
        self._tail = chunk[-16:]
        if not chunk:
            self._eof = True
            data, self._pending = self._pending, b""
        else:
            data = self._filter(chunk) if self._sheet else chunk
        # checked as the parser gets it: after the filter, a million blank rows are not split up
        self._check(data)
        self._out = self._out[self._pos :] + data
        self._pos = 0

    def _check(self, data: bytes) -> None:
        """Refuse a text longer than _TEXT_MAX characters (counted across reads)."""
        pieces = data.split(b"<")
        run = self._run + _chars(pieces[0])
        if len(pieces) > 1:
            if run > self._TEXT_MAX or (
                max(map(len, pieces)) > self._TEXT_MAX
                and any(_chars(p) > self._TEXT_MAX for p in pieces[1:-1] if len(p) > self._TEXT_MAX)
            ):
                raise UnreadableFile("file.xlsx_cell_too_long", part=self.part, limit=CELL_MAX_CHARS)
            run = _chars(pieces[-1])
        if run > self._TEXT_MAX:
            raise UnreadableFile("file.xlsx_cell_too_long", part=self.part, limit=CELL_MAX_CHARS)
        self._run = run

    def _filter(self, chunk: bytes) -> bytes:
        """The sheet's XML read so far, without its blank rows, up to the start of its last row (the
        rest is kept back: the row may go on in the next chunk)."""
        buffer = self._pending + chunk
        cut = buffer.rfind(b"<row")
        if cut <= 0:  # no new row: a row longer than a chunk, or the end of the sheet, passes as it is
            self._stretch += len(chunk)
            if self._stretch > XLSX_STRETCH_MAX_BYTES:
                raise UnreadableFile("file.xlsx_stretch", limit=XLSX_STRETCH_MAX_BYTES >> 20)
            self._pending = b""
            return buffer
        self._stretch = len(buffer) - cut
        self._pending = buffer[cut:]
        return _BLANK_ROW.sub(b"", buffer[:cut])


class _XlsxSheet:
    """The sheet to read in an XLSX file, opened with openpyxl's own readers after the checks.

    openpyxl's ``load_workbook`` is not used: it parses every sheet at once when its dimension is
    missing, and its read-only rows are padded to the width and height the sheet claims.
    """

    def __init__(self, binary: IO[bytes], sheet: str | None) -> None:
        reader = ExcelReader(binary, read_only=True, data_only=True, keep_links=False)
        self.archive = archive = reader.archive
        _check_zip(archive)
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)
        if strings is not None:
            path = strings.PartName[1:]
            with archive.open(path) as raw:
                reader.shared_strings = read_string_table(_XlsxPart(raw, path, sheet=False))
        reader.read_workbook()
        apply_stylesheet(archive, reader.wb)
        self.strings, self.book = reader.shared_strings, reader.wb
        sheets = {
            s.name: rel.target
            for s, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        }
        if not sheets:
            raise UnreadableFile("file.no_sheet")
        if sheet is None:
            self.path = next(iter(sheets.values()))
        elif sheet in sheets:
            self.path = sheets[sheet]
        else:
            raise UnreadableFile("file.sheet_missing", sheet=sheet, sheets=list(sheets))
        self.size = archive.getinfo(self.path).file_size

    def rows(
        self, width: int | None, progress: Callable[[float], None], until: int | None = None, after: int = 0
    ) -> Generator[tuple[int, list[object]], None, bool]:
        """``(row number, cells)`` of the sheet's non-blank rows past row ``after``, ``width`` cells
        each (None: up to the row's last cell). With ``until``, stops at the first row past that
        number and returns whether there was one."""
        with self.archive.open(self.path) as raw:
            part = _XlsxPart(raw, self.path, sheet=True)
            book = self.book
            parser = WorkSheetParser(
                part,
                self.strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            size = max(self.size, 1)
            for number, found in parser.parse():
                # openpyxl keeps the attributes of every formatted row: a million took a gigabyte
                parser.row_dimensions.clear()
                if until is not None and number > until:
                    return True
                if not found or number <= after:
                    continue
                n = width or max(c["column"] for c in found)
                cells: list[object] = [None] * n
                filled = False
                for c in found:
                    value, column = c["value"], c["column"]
                    if value is not None and column <= n:
                        value = cells[column - 1] = _cell(value)
                        filled = filled or not (value.__class__ is str and not value.strip())
                if filled:
                    progress(part.consumed / size)
                    yield number, cells
        return False


# ---------------------------------------------------------------- reader


class TableReader:
    """A table found in a file: header position and mapping, and a row stream.

    ``iter_rows()`` may be called more than once; each call reads the file again from the start.
    """

    def __init__(
        self,
        source: str | os.PathLike | bytes,
        filename: str,
        sheet: str | None,
        encoding: str | None = None,
        header: HeaderSpec = DECLARATION_HEADER,
    ) -> None:
        self.filename = filename
        self._source = source
        self._spec = header
        self.total_bytes = len(source) if isinstance(source, bytes) else os.path.getsize(source)
        self._stream: IO[bytes] | None = None
        self._fraction = 0.0
        self.header_row_index = -1  #: 0-based index of the header row among the file's rows
        self.mapped_fields: dict[str, str] = {}  #: field name -> header text of its first column
        self.unmapped_headers: list[str] = []  #: header texts of columns that match no header spelling
        self.unrecognised_headers: list[str] = []  #: header texts of every column read into no field
        self._columns: dict[int, str] = {}
        self._headers: dict[int, str] = {}
        self._width: int | None = None  # columns read: up to the header's last
        self._more = False  # whether the last header scan stopped before the end of the file
        if self.total_bytes == 0:
            raise UnreadableFile("file.empty")
        with self._open_binary() as stream:
            head = stream.read(_SAMPLE_BYTES)
        self.format = "xlsx" if head.startswith(_XLSX_MAGIC) else "csv"
        self.sheet = sheet
        self.encoding: str | None = None
        self.delimiter: str | None = None
        if self.format == "xlsx":
            self._setup(self._xlsx_rows(until=self._spec.scan_rows))
        else:
            self._setup_csv(head, encoding)

    def _open_binary(self) -> BinaryIO:
        if isinstance(self._source, bytes):
            return io.BytesIO(self._source)
        return open(self._source, "rb")

    # -- CSV

    def _setup_csv(self, head: bytes, encoding: str | None) -> None:
        self.encoding = encoding or _detect_encoding(self._open_binary, head)
        text = head.decode(self.encoding, errors="ignore")
        if _looks_binary(text):
            raise UnreadableFile("file.not_table")
        if self.total_bytes <= _SAMPLE_BYTES and not text.strip("\ufeff \t\r\n,;"):
            raise UnreadableFile("file.empty")
        best: tuple[tuple[int, int], str, UnreadableFile | None] | None = None
        first_error: UnreadableFile | None = None
        for delimiter in _DELIMITERS:
            self.delimiter = delimiter
            rows, error = self._scan(self._csv_rows(until=self._spec.scan_rows))
            first_error = first_error or error
            found = _find_header(rows, self._spec)
            if found and (best is None or found[0] > best[0]):
                best = (found[0], delimiter, error)
        if best is None:
            raise first_error or self._spec.no_header_error()
        if best[2] is not None:  # the header is there, but the file cannot be read below it
            raise best[2]
        self.delimiter = best[1]
        self._setup(self._csv_rows(until=self._spec.scan_rows))

    def _csv_rows(
        self, nfc: bool = True, until: int | None = None, after: int = 0
    ) -> Iterator[tuple[int, list[object]]]:
        """``(row number, cells)`` of the non-blank rows past row ``after`` (numbered as csv counts
        records), cut to the header's width once it is known; a line or cell too long raises
        UnreadableFile. With ``until``, stops at the first row past that number (and sets ``_more``)."""
        binary = self._open_binary()
        self._stream = binary
        self._more = False
        # no per-row test of "is the width known" or "is there a limit": most of a file's rows pass here
        width, keep = self._width or sys.maxsize, RAW_KEEP_CHARS
        number = 0
        guard = cast(IO[bytes], _LineGuard(binary))
        with io.TextIOWrapper(guard, encoding=self.encoding, errors="replace", newline="") as text:
            # fewer, larger reads through the guard (an attribute of CPython's TextIOWrapper, not in the stubs)
            text._CHUNK_SIZE = _TEXT_READ  # type: ignore[attr-defined]
            try:
                records = enumerate(csv.reader(text, delimiter=self.delimiter or ","), start=1)
                for number, cells in islice(records, after, until):
                    if len(cells) > width:
                        del cells[width:]
                    joined = "".join(cells)  # one test per row, not per cell: most rows are short
                    if not joined.strip():
                        continue
                    if len(joined) > keep and max(map(len, cells)) > keep:
                        cells = [_cut(c) if len(c) > keep else c for c in cells]
                    yield number, cast(list[object], nfc_cells(cells) if nfc else cells)
                if until is not None:
                    self._more = next(records, None) is not None
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise UnreadableFile(
                        "file.csv_cell_too_long", line=number + 1, limit=csv.field_size_limit()
                    ) from exc
                raise UnreadableFile("file.csv_broken", line=number + 1) from exc
            except _LongLine:
                raise UnreadableFile(
                    "file.csv_line_too_long", line=number + 1, limit=CSV_LINE_MAX_BYTES >> 20
                ) from None

    # -- XLSX

    def _xlsx_rows(self, until: int | None = None, after: int = 0) -> Iterator[tuple[int, list[object]]]:
        def progress(fraction: float) -> None:
            self._fraction = min(fraction, 1.0)

        self._more = False
        try:
            with self._open_binary() as binary:
                sheet = _XlsxSheet(binary, self.sheet)
                self._more = yield from sheet.rows(self._width, progress, until, after)
        except UnreadableFile:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever openpyxl or zipfile cannot read is a broken file
            raise UnreadableFile("file.xlsx_broken") from exc

    # -- both

    def _rows(self, nfc: bool = True, after: int = 0) -> Iterator[tuple[int, list[object]]]:
        return self._xlsx_rows(after=after) if self.format == "xlsx" else self._csv_rows(nfc, after=after)

    def _scan(self, rows: Iterator[tuple[int, list[object]]]) -> tuple[list, UnreadableFile | None]:
        """The rows of a header scan (read with ``until``), and the error that stopped the reading
        there, if any."""
        scanned: list[tuple[int, list[object]]] = []
        error = None
        try:
            scanned.extend(rows)
        except UnreadableFile as exc:
            error = exc
        return scanned, error

    def _setup(self, rows: Iterator[tuple[int, list[object]]]) -> None:
        scanned, error = self._scan(rows)
        if error is not None:
            raise error
        if not scanned:
            raise self._spec.no_header_error() if self._more else UnreadableFile("file.empty")
        found = _find_header(scanned, self._spec)
        if found is None:
            raise self._spec.no_header_error()
        _, number, mapping = found
        self.header_row_index = number - 1
        header_cells = dict(scanned)[number]
        last = max((i for i, c in enumerate(header_cells) if not _blank(c)), default=-1)
        if last >= MAX_COLUMNS:
            raise UnreadableFile("file.too_many_columns", columns=last + 1, limit=MAX_COLUMNS)
        self._width = last + 1
        seen: dict[str, int] = {}
        for i, cell in enumerate(header_cells[: last + 1]):
            if cell is None or not str(cell).strip():
                continue
            text = str(cell).strip()
            seen[text] = seen.get(text, 0) + 1
            self._headers[i] = text if seen[text] == 1 else f"{text} ({seen[text]})"
            if i not in mapping:
                self.unmapped_headers.append(text)
            if mapping.get(i) is None:
                self.unrecognised_headers.append(text)
            else:
                name = cast(str, mapping[i])
                self._columns[i] = name
                self.mapped_fields.setdefault(name, text)

    def iter_rows(self) -> Iterator[tuple[int, dict[str, object], dict[str, object]]]:
        """Yield ``(row_number, raw, raw_original)`` for each non-blank row below the header.

        ``row_number`` is the 1-based row in the file (as a spreadsheet shows it). ``raw`` maps
        every mapped field to its cell (None when the row is short; with two columns for one
        field the first non-blank wins); ``raw_original`` maps header text to cell.
        """
        for number, raw, cells in self.iter_records():
            yield number, raw, self.original(cells)

    def iter_records(self) -> Iterator[tuple[int, dict[str, object], list[object]]]:
        """Like :meth:`iter_rows`, but yield the row's cells instead of ``raw_original``: a large
        import builds the original only for the few rows it quarantines (:meth:`original`)."""
        columns = list(self._columns.items())
        fields = list(self.mapped_fields)
        for number, cells in self.iter_cells(nfc=True):
            raw: dict[str, object] = dict.fromkeys(fields)
            n = len(cells)
            for i, name in columns:
                if i < n and raw[name] is None and not _blank(cells[i]):
                    raw[name] = cells[i]
            yield number, raw, cells

    def iter_cells(self, nfc: bool = True) -> Iterator[tuple[int, list[object]]]:
        """Yield ``(row_number, cells)`` for each non-blank row below the header, as read: at most
        as many cells as the header has columns, long text cut (see the module's docstring).

        With ``nfc=False`` the text cells of a CSV are not NFC-normalised: the column-wise import
        (:mod:`data_access.importing.normalise`) normalises a whole column at once, and only when needed.
        """
        self._fraction = 0.0
        yield from self._rows(nfc, after=self.header_row_index + 1)
        self._fraction = 1.0
        self._stream = None

    @property
    def columns(self) -> dict[int, str]:
        """Column index -> field name of the mapped columns (several columns may map one field)."""
        return dict(self._columns)

    def original(self, cells: list[object]) -> dict[str, object]:
        """The row as read: header text → cell (None where the row is short)."""
        n = len(cells)
        return {h: (cells[i] if i < n else None) for i, h in self._headers.items()}

    @property
    def bytes_read(self) -> int:
        """Approximate bytes consumed by the running ``iter_rows()`` (for a progress bar)."""
        if self.format == "csv" and self._stream is not None and not self._stream.closed:
            return min(self._stream.tell(), self.total_bytes)
        return round(self._fraction * self.total_bytes)

    @property
    def progress(self) -> float:
        """Fraction 0..1 of the file consumed by the running ``iter_rows()``."""
        return self.bytes_read / self.total_bytes if self.total_bytes else 1.0


def read_table(
    source: str | os.PathLike | bytes,
    filename: str,
    sheet: str | None = None,
    encoding: str | None = None,
    header: HeaderSpec = DECLARATION_HEADER,
) -> TableReader:
    """Open a declaration file (path or bytes) and locate its header row.

    The format is taken from the content (XLSX is a zip; anything else is tried as CSV);
    ``filename`` is only kept for messages. ``sheet`` names an XLSX sheet (default: the first).
    Raises :class:`UnreadableFile` for empty, non-tabular, broken or hostile files (see the
    module's docstring) and when no header row is found in the first 30 rows. ``encoding`` is a CSV
    file's encoding if already known (the import's workers reopen the file their importer has read:
    telling UTF-8 from Windows-1258 reads the whole file). ``header`` describes another kind of
    table (the hot-zone list, :mod:`data_access.hotzones`).
    """
    return TableReader(source, filename, sheet, encoding, header)
