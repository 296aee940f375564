"""Nguy cơ cao: the headline cards, risk by checkpoint as a table, reason names, origins for the chart."""

from __future__ import annotations

import pandas as pd

from data_access.queries.high_risk import REASONS

from .. import formatting as fmt
from ..i18n import t
from .common import with_names


def risk_headline(levels: pd.DataFrame, reasons: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """The high-risk page's cards: high, medium, share of high, each reason (label, value, note)."""
    high, medium = int(levels["risk_high"].sum()), int(levels["risk_medium"].sum())
    total = high + medium + int(levels["risk_low"].sum())
    cards = [
        (
            t("risk.high", lang),
            fmt.number(high, lang),
            t("risk.of_crossings", lang, share=fmt.percent(fmt.share(high, total), lang, 2)),
        ),
        (
            t("risk.medium", lang),
            fmt.number(medium, lang),
            t("risk.of_crossings", lang, share=fmt.percent(fmt.share(medium, total), lang, 2)),
        ),
    ]
    for reason in REASONS:
        cards.append((t(f"risk.{reason}", lang), fmt.number(int(reasons[reason].sum()), lang), ""))
    return cards


def risk_by_checkpoint(
    levels: pd.DataFrame, reasons: pd.DataFrame, checkpoints: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """Per checkpoint over the range: high, medium, and the high-risk reasons, as display text."""
    lv = levels.groupby("checkpoint_id")[["risk_high", "risk_medium", "risk_low"]].sum()
    rs = reasons.groupby("checkpoint_id")[list(REASONS)].sum()
    both = lv.join(rs, how="outer").fillna(0).reset_index()
    both = with_names(both, checkpoints).sort_values("checkpoint_id")
    columns = {"risk_high": "risk.high", "risk_medium": "risk.medium", **{r: f"risk.{r}" for r in REASONS}}
    table = {t("col.checkpoint", lang): both["checkpoint"]}
    for column, key in columns.items():
        table[t(key, lang)] = [fmt.number(int(v), lang) for v in both[column]]
    return pd.DataFrame(table)


def reason_labels(lang: str) -> dict[str, str]:
    """High-risk reason → display text."""
    return {r: t(f"risk.{r}", lang) for r in REASONS}


def origins_for_chart(origins: pd.DataFrame) -> pd.DataFrame:
    """High-risk origins with a hot_zone flag (any high-risk traveller whose origin was in a hot zone)."""
    return origins.assign(hot_zone=origins["from_hotzone"] > 0)
