"""Shared chart parts (plotly): consistent colours per checkpoint and risk level, Vietnamese axes."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Colour-blind-safe palette (Okabe–Ito); checkpoints keep their colour on every page.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
RISK_COLORS = {"high": "#C62828", "medium": "#F9A825", "low": "#2E7D32"}
FONT = dict(family="Source Sans Pro, Noto Sans, sans-serif", size=16)


def checkpoint_colors(checkpoints: pd.DataFrame) -> dict[str, str]:
    """Checkpoint name → colour, by the checkpoint's id so it never changes between pages."""
    ordered = checkpoints.sort_values("id")
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(ordered["name"])}


def _layout(fig: go.Figure, *, y_title: str, lang: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=10, b=10), font=FONT,
        separators=",." if lang == "vi" else ".,",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title_text=""),
        hovermode="x unified", plot_bgcolor="white",
    )
    fig.update_yaxes(title_text=y_title, rangemode="tozero", gridcolor="#E0E0E0", tickformat=",d")
    fig.update_xaxes(title_text=None, tickformat="%d/%m", dtick=86400000)
    return fig


def daily_lines(frame: pd.DataFrame, *, value: str, colors: dict[str, str], y_title: str, lang: str,
                height: int = 360) -> go.Figure:
    """One line per checkpoint over days: ``frame`` has local_day, checkpoint (name) and ``value``."""
    fig = go.Figure()
    for name, color in colors.items():
        part = frame[frame["checkpoint"] == name].sort_values("local_day")
        fig.add_trace(go.Scatter(x=pd.to_datetime(part["local_day"]), y=part[value], name=name, mode="lines+markers",
                                 line=dict(color=color, width=3), marker=dict(size=8),
                                 hovertemplate="%{y:,d}"))
    return _layout(fig, y_title=y_title, lang=lang, height=height)


def daily_bars(frame: pd.DataFrame, *, value: str, colors: dict[str, str], y_title: str, lang: str,
               height: int = 360) -> go.Figure:
    """Stacked bars per checkpoint over days: ``frame`` has local_day, checkpoint (name) and ``value``."""
    fig = go.Figure()
    for name, color in colors.items():
        part = frame[frame["checkpoint"] == name].sort_values("local_day")
        fig.add_trace(go.Bar(x=pd.to_datetime(part["local_day"]), y=part[value], name=name, marker_color=color,
                             hovertemplate="%{y:,d}"))
    fig.update_layout(barmode="stack")
    return _layout(fig, y_title=y_title, lang=lang, height=height)
