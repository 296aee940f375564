"""Lưu lượng: the headline cards, vehicle names and the peak hours as a table."""

from __future__ import annotations

import pandas as pd

from data_access.domain import VEHICLES

from .. import formatting as fmt
from ..i18n import t


def vehicle_labels(lang: str) -> dict[str, str]:
    """Vehicle type → display text, in display order."""
    return {v: t(f"vehicle.{v}", lang) for v in (*VEHICLES, "unknown")}


def traffic_headline(by_day: pd.DataFrame, peaks: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """The traffic page's cards: (label, value, note) for crossings, in, out and the busiest hour."""
    total = int(by_day["crossings"].sum())
    n_in = int(by_day.loc[by_day["direction"] == "in", "crossings"].sum())
    n_out = int(by_day.loc[by_day["direction"] == "out", "crossings"].sum())
    cards = [
        (t("traffic.total", lang), fmt.number(total, lang), ""),
        (t("overview.in", lang), fmt.number(n_in, lang), fmt.percent(fmt.share(n_in, total), lang)),
        (t("overview.out", lang), fmt.number(n_out, lang), fmt.percent(fmt.share(n_out, total), lang)),
    ]
    if peaks.empty:
        cards.append((t("traffic.busiest_hour", lang), "—", ""))
    else:
        top = peaks.iloc[0]
        cards.append(
            (
                t("traffic.busiest_hour", lang),
                hour_span(int(top["local_hour"])),
                f"{fmt.day(top['local_day'], lang)} · "
                f"{t('traffic.crossings_n', lang, n=fmt.number(int(top['crossings']), lang))}",
            )
        )
    return cards


def hour_span(hour: int) -> str:
    """ "07:00–08:00"."""
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def peak_hours_table(peaks: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The peak hours table, busiest first, as display text."""
    return pd.DataFrame(
        {
            t("col.day", lang): [fmt.date(d, lang) for d in peaks["local_day"]],
            t("col.hour", lang): [hour_span(int(h)) for h in peaks["local_hour"]],
            t("col.total", lang): [fmt.number(int(v), lang) for v in peaks["crossings"]],
            t("col.in", lang): [fmt.number(int(v), lang) for v in peaks["crossings_in"]],
            t("col.out", lang): [fmt.number(int(v), lang) for v in peaks["crossings_out"]],
        }
    )
