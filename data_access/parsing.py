"""Reading declaration files (SPEC §3): CSV in the usual Vietnamese encodings or XLSX, with title
rows above the header. Rows are streamed, never loaded whole."""

from __future__ import annotations

import codecs
import csv
import io
import os
import unicodedata
import zipfile
from collections.abc import Iterator
from itertools import islice
from typing import IO, BinaryIO

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from data_access.fields import FIELDS, REQUIRED_FIELDS
from data_access.text import fold

HEADER_SCAN_ROWS = 30
MIN_HEADER_MATCHES = 3
_SAMPLE_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_DELIMITERS = (",", ";", "\t")
_XLSX_MAGIC = b"PK\x03\x04"
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"\x1f\x8b")

MSG_EMPTY = "Tệp rỗng"
MSG_NOT_TABLE = "Không đọc được tệp: không phải CSV hoặc XLSX"
MSG_BROKEN_XLSX = "Không đọc được tệp XLSX: tệp hỏng hoặc không đầy đủ"
MSG_NO_HEADER = "Không tìm thấy dòng tiêu đề (cần ít nhất các cột: {})"

#: Header spellings beyond field names and SPEC labels; None = a known column to ignore.
HEADER_ALIASES: dict[str, str | None] = {
    "STT": None, "TT": None,
    "Thời gian": "declared_at", "Ngày giờ khai báo": "declared_at", "Ngày giờ": "declared_at",
    "Chốt": "checkpoint", "Điểm chốt": "checkpoint", "Chốt kiểm dịch": "checkpoint",
    "Chiều": "direction",
    "Hình thức": "channel", "Kênh khai báo": "channel",
    "Họ tên": "full_name",
    "Biển kiểm soát": "plate", "BKS": "plate",
    "CCCD": "id_number", "CMND": "id_number", "Số CMND/CCCD": "id_number",
    "CMND/CCCD": "id_number", "CCCD/CMND": "id_number",
    "SĐT": "phone", "Điện thoại": "phone", "Số ĐT": "phone",
    "Quê quán/Đi từ": "origin_province", "Tỉnh đi": "origin_province", "Đi từ": "origin_province",
    "Huyện đi": "origin_district",
    "Huyện đến": "destination_district",
}


def _header_keys() -> dict[str, str | None]:
    keys: dict[str, str | None] = {}
    for f in FIELDS:
        keys[fold(f.name)] = f.name
        keys[fold(f.label)] = f.name
    for text, name in HEADER_ALIASES.items():
        keys.setdefault(fold(text), name)
    return keys


_HEADER_KEYS = _header_keys()
_LABELS = {f.name: f.label for f in FIELDS}


class UnreadableFile(Exception):
    """The file cannot be read as a declaration table; the message is one line in Vietnamese."""


def _cell(value: object) -> object:
    if isinstance(value, str):
        # cp1258 text carries tone marks as combining characters
        return unicodedata.normalize("NFC", value)
    return value


def nfc_cells(cells: list[str]) -> list[str]:
    """A CSV row's cells NFC-normalised (csv gives str cells only; ASCII ones, most of a file, need
    no normalisation)."""
    return [c if c.isascii() else unicodedata.normalize("NFC", c) for c in cells]


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _is_blank_row(cells: list[object]) -> bool:
    return all(_blank(c) for c in cells)


def _match_header(cells: list[object]) -> dict[int, str | None]:
    """Column index -> field name (None: known but ignored) for the cells that are headers."""
    out: dict[int, str | None] = {}
    for i, c in enumerate(cells):
        if c is None:
            continue
        if str(c).strip().lower() == "họ":
            # a surname column ("Họ" | "Tên") folds to "ho", the cough label
            out[i] = None
        elif (key := fold(str(c))) in _HEADER_KEYS:
            out[i] = _HEADER_KEYS[key]
    return out


_Found = tuple[tuple[int, int], int, dict[int, str | None]]


def _find_header(rows: list[list[object]]) -> _Found | None:
    """Score, index and mapping of the best header row: most required fields, then most fields;
    the earliest such row."""
    best: _Found | None = None
    for index, cells in enumerate(rows):
        mapping = _match_header(cells)
        fields = {name for name in mapping.values() if name}
        if len(fields) < MIN_HEADER_MATCHES:
            continue
        score = (len(fields & set(REQUIRED_FIELDS)), len(fields))
        if best is None or score > best[0]:
            best = (score, index, mapping)
    return best


def _no_header() -> UnreadableFile:
    return UnreadableFile(MSG_NO_HEADER.format(", ".join(_LABELS[n] for n in REQUIRED_FIELDS)))


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
        raise UnreadableFile(MSG_NOT_TABLE)
    with open_binary() as stream:
        if _valid_utf8(stream):
            return "utf-8"
    try:
        sample.decode("cp1258")
    except UnicodeDecodeError:
        raise UnreadableFile(MSG_NOT_TABLE) from None
    return "cp1258"


# ---------------------------------------------------------------- reader

class TableReader:
    """A declaration table found in a file: header position and mapping, and a row stream.

    ``iter_rows()`` may be called more than once; each call reads the file again from the start.
    """

    def __init__(self, source: str | os.PathLike | bytes, filename: str, sheet: str | None,
                 encoding: str | None = None) -> None:
        self.filename = filename
        self._source = source
        self.total_bytes = len(source) if isinstance(source, bytes) else os.path.getsize(source)
        self._stream: IO[bytes] | None = None
        self._fraction = 0.0
        self.header_row_index = -1  #: 0-based index of the header row among the file's rows
        self.mapped_fields: dict[str, str] = {}  #: field name -> header text of its first column
        self.unmapped_headers: list[str] = []  #: header texts of columns that are ignored
        self._columns: dict[int, str] = {}
        self._headers: dict[int, str] = {}
        if self.total_bytes == 0:
            raise UnreadableFile(MSG_EMPTY)
        with self._open_binary() as stream:
            head = stream.read(_SAMPLE_BYTES)
        self.format = "xlsx" if head.startswith(_XLSX_MAGIC) else "csv"
        self.sheet = sheet
        self.encoding: str | None = None
        self.delimiter: str | None = None
        if self.format == "xlsx":
            self._setup(self._xlsx_rows())
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
            raise UnreadableFile(MSG_NOT_TABLE)
        if self.total_bytes <= _SAMPLE_BYTES and not text.strip("\ufeff \t\r\n,;"):
            raise UnreadableFile(MSG_EMPTY)
        best: tuple[tuple[int, int], str] | None = None
        for delimiter in _DELIMITERS:
            self.delimiter = delimiter
            try:
                rows = [cells for _, cells in islice(self._csv_rows(), HEADER_SCAN_ROWS)]
            except csv.Error:
                continue
            found = _find_header(rows)
            if found and (best is None or found[0] > best[0]):
                best = (found[0], delimiter)
        if best is None:
            raise _no_header()
        self.delimiter = best[1]
        self._setup(self._csv_rows())

    def _csv_rows(self, nfc: bool = True) -> Iterator[tuple[int, list[object]]]:
        binary = self._open_binary()
        self._stream = binary
        with io.TextIOWrapper(binary, encoding=self.encoding, errors="replace", newline="") as text:
            rows = enumerate(csv.reader(text, delimiter=self.delimiter), start=1)
            if not nfc:
                yield from rows
                return
            for number, cells in rows:
                yield number, nfc_cells(cells)

    # -- XLSX

    def _xlsx_rows(self) -> Iterator[tuple[int, list[object]]]:
        try:
            with self._open_binary() as binary:
                book = openpyxl.load_workbook(binary, read_only=True, data_only=True)
                try:
                    if self.sheet is None:
                        ws = book.worksheets[0]
                    elif self.sheet in book.sheetnames:
                        ws = book[self.sheet]
                    else:
                        raise UnreadableFile(
                            f"Không có trang tính “{self.sheet}” trong tệp"
                            f" (các trang: {', '.join(book.sheetnames)})"
                        )
                    total = ws.max_row or 0
                    for number, cells in enumerate(ws.iter_rows(min_row=1, values_only=True),
                                                   start=1):
                        if total:
                            self._fraction = min(number / total, 1.0)
                        yield number, [_cell(c) for c in cells]
                finally:
                    book.close()
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError,
                ValueError) as exc:
            raise UnreadableFile(MSG_BROKEN_XLSX) from exc

    # -- both

    def _rows(self) -> Iterator[tuple[int, list[object]]]:
        return self._xlsx_rows() if self.format == "xlsx" else self._csv_rows()

    def _setup(self, rows: Iterator[tuple[int, list[object]]]) -> None:
        scanned = list(islice(rows, HEADER_SCAN_ROWS))
        rows.close()  # type: ignore[attr-defined]
        if len(scanned) < HEADER_SCAN_ROWS and all(_is_blank_row(c) for _, c in scanned):
            raise UnreadableFile(MSG_EMPTY)
        found = _find_header([cells for _, cells in scanned])
        if found is None:
            raise _no_header()
        _, self.header_row_index, mapping = found
        header_cells = scanned[self.header_row_index][1]
        seen: dict[str, int] = {}
        for i, cell in enumerate(header_cells):
            if cell is None or not str(cell).strip():
                continue
            text = str(cell).strip()
            seen[text] = seen.get(text, 0) + 1
            self._headers[i] = text if seen[text] == 1 else f"{text} ({seen[text]})"
            if i not in mapping:
                self.unmapped_headers.append(text)
            elif (name := mapping[i]) is not None:
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
        """Yield ``(row_number, cells)`` for each non-blank row below the header, as read.

        With ``nfc=False`` the text cells of a CSV are not NFC-normalised: the column-wise import
        (:mod:`data_access.import_fast`) normalises a whole column at once, and only when needed.
        """
        self._fraction = 0.0
        rows = self._rows() if nfc or self.format == "xlsx" else self._csv_rows(nfc=False)
        try:
            for _ in islice(rows, self.header_row_index + 1):
                pass
            if self.format == "csv":  # str cells only: one join instead of a test per cell
                for number, cells in rows:
                    if "".join(cells).strip():
                        yield number, cells
            else:
                for number, cells in rows:
                    if not _is_blank_row(cells):
                        yield number, cells
        except csv.Error as exc:
            raise UnreadableFile(f"Không đọc được tệp CSV: {exc}") from exc
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


def read_table(source: str | os.PathLike | bytes, filename: str,
               sheet: str | None = None, encoding: str | None = None) -> TableReader:
    """Open a declaration file (path or bytes) and locate its header row.

    The format is taken from the content (XLSX is a zip; anything else is tried as CSV);
    ``filename`` is only kept for messages. ``sheet`` names an XLSX sheet (default: the first).
    Raises :class:`UnreadableFile` for empty, non-tabular or broken files and when no header
    row is found in the first 30 rows. ``encoding`` is a CSV file's encoding if already known (the
    import's workers reopen the file their importer has read: telling UTF-8 from Windows-1258 reads
    the whole file).
    """
    return TableReader(source, filename, sheet, encoding)
