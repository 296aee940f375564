"""Tổng quan: the headline cards against the same time yesterday, and the per-checkpoint table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import formatting as fmt
from ..i18n import t


@dataclass(frozen=True)
class Card:
    """One headline figure: label key, formatted value and change against yesterday."""

    label_key: str
    value: str
    delta: str
    delta_color: str = "normal"


def totals(counts: pd.DataFrame, period: str, direction: str | None = None) -> pd.Series:
    """Sum of every measure over checkpoints (and directions unless one is given) for a period."""
    rows = counts[counts["period"] == period]
    if direction is not None:
        rows = rows[rows["direction"] == direction]
    return rows.drop(columns=["checkpoint_id", "direction", "period"]).sum()


def headline(counts: pd.DataFrame, lang: str) -> list[Card]:
    """The six headline cards: crossings, in, out, high risk, electronic share, Bluezone share."""
    today, yesterday = totals(counts, "today"), totals(counts, "yesterday")
    cards = []
    for key, direction in (("overview.crossings", None), ("overview.in", "in"), ("overview.out", "out")):
        now_n = int(totals(counts, "today", direction)["crossings"])
        then_n = int(totals(counts, "yesterday", direction)["crossings"])
        # More or less traffic is neither good nor bad: a neutral arrow.
        cards.append(Card(key, fmt.number(now_n, lang), fmt.signed(now_n - then_n, lang), "off"))
    high_now, high_then = int(today["risk_high"]), int(yesterday["risk_high"])
    # More high-risk travellers is bad news: show the rise in red.
    cards.append(
        Card("overview.high_risk", fmt.number(high_now, lang), fmt.signed(high_now - high_then, lang), "inverse")
    )
    for key, measure in (("overview.electronic", "electronic"), ("overview.bluezone", "bluezone_installed")):
        now_share = fmt.share(today[measure], today["crossings"])
        then_share = fmt.share(yesterday[measure], yesterday["crossings"])
        delta = ""
        if now_share is not None and then_share is not None:
            points = round((now_share - then_share) * 100, 1)
            delta = t("overview.delta_points", lang, delta=fmt.signed(points, lang))
        cards.append(Card(key, fmt.percent(now_share, lang), delta))
    return cards


def checkpoint_summary(counts: pd.DataFrame, checkpoints: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per checkpoint (and all together): in, out, total, change, high risk, shares — as display text."""
    today = counts[counts["period"] == "today"]
    yesterday = counts[counts["period"] == "yesterday"]
    rows = []
    groups = [(name, [cid]) for cid, name in zip(checkpoints["id"], checkpoints["name"], strict=False)]
    groups.append((t("col.all", lang), list(checkpoints["id"])))
    for name, ids in groups:
        now_rows = today[today["checkpoint_id"].isin(ids)]
        then_rows = yesterday[yesterday["checkpoint_id"].isin(ids)]
        n_in = int(now_rows.loc[now_rows["direction"] == "in", "crossings"].sum())
        n_out = int(now_rows.loc[now_rows["direction"] == "out", "crossings"].sum())
        total = n_in + n_out
        rows.append(
            {
                t("col.checkpoint", lang): name,
                t("col.in", lang): fmt.number(n_in, lang),
                t("col.out", lang): fmt.number(n_out, lang),
                t("col.total", lang): fmt.number(total, lang),
                t("col.vs_yesterday", lang): fmt.signed(total - int(then_rows["crossings"].sum()), lang),
                t("col.high_risk", lang): fmt.number(int(now_rows["risk_high"].sum()), lang),
                t("col.electronic_share", lang): fmt.percent(fmt.share(now_rows["electronic"].sum(), total), lang),
                t("col.bluezone_share", lang): fmt.percent(
                    fmt.share(now_rows["bluezone_installed"].sum(), total), lang
                ),
            }
        )
    return pd.DataFrame(rows)
