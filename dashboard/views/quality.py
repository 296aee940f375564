"""Chất lượng dữ liệu: freshness, optional fields filled, warnings and quarantine reasons as tables; the
Wi-Fi opening days' editor."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.domain import OPTIONAL_FIELDS

from .. import formatting as fmt
from ..i18n import t
from .common import code_label, field_label


def freshness_table(frame: pd.DataFrame, now: dt.datetime, lang: str) -> pd.DataFrame:
    """Checkpoint, last declaration, how long ago, state (silent or on air)."""
    rows = []
    for r in frame.itertuples():
        last = (
            None
            if pd.isna(r.last_at)
            else r.last_at.to_pydatetime()
            if hasattr(r.last_at, "to_pydatetime")
            else r.last_at
        )
        rows.append(
            {
                t("col.checkpoint", lang): r.name,
                t("it.q.last", lang): fmt.local_datetime(last, lang) if last else "—",
                t("it.q.since", lang): fmt.ago(last, now, lang) if last else t("it.q.never", lang),
                t("it.q.state", lang): t("it.q.silent", lang) if r.silent else t("it.q.on_air", lang),
            }
        )
    return pd.DataFrame(rows)


def fill_table(frame: pd.DataFrame, checkpoints: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per checkpoint and channel: crossings and the share of each optional field filled."""
    names = dict(zip(checkpoints["id"], checkpoints["name"], strict=False))
    rows = []
    for r in frame.to_dict("records"):
        item = {
            t("col.checkpoint", lang): names.get(r["checkpoint_id"], r["checkpoint_id"]),
            t("it.col.channel", lang): t(f"it.channel.{r['channel']}", lang),
            t("col.total", lang): fmt.number(r["crossings"], lang),
        }
        for f in OPTIONAL_FIELDS:
            item[field_label(f.removesuffix("_code"), lang)] = fmt.percent(r[f], lang, digits=0)
        rows.append(item)
    return pd.DataFrame(rows)


def warnings_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Field, problem, rows, an example raw value (text; masked for personal fields)."""
    return pd.DataFrame(
        [
            {
                t("it.col.field", lang): field_label(r["field"], lang),
                t("it.col.problem", lang): code_label(r["code"], lang),
                t("it.col.rows", lang): fmt.number(int(r["rows"]), lang),
                t("it.col.example", lang): "" if r["example"] is None else str(r["example"]),
            }
            for r in frame.to_dict("records")
        ]
    )


def reasons_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Why rows were quarantined: field, problem, rows."""
    return pd.DataFrame(
        [
            {
                t("it.col.field", lang): field_label(r["field"], lang),
                t("it.col.problem", lang): code_label(r["code"], lang),
                t("it.col.rows", lang): fmt.number(int(r["rows"]), lang),
            }
            for r in frame.to_dict("records")
        ]
    )


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
    return [
        (int(r["id"]), day(r["wifi_opened_on"]))
        for r in after.to_dict("records")
        if int(r["id"]) in old and day(r["wifi_opened_on"]) != old[int(r["id"])]
    ]
