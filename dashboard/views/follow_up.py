"""The health officers' follow-up list: the table of high-risk travellers, a traveller's history and
the list as a workbook. Also the rows behind a figure (the high-risk page, the map's checkpoint panel),
masked for the IT team."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook

from data_access.domain import PERSONAL_FIELDS
from data_access.masking import mask
from data_access.risk import REASON_CONTACT_F0, REASON_HOTZONE_ORIGIN, REASON_SYMPTOM_TRAVEL

from ..i18n import t

#: The list's columns, in order, with their catalogue keys (personal ones are masked for the IT team).
#: Who to call and where things stand first: the officer's work; where and whence after.
COLUMNS = (
    ("declared_at_local", "follow.col.time"),
    ("full_name", "follow.col.name"),
    ("phone", "follow.col.phone"),
    ("id_number", "follow.col.id_number"),
    ("status", "follow.col.status"),
    ("risk_reason", "follow.col.reason"),
    ("checkpoint", "follow.col.checkpoint"),
    ("direction", "follow.col.direction"),
    ("origin_province", "follow.col.origin"),
    ("origin_district", "follow.col.origin_district"),
    ("destination_district", "follow.col.destination"),
    ("status_at", "follow.col.status_at"),
    ("status_by", "follow.col.status_by"),
    ("note", "follow.col.note"),
)
#: The list's personal columns (masked for the IT team): the declaration's personal fields shown here.
PERSONAL = tuple(f for f in PERSONAL_FIELDS if f in dict(COLUMNS))


def status_label(status: str | None, lang: str) -> str:
    """A follow-up status in words ("chưa liên hệ")."""
    return t(f"follow.status.{status or 'not_contacted'}", lang)


#: The reasons a traveller is high-risk, as stored, and their catalogue keys.
REASON_KEYS = {
    REASON_CONTACT_F0: "risk.reason_contact_f0",
    REASON_HOTZONE_ORIGIN: "risk.reason_hotzone_origin",
    REASON_SYMPTOM_TRAVEL: "risk.reason_symptom_travel",
}


def reason_label(reason: str | None, lang: str) -> str:
    """A high-risk reason in words."""
    return t(REASON_KEYS[reason], lang) if reason in REASON_KEYS else (reason or "")


def _local(value: object, lang: str) -> str:
    """A local time (naive, Asia/Ho_Chi_Minh) as 25/11/2026 14:05:09."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return str(value)


def shown(frame: pd.DataFrame, lang: str, *, masked: bool = False, columns=COLUMNS) -> pd.DataFrame:
    """The list as the page shows it: words for codes, local times, headers in ``lang``; with
    ``masked``, names, phones and ID numbers masked (090****567)."""
    out = pd.DataFrame(index=frame.index)
    for column, key in columns:
        if column not in frame.columns:
            continue
        values = frame[column]
        if column in ("declared_at_local", "status_at"):
            values = values.map(lambda v: _local(v, lang))
        elif column == "direction":
            values = values.map(lambda v: t(f"filter.direction.{v}", lang) if v else "")
        elif column == "risk_reason":
            values = values.map(lambda v: reason_label(v, lang))
        elif column == "status":
            values = values.map(lambda v: status_label(v, lang))
        elif masked and column in PERSONAL:
            values = values.map(mask)
        out[t(key, lang)] = values.where(values.notna(), "")
    return out


def history_shown(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A traveller's status changes, oldest first: when, who, status, note."""
    return pd.DataFrame(
        {
            t("follow.col.status_at", lang): history["changed_at_local"].map(lambda v: _local(v, lang)),
            t("follow.col.status_by", lang): history["changed_by"],
            t("follow.col.status", lang): history["status"].map(lambda v: status_label(v, lang)),
            t("follow.col.note", lang): history["note"].fillna(""),
        }
    )


def workbook(frame: pd.DataFrame, lang: str, *, masked: bool = False) -> bytes:
    """The list as an XLSX workbook: one sheet, the page's columns, every text cell quote-prefixed
    (a spreadsheet shows it as typed: no formula, no phone number turned into a number)."""
    table = shown(frame, lang, masked=masked)
    book = Workbook()
    sheet = book.active
    sheet.title = t("follow.sheet", lang)[:31]
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([str(v) for v in row])
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str) and cell.value:
                cell.data_type = "s"  # openpyxl would keep "=…" as a formula: it is text a person typed
            cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max((len(str(c.value or "")) for c in column), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 40)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
