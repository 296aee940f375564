"""Tổng quan — today's crossings, high-risk, adoption, against the same time yesterday; 7-day trend."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import charts
from dashboard import formatting as fmt
from dashboard.state import lang, query, tr
from dashboard.surge import surge_banner
from dashboard.ui import live, metric_card
from dashboard.views.overview import checkpoint_summary, headline
from data_access.queries import overview, reference
from data_access.timeutil import local_today


def body(now: dt.datetime) -> None:
    """The Overview at ``now``."""
    surge_banner(now)
    checkpoints = query(reference.checkpoint_table)
    counts = query(overview.today_vs_yesterday, now)
    columns = st.columns(6)
    for column, card in zip(columns, headline(counts, lang()), strict=False):
        metric_card(column, tr(card.label_key), card.value, card.delta, change=True, delta_color=card.delta_color)
    st.caption(tr("overview.deltas_note"))

    st.subheader(tr("overview.by_checkpoint", time=fmt.local_time(now, lang(), "HH:mm")))
    st.dataframe(checkpoint_summary(counts, checkpoints, lang()), hide_index=True, width="stretch")

    # Seven complete days: today's partial count would read as a collapse on the chart.
    trend = query(overview.daily_trend, local_today(now) - dt.timedelta(days=1), now=now, days=7)
    trend = trend.merge(checkpoints[["id", "name"]], left_on="checkpoint_id", right_on="id").rename(
        columns={"name": "checkpoint"}
    )
    colors = charts.checkpoint_colors(checkpoints)
    left, right = st.columns(2)
    left.subheader(tr("overview.trend"))
    left.plotly_chart(
        charts.daily_lines(trend, value="crossings", colors=colors, y_title=tr("axis.crossings"), lang=lang()),
        width="stretch",
        config={"displayModeBar": False},
    )
    right.subheader(tr("overview.trend_high"))
    right.plotly_chart(
        charts.daily_bars(trend, value="risk_high", colors=colors, y_title=tr("axis.high_risk"), lang=lang()),
        width="stretch",
        config={"displayModeBar": False},
    )


st.title(tr("overview.title"))
live(body)
