"""Bản đồ trực tiếp: what a checkpoint's or a province's card says, and the side panel's lines."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .. import formatting as fmt
from ..i18n import t


def checkpoint_card(row: pd.Series, now: dt.datetime, lang: str) -> list[tuple[str, str]]:
    """The (label, value) lines of a checkpoint's tooltip, popup and side panel."""
    total = int(row["today_crossings"])
    last = row["last_declared_at"]
    last_text = (
        "—"
        if last is None or pd.isna(last)
        else (f"{fmt.local_time(last, lang, 'HH:mm')} ({fmt.ago(last, now, lang)})")
    )
    why = attention_text(row, lang)
    return [
        (t("map.state", lang), t(f"map.state.{row['state']}", lang) + (f": {why}" if why else "")),
        (t("map.last_hour", lang), fmt.number(int(row["last_hour"]), lang)),
        (
            t("map.today_in_out", lang),
            f"{fmt.number(int(row['today_in']), lang)} / {fmt.number(int(row['today_out']), lang)}",
        ),
        (t("map.today_high_risk", lang), fmt.number(int(row["today_high_risk"]), lang)),
        (t("map.today_electronic", lang), fmt.percent(fmt.share(row["today_electronic"], total), lang)),
        (
            t("map.today_wifi", lang),
            f"{fmt.number(int(row['today_free_wifi']), lang)} "
            f"({fmt.percent(fmt.share(row['today_free_wifi'], total), lang)})",
        ),
        (t("map.last_declaration", lang), last_text),
    ]


def origin_card(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    """The (label, value) lines of an origin province's tooltip."""
    lines = [
        (t("map.origin_travellers", lang), fmt.number(int(row["travellers"]), lang)),
        (t("map.origin_high_risk", lang), fmt.number(int(row["high_risk"]), lang)),
    ]
    if isinstance(row["hot_zone_label"], str):
        lines.append((t("map.origin_hot_zone", lang), row["hot_zone_label"]))
    return lines


STATE_MARKS = {"normal": ":blue[●]", "attention": ":red[●]", "silent": ":gray[●]"}


def attention_text(row: pd.Series, lang: str) -> str | None:
    """Why a checkpoint is red, in words, or None."""
    reason = row.get("attention")
    if not isinstance(reason, str):
        return None
    return t(
        f"map.attention.{reason}",
        lang,
        n=fmt.number(int(row["high_risk_arrivals"]), lang),
        usual=fmt.number(round(float(row["usual_high_risk"]), 1), lang),
    )


def checkpoint_state_lines(status: pd.DataFrame, lang: str) -> list[str]:
    """The side panel's lines, one per checkpoint: coloured state mark, name, state, last hour."""
    lines = []
    for _, row in status.iterrows():
        state = row["state"]
        last_hour = t("map.last_hour_n", lang, n=fmt.number(int(row["last_hour"]), lang))
        why = attention_text(row, lang)
        lines.append(
            f"{STATE_MARKS[state]} **{fmt.escape_markdown(row['name'])}**  \n"
            f"{t(f'map.state.{state}', lang)} · {last_hour}" + (f"  \n{why}" if why else "")
        )
    return lines
