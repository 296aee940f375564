"""Nhập dữ liệu: the imports, the quarantined rows and their reasons, as tables and as the file to fix
and import again."""

from __future__ import annotations

import math

import pandas as pd

from data_access.fields import PII_FIELDS

from .. import formatting as fmt
from ..i18n import t
from .common import code_label, field_label


def _n(value, lang: str) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt.number(int(value), lang)


def imports_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import batches with their counts."""
    rows = []
    for r in frame.to_dict("records"):
        rows.append(
            {
                "#": int(r["id"]),
                t("it.col.file", lang): r["file_name"] or "",
                t("it.col.by", lang): r["created_by"],
                t("it.col.started", lang): fmt.local_datetime(r["started_at"], lang),
                t("it.col.status", lang): t(f"it.status.{r['status']}", lang),
                t("it.col.rows_in", lang): _n(r["rows_in"], lang),
                t("it.col.accepted", lang): _n(r["accepted"], lang),
                t("it.col.duplicates", lang): _n(r["duplicates"], lang),
                t("it.col.quarantined", lang): _n(r["quarantined"], lang),
                t("it.col.warnings", lang): _n(r["warnings"], lang),
            }
        )
    return pd.DataFrame(rows)


#: How much of a rejected value a reason quotes: enough to see what was wrong.
REASON_RAW_CHARS = 60


def reasons_text(reasons: list[dict], lang: str) -> str:
    """ "Thời gian khai báo: không hợp lệ (“hôm qua”)" for each reason of a quarantined row."""
    parts = []
    for r in reasons:
        raw = str(r.get("raw") or "")
        if len(raw) > REASON_RAW_CHARS:
            raw = raw[:REASON_RAW_CHARS] + "…"
        parts.append(
            f"{field_label(r.get('field', '?'), lang)}: {code_label(r.get('code', '?'), lang)}"
            + (f" (“{raw}”)" if raw and r.get("field") not in PII_FIELDS else "")
        )
    return "; ".join(parts)


def quarantine_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Quarantined rows: batch, line, reasons, then the row's own columns as read (masked)."""
    rows = []
    for r in frame.to_dict("records"):
        item = {
            t("it.col.batch", lang): int(r["batch_id"]),
            t("it.col.line", lang): int(r["line_number"]),
            t("it.col.reasons", lang): reasons_text(r["reasons"], lang),
        }
        for k, v in (r["raw"] or {}).items():
            item.setdefault(str(k), "" if v is None else str(v))
        rows.append(item)
    return pd.DataFrame(rows)


def quarantine_export(frame: pd.DataFrame) -> pd.DataFrame:
    """The quarantined rows as a file to fix and import again: the file's own columns (personal
    ones masked), then the line and the reason, so the header row is found again on re-import."""
    rows = []
    for r in frame.to_dict("records"):
        item = {str(k): ("" if v is None else v) for k, v in (r["raw"] or {}).items()}
        item["Dòng gốc"] = int(r["line_number"])
        item["Lý do cách ly"] = reasons_text(r["reasons"], "vi")
        rows.append(item)
    return pd.DataFrame(rows)
