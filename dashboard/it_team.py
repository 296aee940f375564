"""Presentation of the IT team's pages (data quality, imports, hot zones): display tables from the
``data_access.queries.quality``/``imports``/``hot_zones`` frames, the hourly chart, the hot-zone editor's diff, and the
writer engine the two writing parts of the UI use.

SPEC §6: the dashboard reads with a read-only engine. Only the upload (an import) and the hot-zone
editor write, and they do it through :func:`writer_engine`, a separate engine on the writers' URL
(``DATABASE_URL``), never through the reader.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from data_access.fields import FIELDS_BY_NAME, PII_FIELDS
from data_access.settings import get_settings
from data_access.store import create_store_engine

from . import formatting as fmt
from .i18n import t

#: Who the UI records as author of imports and hot-zone changes until accounts exist (a later issue).
UI_USER = "dashboard"


@st.cache_resource(show_spinner=False)
def _writer_engine(url: str) -> Engine:
    return create_store_engine(url)


def writer_engine() -> Engine:
    """The engine of the upload and the hot-zone editor (read-write, on ``DATABASE_URL``)."""
    return _writer_engine(get_settings().store_url)


def field_label(name: str, lang: str) -> str:
    """A declaration field's name as the user reads it ("Số điện thoại" / "phone")."""
    key = f"it.field.{name}"
    try:
        return t(key, lang)
    except KeyError:
        f = FIELDS_BY_NAME.get(name)
        return f.label if f is not None else name


def code_label(code: str, lang: str) -> str:
    """missing / invalid / future in words."""
    try:
        return t(f"it.code.{code}", lang)
    except KeyError:
        return code


def _n(value, lang: str) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt.number(int(value), lang)


# ---------------------------------------------------------------- data quality

def freshness_table(frame: pd.DataFrame, now: dt.datetime, lang: str) -> pd.DataFrame:
    """Checkpoint, last declaration, how long ago, state (silent or on air)."""
    rows = []
    for r in frame.itertuples():
        last = None if pd.isna(r.last_at) else r.last_at.to_pydatetime() if hasattr(r.last_at, "to_pydatetime") \
            else r.last_at
        rows.append({
            t("col.checkpoint", lang): r.name,
            t("it.q.last", lang): fmt.local_datetime(last, lang) if last else "—",
            t("it.q.since", lang): fmt.ago(last, now, lang) if last else t("it.q.never", lang),
            t("it.q.state", lang): t("it.q.silent", lang) if r.silent else t("it.q.on_air", lang),
        })
    return pd.DataFrame(rows)


def hourly_chart(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Bars: declarations per local hour; line: the same hour last week; red bars: a drop."""
    hours = [fmt.local_time(h.to_pydatetime() if hasattr(h, "to_pydatetime") else h, lang, "HH'h' dd/MM")
             for h in frame["hour_start"]]
    colors = ["#d62728" if d else ("#9ecae1" if p else "#1f77b4") for d, p in zip(frame["drop"], frame["partial"])]
    fig = go.Figure()
    fig.add_bar(x=hours, y=frame["crossings"], marker_color=colors, name=t("it.q.this_week", lang))
    fig.add_scatter(x=hours, y=frame["last_week"], mode="lines+markers", name=t("it.q.last_week", lang),
                    line=dict(color="#7f7f7f", dash="dot"))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.12),
                      separators=",." if lang == "vi" else ".,", yaxis_title=t("axis.crossings", lang))
    return fig


def fill_table(frame: pd.DataFrame, checkpoints: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per checkpoint and channel: crossings and the share of each optional field filled."""
    names = dict(zip(checkpoints["id"], checkpoints["name"]))
    rows = []
    for r in frame.to_dict("records"):
        item = {t("col.checkpoint", lang): names.get(r["checkpoint_id"], r["checkpoint_id"]),
                t("it.col.channel", lang): t(f"it.channel.{r['channel']}", lang),
                t("col.total", lang): fmt.number(r["crossings"], lang)}
        for f in ("vehicle", "plate", "full_name", "id_number", "phone", "birth_year", "gender", "origin_district",
                  "destination_district_code"):
            item[field_label(f.removesuffix("_code"), lang)] = fmt.percent(r[f], lang, digits=0)
        rows.append(item)
    return pd.DataFrame(rows)


def warnings_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Field, problem, rows, an example raw value (text; masked for personal fields)."""
    return pd.DataFrame([{t("it.col.field", lang): field_label(r["field"], lang),
                          t("it.col.problem", lang): code_label(r["code"], lang),
                          t("it.col.rows", lang): fmt.number(int(r["rows"]), lang),
                          t("it.col.example", lang): "" if r["example"] is None else str(r["example"])}
                         for r in frame.to_dict("records")])


def reasons_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Why rows were quarantined: field, problem, rows."""
    return pd.DataFrame([{t("it.col.field", lang): field_label(r["field"], lang),
                          t("it.col.problem", lang): code_label(r["code"], lang),
                          t("it.col.rows", lang): fmt.number(int(r["rows"]), lang)}
                         for r in frame.to_dict("records")])


def wifi_frame(checkpoints: pd.DataFrame) -> pd.DataFrame:
    """The Wi-Fi opening editor's table: id (hidden), name, wifi_opened_on (a date or empty)."""
    frame = checkpoints[["id", "name", "wifi_opened_on"]].copy()
    frame["wifi_opened_on"] = pd.to_datetime(frame["wifi_opened_on"])
    return frame


def wifi_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[int, dt.date | None]]:
    """(checkpoint id, new opening day or None) for every row whose day was changed in the editor."""
    def day(value) -> dt.date | None:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    old = {int(r["id"]): day(r["wifi_opened_on"]) for r in before.to_dict("records")}
    return [(int(r["id"]), day(r["wifi_opened_on"])) for r in after.to_dict("records")
            if int(r["id"]) in old and day(r["wifi_opened_on"]) != old[int(r["id"])]]


# ---------------------------------------------------------------- imports

def imports_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import batches with their counts."""
    rows = []
    for r in frame.to_dict("records"):
        rows.append({
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
        })
    return pd.DataFrame(rows)


#: How much of a rejected value a reason quotes: enough to see what was wrong.
REASON_RAW_CHARS = 60


def reasons_text(reasons: list[dict], lang: str) -> str:
    """"Thời gian khai báo: không hợp lệ (“hôm qua”)" for each reason of a quarantined row."""
    parts = []
    for r in reasons:
        raw = str(r.get("raw") or "")
        if len(raw) > REASON_RAW_CHARS:
            raw = raw[:REASON_RAW_CHARS] + "…"
        parts.append(f"{field_label(r.get('field', '?'), lang)}: {code_label(r.get('code', '?'), lang)}"
                     + (f" (“{raw}”)" if raw and r.get("field") not in PII_FIELDS else ""))
    return "; ".join(parts)


def quarantine_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Quarantined rows: batch, line, reasons, then the row's own columns as read (masked)."""
    rows = []
    for r in frame.to_dict("records"):
        item = {t("it.col.batch", lang): int(r["batch_id"]), t("it.col.line", lang): int(r["line_number"]),
                t("it.col.reasons", lang): reasons_text(r["reasons"], lang)}
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


# ---------------------------------------------------------------- hot zones

ZONE_COLUMNS = ("id", "province_code", "district_name", "label", "valid_from", "valid_to")


def zone_frame(zones: pd.DataFrame, active: str, inactive: str) -> pd.DataFrame:
    """The editor's table: :data:`ZONE_COLUMNS` plus a read-only state; blanks as blanks (not "None")."""
    frame = zones[list(ZONE_COLUMNS)].copy()
    frame["district_name"] = frame["district_name"].fillna("")
    for column in ("valid_from", "valid_to"):
        frame[column] = pd.to_datetime(frame[column])
    frame["state"] = [active if a else inactive for a in zones["active"]]
    return frame


def zone_edits(before: pd.DataFrame, after: pd.DataFrame) -> tuple[list[dict], list[tuple[int, dict]], list[int]]:
    """What an edit of the zone table did: rows added, rows changed (id, new values), ids deleted.

    ``before``/``after`` have :data:`ZONE_COLUMNS`; added rows have no id. Rows left entirely blank
    are ignored (an empty line the editor adds).
    """
    def clean(v):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.date()
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, str):
            return v.strip() or None
        return v

    old = {int(r["id"]): {k: clean(r[k]) for k in ZONE_COLUMNS[1:]} for r in before.to_dict("records")}
    added, changed, seen = [], [], set()
    for r in after.to_dict("records"):
        values = {k: clean(r.get(k)) for k in ZONE_COLUMNS[1:]}
        zone_id = clean(r.get("id"))
        if zone_id is None:
            if any(v is not None for v in values.values()):
                added.append(values)
            continue
        zone_id = int(zone_id)
        seen.add(zone_id)
        if zone_id in old and values != old[zone_id]:
            changed.append((zone_id, values))
    deleted = [i for i in old if i not in seen]
    return added, changed, deleted


def changes_table(changes: list[dict], provinces: dict[str, str], lang: str) -> pd.DataFrame:
    """The hot-zone change log: when, who, what, how many declarations re-classified."""
    def describe(z):
        if not z:
            return ""
        if isinstance(z, list):
            return t("it.hz.n_zones", lang, n=len(z))
        place = provinces.get(z.get("province_code"), z.get("province_code"))
        if z.get("district_name"):
            place += f" / {z['district_name']}"
        until = fmt.date(dt.date.fromisoformat(z["valid_to"]), lang) if z.get("valid_to") else "…"
        return f"{place} — {z.get('label')} ({fmt.date(dt.date.fromisoformat(z['valid_from']), lang)} – {until})"

    return pd.DataFrame([{
        t("it.hz.when", lang): fmt.local_datetime(c["changed_at"], lang),
        t("it.col.by", lang): c["changed_by"],
        t("it.hz.action", lang): t(f"it.hz.action.{c['action']}", lang),
        t("it.hz.before", lang): describe(c["before"]),
        t("it.hz.after", lang): describe(c["after"]),
        t("it.hz.reclassified", lang): fmt.number(int(c["reclassified"]), lang),
    } for c in changes])
