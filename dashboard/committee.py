"""Presentation of the steering committee's pages: the query frames named, divided into shares, formatted.

Nothing here reads the store: each function takes the DataFrame of one ``data_access.queries``
figure (and the checkpoint table for names) and returns what a chart or table shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data_access.schema import CHANNELS, VEHICLES

from . import formatting as fmt
from .charts import checkpoint_colors
from .i18n import t


def with_names(frame: pd.DataFrame, checkpoints: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``checkpoint`` column (the checkpoint's name) from its checkpoint_id."""
    names = dict(zip(checkpoints["id"], checkpoints["name"]))
    return frame.assign(checkpoint=frame["checkpoint_id"].map(names))


def scope(filters, checkpoints: pd.DataFrame, now: dt.datetime) -> tuple[dt.date, dt.date, dict, dict[str, str]]:
    """What a filtered committee page shows at ``now``: its first and last local day, the query
    filters (``checkpoint_ids``, ``directions``) and the colours of the checkpoints on screen."""
    first, last = filters.days(now)
    where = dict(checkpoint_ids=filters.checkpoint_ids(checkpoints), directions=filters.directions, now=now)
    return first, last, where, shown_colors(checkpoint_colors(checkpoints), checkpoints, where["checkpoint_ids"])


def shown_colors(colors: dict[str, str], checkpoints: pd.DataFrame, ids: list[int] | None) -> dict[str, str]:
    """The checkpoint colours of the checkpoints on screen (colours stay those of all pages)."""
    if ids is None:
        return colors
    names = set(checkpoints.loc[checkpoints["id"].isin(ids), "name"])
    return {n: c for n, c in colors.items() if n in names}


def range_text(first_day: dt.date, last_day: dt.date, lang: str) -> str:
    """"25/11/2026" or "20/11/2026 – 25/11/2026"."""
    a, b = fmt.date(first_day, lang), fmt.date(last_day, lang)
    return a if a == b else f"{a} – {b}"


# --- live map -----------------------------------------------------------------------------------

def checkpoint_card(row: pd.Series, now: dt.datetime, lang: str) -> list[tuple[str, str]]:
    """The (label, value) lines of a checkpoint's tooltip, popup and side panel."""
    total = int(row["today_crossings"])
    last = row["last_declared_at"]
    last_text = "—" if last is None or pd.isna(last) else (
        f"{fmt.local_time(last, lang, 'HH:mm')} ({fmt.ago(last, now, lang)})")
    why = attention_text(row, lang)
    return [
        (t("map.state", lang), t(f"map.state.{row['state']}", lang) + (f": {why}" if why else "")),
        (t("map.last_hour", lang), fmt.number(int(row["last_hour"]), lang)),
        (t("map.today_in_out", lang), f"{fmt.number(int(row['today_in']), lang)} / "
                                      f"{fmt.number(int(row['today_out']), lang)}"),
        (t("map.today_high_risk", lang), fmt.number(int(row["today_high_risk"]), lang)),
        (t("map.today_electronic", lang), fmt.percent(fmt.share(row["today_electronic"], total), lang)),
        (t("map.today_wifi", lang), f"{fmt.number(int(row['today_free_wifi']), lang)} "
                                    f"({fmt.percent(fmt.share(row['today_free_wifi'], total), lang)})"),
        (t("map.last_declaration", lang), last_text),
    ]


def origin_card(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    """The (label, value) lines of an origin province's tooltip."""
    lines = [(t("map.origin_travellers", lang), fmt.number(int(row["travellers"]), lang)),
             (t("map.origin_high_risk", lang), fmt.number(int(row["high_risk"]), lang))]
    if isinstance(row["hot_zone_label"], str):
        lines.append((t("map.origin_hot_zone", lang), row["hot_zone_label"]))
    return lines


STATE_MARKS = {"normal": ":blue[●]", "attention": ":red[●]", "silent": ":gray[●]"}


def attention_text(row: pd.Series, lang: str) -> str | None:
    """Why a checkpoint is red, in words, or None."""
    reason = row.get("attention")
    if not isinstance(reason, str):
        return None
    return t(f"map.attention.{reason}", lang, n=fmt.number(int(row["high_risk_arrivals"]), lang),
             usual=fmt.number(round(float(row["usual_high_risk"]), 1), lang))


def checkpoint_state_lines(status: pd.DataFrame, lang: str) -> list[str]:
    """The side panel's lines, one per checkpoint: coloured state mark, name, state, last hour."""
    lines = []
    for _, row in status.iterrows():
        state = row["state"]
        last_hour = t("map.last_hour_n", lang, n=fmt.number(int(row["last_hour"]), lang))
        why = attention_text(row, lang)
        lines.append(f"{STATE_MARKS[state]} **{fmt.escape_markdown(row['name'])}**  \n"
                     f"{t(f'map.state.{state}', lang)} · {last_hour}" + (f"  \n{why}" if why else ""))
    return lines


# --- traffic ------------------------------------------------------------------------------------

def vehicle_labels(lang: str) -> dict[str, str]:
    """Vehicle type → display text, in display order."""
    return {v: t(f"vehicle.{v}", lang) for v in (*VEHICLES, "unknown")}


def channel_labels(lang: str) -> dict[str, str]:
    """Channel → display text, in display order."""
    return {c: t(f"channel.{c}", lang) for c in CHANNELS}


def traffic_headline(by_day: pd.DataFrame, peaks: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """The traffic page's cards: (label, value, note) for crossings, in, out and the busiest hour."""
    total = int(by_day["crossings"].sum())
    n_in = int(by_day.loc[by_day["direction"] == "in", "crossings"].sum())
    n_out = int(by_day.loc[by_day["direction"] == "out", "crossings"].sum())
    cards = [(t("traffic.total", lang), fmt.number(total, lang), ""),
             (t("overview.in", lang), fmt.number(n_in, lang), fmt.percent(fmt.share(n_in, total), lang)),
             (t("overview.out", lang), fmt.number(n_out, lang), fmt.percent(fmt.share(n_out, total), lang))]
    if peaks.empty:
        cards.append((t("traffic.busiest_hour", lang), "—", ""))
    else:
        top = peaks.iloc[0]
        cards.append((t("traffic.busiest_hour", lang), hour_span(int(top["local_hour"])),
                      f"{fmt.day(top['local_day'], lang)} · "
                      f"{t('traffic.crossings_n', lang, n=fmt.number(int(top['crossings']), lang))}"))
    return cards


def hour_span(hour: int) -> str:
    """"07:00–08:00"."""
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def peak_hours_table(peaks: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The peak hours table, busiest first, as display text."""
    return pd.DataFrame({
        t("col.day", lang): [fmt.date(d, lang) for d in peaks["local_day"]],
        t("col.hour", lang): [hour_span(int(h)) for h in peaks["local_hour"]],
        t("col.total", lang): [fmt.number(int(v), lang) for v in peaks["crossings"]],
        t("col.in", lang): [fmt.number(int(v), lang) for v in peaks["crossings_in"]],
        t("col.out", lang): [fmt.number(int(v), lang) for v in peaks["crossings_out"]],
    })


# --- high risk ----------------------------------------------------------------------------------

def risk_headline(levels: pd.DataFrame, reasons: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """The high-risk page's cards: high, medium, share of high, each reason (label, value, note)."""
    high, medium = int(levels["risk_high"].sum()), int(levels["risk_medium"].sum())
    total = high + medium + int(levels["risk_low"].sum())
    cards = [(t("risk.high", lang), fmt.number(high, lang),
              t("risk.of_crossings", lang, share=fmt.percent(fmt.share(high, total), lang, 2))),
             (t("risk.medium", lang), fmt.number(medium, lang),
              t("risk.of_crossings", lang, share=fmt.percent(fmt.share(medium, total), lang, 2)))]
    for reason in ("reason_contact_f0", "reason_hotzone_origin", "reason_symptom_travel"):
        cards.append((t(f"risk.{reason}", lang), fmt.number(int(reasons[reason].sum()), lang), ""))
    return cards


def risk_by_checkpoint(levels: pd.DataFrame, reasons: pd.DataFrame, checkpoints: pd.DataFrame,
                       lang: str) -> pd.DataFrame:
    """Per checkpoint over the range: high, medium, and the high-risk reasons, as display text."""
    lv = levels.groupby("checkpoint_id")[["risk_high", "risk_medium", "risk_low"]].sum()
    rs = reasons.groupby("checkpoint_id")[["reason_contact_f0", "reason_hotzone_origin",
                                           "reason_symptom_travel"]].sum()
    both = lv.join(rs, how="outer").fillna(0).reset_index()
    both = with_names(both, checkpoints).sort_values("checkpoint_id")
    columns = {"risk_high": "risk.high", "risk_medium": "risk.medium", "reason_contact_f0": "risk.reason_contact_f0",
               "reason_hotzone_origin": "risk.reason_hotzone_origin",
               "reason_symptom_travel": "risk.reason_symptom_travel"}
    table = {t("col.checkpoint", lang): both["checkpoint"]}
    for column, key in columns.items():
        table[t(key, lang)] = [fmt.number(int(v), lang) for v in both[column]]
    return pd.DataFrame(table)


def reason_labels(lang: str) -> dict[str, str]:
    """High-risk reason → display text."""
    return {r: t(f"risk.{r}", lang) for r in ("reason_contact_f0", "reason_hotzone_origin", "reason_symptom_travel")}


def origins_for_chart(origins: pd.DataFrame) -> pd.DataFrame:
    """High-risk origins with a hot_zone flag (any high-risk traveller whose origin was in a hot zone)."""
    return origins.assign(hot_zone=origins["from_hotzone"] > 0)


# --- app adoption -------------------------------------------------------------------------------

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
    return frame.assign(electronic_share=frame["electronic"] / frame["crossings"],
                        bluezone_share=frame["bluezone_installed"] / frame["crossings"])


def lagging_checkpoint(shares: pd.DataFrame, target: float) -> Lag | None:
    """The checkpoint with the lowest electronic share, and its gap to the target and to the best."""
    if shares.empty:
        return None
    worst = shares.loc[shares["electronic_share"].idxmin()]
    best = shares.loc[shares["electronic_share"].idxmax()]
    return Lag(worst["checkpoint"], float(worst["electronic_share"]), target - float(worst["electronic_share"]),
               best["checkpoint"], float(best["electronic_share"]))


def adoption_table(shares: pd.DataFrame, target: float, lang: str) -> pd.DataFrame:
    """Per checkpoint: electronic share and its gap to the target, Bluezone share and its gap."""
    def gap(value: float) -> str:
        points = round((value - target) * 100, 1)
        return t("overview.delta_points", lang, delta=fmt.signed(points, lang))

    return pd.DataFrame({
        t("col.checkpoint", lang): shares["checkpoint"],
        t("col.electronic_share", lang): [fmt.percent(v, lang) for v in shares["electronic_share"]],
        t("adoption.vs_target", lang): [gap(v) for v in shares["electronic_share"]],
        t("col.bluezone_share", lang): [fmt.percent(v, lang) for v in shares["bluezone_share"]],
        t("adoption.bluezone_vs_target", lang): [gap(v) for v in shares["bluezone_share"]],
        t("col.total", lang): [fmt.number(int(v), lang) for v in shares["crossings"]],
    })


def wifi_table(wifi: pd.DataFrame, checkpoints: pd.DataFrame, today: dt.date, lang: str) -> pd.DataFrame:
    """Free Wi-Fi per checkpoint since it opened, as display text."""
    frame = with_names(wifi, checkpoints)
    rows = []
    for _, row in frame.iterrows():
        opened = row["wifi_opened_on"]
        if opened is None:
            rows.append({t("col.checkpoint", lang): row["checkpoint"], t("wifi.opened", lang): t("wifi.none", lang),
                         t("wifi.declarations", lang): "—",
                         t("wifi.share_electronic", lang): "—", t("wifi.per_day", lang): "—"})
            continue
        days = (today - opened).days + 1
        rows.append({
            t("col.checkpoint", lang): row["checkpoint"],
            t("wifi.opened", lang): fmt.date(opened, lang),
            t("wifi.declarations", lang): fmt.number(int(row["free_wifi"]), lang),
            t("wifi.share_electronic", lang): fmt.percent(fmt.share(row["free_wifi"], row["electronic"]), lang),
            t("wifi.per_day", lang): fmt.number(round(row["free_wifi"] / days), lang),
        })
    return pd.DataFrame(rows)


def channel_shares(mix: pd.DataFrame, checkpoints: pd.DataFrame) -> pd.DataFrame:
    """Per checkpoint and channel: checkpoint (name), channel, crossings, share of the checkpoint's crossings."""
    frame = with_names(mix, checkpoints)
    totals = frame.groupby("checkpoint_id")["crossings"].transform("sum")
    frame = frame[totals > 0].copy()
    frame["share"] = frame["crossings"] / totals[totals > 0]
    return frame
