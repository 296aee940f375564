"""What personal or hostile content becomes before it leaves the store for the IT team.

- Personal fields (SPEC §6) are masked: the IT team needs to see that a value is there and roughly
  what shape it has, never the value itself ("0901234567" → "090****567").
- Cells exported to CSV/XLSX are neutralised against formula injection: a spreadsheet would run
  ``=cmd|' /C calc'!A0`` typed into a name field, so any text whose first non-blank character is
  = + - @ (spreadsheets skip leading spaces and line breaks before reading a formula), or that
  starts with a tab or carriage return, gets a leading quote.
- A quarantined row is shown through :func:`quarantine_view`: only its columns that are declaration
  fields, personal ones masked, every value cut short. The other columns of a file can be anything
  (addresses, e-mails, passport numbers, relatives' phones): they are never shown.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd

from .fields import PII_FIELDS, clip
from .importing.reader import field_for_header

#: First non-blank characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")
#: Leading characters that some spreadsheets skip before reading a formula.
FORMULA_LEADS = ("\t", "\r")
#: Characters of a value that :func:`quarantine_view` shows.
VIEW_CHARS = 60
#: "Số điện thoại (2)": the name the reader gives a second column with the same header.
_REPEATED_HEADER = re.compile(r"\s*\(\d+\)$")


def mask(value: object) -> object:
    """A personal value masked: first three and last three characters kept for 10+ characters
    ("090****567"), fewer kept for short values, every character hidden below 5; None stays None."""
    if value is None:
        return None
    text = str(value)
    if not text.strip():
        return text
    n = len(text)
    keep_head, keep_tail = (3, 3) if n >= 10 else (2, 2) if n >= 7 else (1, 1) if n >= 5 else (0, 0)
    return text[:keep_head] + "*" * (n - keep_head - keep_tail) + (text[n - keep_tail :] if keep_tail else "")


def is_personal_header(header: str) -> bool:
    """Whether a file's column header names a personal field (by field name, label or alias),
    also as the reader names a repeated column ("Số điện thoại (2)")."""
    return field_for_header(header) in PII_FIELDS or field_for_header(_REPEATED_HEADER.sub("", header)) in PII_FIELDS


def mask_raw_row(raw: Mapping[str, object]) -> dict[str, object]:
    """A quarantined row as read (header → cell) with its personal columns masked."""
    return {k: (mask(v) if is_personal_header(k) else v) for k, v in raw.items()}


def quarantine_view(raw: Mapping[str, object]) -> dict[str, object]:
    """What the IT team sees of a quarantined row as read (header text → cell): only the columns
    whose header names a declaration field, keyed by that header, personal ones masked, and every
    text at most :data:`VIEW_CHARS` characters and "…". A repeated column ("Số điện thoại (2)")
    and every column that is no declaration field are left out."""
    out: dict[str, object] = {}
    for header, value in raw.items():
        name = field_for_header(str(header))
        if name is None:
            continue
        if name in PII_FIELDS:
            value = mask(value)
        out[str(header)] = clip(value, VIEW_CHARS) if isinstance(value, str) else value
    return out


def safe_cell(value: object) -> object:
    """A cell that a spreadsheet shows as text even if it looks like a formula: text whose first
    non-blank character is = + - @, or that starts with a tab or carriage return, gets a leading
    quote."""
    if isinstance(value, str) and (value.startswith(FORMULA_LEADS) or value.lstrip().startswith(FORMULA_PREFIXES)):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) of ``frame`` neutralised with :func:`safe_cell`."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as a UTF-8 CSV with BOM (Excel opens it with the diacritics right), neutralised.

    Lines end in CRLF: then a cell holding a lone carriage return is quoted too (with "\\n" alone
    it was written bare, and a spreadsheet started a new row there, where "=cmd" would be a formula).
    """
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """``frame`` as an XLSX workbook, neutralised, every cell written as a value (never a formula)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}
    ) as xl:
        safe_frame(frame).to_excel(xl, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
