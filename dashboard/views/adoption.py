"""Ứng dụng CNTT: shares against the target, the checkpoint that lags, free Wi-Fi and the channel mix as
tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data_access.domain import CHANNELS

from .. import formatting as fmt
from ..i18n import t
from .common import with_names


def channel_labels(lang: str) -> dict[str, str]:
    """Channel → display text, in display order."""
    return {c: t(f"channel.{c}", lang) for c in CHANNELS}


@dataclass(frozen=True)
class Lag:
    """The checkpoint furthest behind on electronic declarations."""

    checkpoint: str
    share: float
    below_target: float  # points of share (0..1) under the target; negative = above
    best_checkpoint: str
    best_share: float

    @property
    def below_best(self) -> float:
        """How far (0..1) the lagging checkpoint is below the best one."""
        return self.best_share - self.share


def adoption_shares(per_checkpoint: pd.DataFrame, checkpoints: pd.DataFrame) -> pd.DataFrame:
    """Per checkpoint: checkpoint (name), crossings, electronic_share, bluezone_share (None if no crossing)."""
    frame = with_names(per_checkpoint, checkpoints)
    frame = frame[frame["crossings"] > 0].copy()
    frame["electronic_share"] = frame["electronic"] / frame["crossings"]
    frame["bluezone_share"] = frame["bluezone_installed"] / frame["crossings"]
    return frame.reset_index(drop=True)


def adoption_daily_shares(by_day: pd.DataFrame, checkpoints: pd.DataFrame) -> pd.DataFrame:
    """Per local day and checkpoint: electronic_share and bluezone_share (days with crossings only)."""
    frame = with_names(by_day[by_day["crossings"] > 0], checkpoints)
    return frame.assign(
        electronic_share=frame["electronic"] / frame["crossings"],
        bluezone_share=frame["bluezone_installed"] / frame["crossings"],
    )


def lagging_checkpoint(shares: pd.DataFrame, target: float) -> Lag | None:
    """The checkpoint with the lowest electronic share, and its gap to the target and to the best."""
    if shares.empty:
        return None
    worst = shares.loc[shares["electronic_share"].idxmin()]
    best = shares.loc[shares["electronic_share"].idxmax()]
    return Lag(
        worst["checkpoint"],
        float(worst["electronic_share"]),
        target - float(worst["electronic_share"]),
        best["checkpoint"],
        float(best["electronic_share"]),
    )


def adoption_table(shares: pd.DataFrame, target: float, lang: str) -> pd.DataFrame:
    """Per checkpoint: electronic share and its gap to the target, Bluezone share and its gap."""

    def gap(value: float) -> str:
        points = round((value - target) * 100, 1)
        return t("overview.delta_points", lang, delta=fmt.signed(points, lang))

    return pd.DataFrame(
        {
            t("col.checkpoint", lang): shares["checkpoint"],
            t("col.electronic_share", lang): [fmt.percent(v, lang) for v in shares["electronic_share"]],
            t("adoption.vs_target", lang): [gap(v) for v in shares["electronic_share"]],
            t("col.bluezone_share", lang): [fmt.percent(v, lang) for v in shares["bluezone_share"]],
            t("adoption.bluezone_vs_target", lang): [gap(v) for v in shares["bluezone_share"]],
            t("col.total", lang): [fmt.number(int(v), lang) for v in shares["crossings"]],
        }
    )


def wifi_table(wifi: pd.DataFrame, checkpoints: pd.DataFrame, today: dt.date, lang: str) -> pd.DataFrame:
    """Free Wi-Fi per checkpoint since it opened, as display text."""
    frame = with_names(wifi, checkpoints)
    rows = []
    for _, row in frame.iterrows():
        opened = row["wifi_opened_on"]
        if opened is None:
            rows.append(
                {
                    t("col.checkpoint", lang): row["checkpoint"],
                    t("wifi.opened", lang): t("wifi.none", lang),
                    t("wifi.declarations", lang): "—",
                    t("wifi.share_electronic", lang): "—",
                    t("wifi.per_day", lang): "—",
                }
            )
            continue
        days = (today - opened).days + 1
        rows.append(
            {
                t("col.checkpoint", lang): row["checkpoint"],
                t("wifi.opened", lang): fmt.date(opened, lang),
                t("wifi.declarations", lang): fmt.number(int(row["free_wifi"]), lang),
                t("wifi.share_electronic", lang): fmt.percent(fmt.share(row["free_wifi"], row["electronic"]), lang),
                t("wifi.per_day", lang): fmt.number(round(row["free_wifi"] / days), lang),
            }
        )
    return pd.DataFrame(rows)


def channel_shares(mix: pd.DataFrame, checkpoints: pd.DataFrame) -> pd.DataFrame:
    """Per checkpoint and channel: checkpoint (name), channel, crossings, share of the checkpoint's crossings."""
    frame = with_names(mix, checkpoints)
    totals = frame.groupby("checkpoint_id")["crossings"].transform("sum")
    frame = frame[totals > 0].copy()
    frame["share"] = frame["crossings"] / totals[totals > 0]
    return frame
