"""Nguy cơ cao — high-risk crossings by level, reason, checkpoint and day; their origins; the surge flag.

Aggregates only: no personal field appears on this page (the list of people is the health officers').
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import charts
from dashboard.filters import filtered_page
from dashboard.rows import rows_button
from dashboard.state import lang, query, tr
from dashboard.surge import surge_banner
from dashboard.ui import live, metric_card
from dashboard.views import common
from dashboard.views import high_risk as view
from data_access.queries import high_risk

checkpoints, filters = filtered_page("risk.title")


def body(now: dt.datetime) -> None:
    """The high-risk figures for the filtered view at ``now``."""
    first, last, where, colors = common.scope(filters, checkpoints, now)
    surge_banner(now, where["checkpoint_ids"], quiet=False)
    levels = query(high_risk.risk_levels_by_day, first, last, **where)
    reasons = query(high_risk.high_risk_reasons_by_day, first, last, **where)
    st.caption(tr("page.range", range=common.range_text(first, last, lang())))
    for column, (label, value, note) in zip(st.columns(5), view.risk_headline(levels, reasons, lang()), strict=False):
        metric_card(column, label, value, note)
    st.caption(tr("risk.reasons_note"))
    rows_button(
        key="rows-high-risk", page="nguy-co-cao", first_day=first, last_day=last, now=now,
        checkpoint_ids=where["checkpoint_ids"], directions=where["directions"],
    )  # fmt: skip

    left, right = st.columns(2)
    left.subheader(tr("risk.by_checkpoint_day"))
    high = common.with_names(levels, checkpoints)
    left.plotly_chart(
        charts.daily_bars(high, value="risk_high", colors=colors, y_title=tr("axis.high_risk"), lang=lang()),
        width="stretch",
        config=charts.CONFIG,
        key="chart-risk.by_checkpoint_day",
    )
    right.subheader(tr("risk.by_reason_day"))
    per_day = reasons.groupby("local_day", as_index=False)[list(high_risk.REASONS)].sum()
    right.plotly_chart(
        charts.reason_bars(per_day, labels=view.reason_labels(lang()), y_title=tr("axis.high_risk"), lang=lang()),
        width="stretch",
        config=charts.CONFIG,
        key="chart-risk.by_reason_day",
    )

    st.subheader(tr("risk.by_checkpoint"))
    st.dataframe(view.risk_by_checkpoint(levels, reasons, checkpoints, lang()), hide_index=True, width="stretch")

    left, right = st.columns(2)
    left.subheader(tr("risk.by_level_day"))
    level_days = levels.groupby("local_day", as_index=False)[["risk_high", "risk_medium", "risk_low"]].sum()
    left.plotly_chart(
        charts.risk_level_bars(
            level_days,
            labels={"high": tr("risk.high"), "medium": tr("risk.medium")},
            y_title=tr("axis.crossings"),
            lang=lang(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="chart-risk.by_level_day",
    )
    right.subheader(tr("risk.origins"))
    origins = view.origins_for_chart(query(high_risk.high_risk_origins, first, last, **where))
    if origins.empty:
        right.info(tr("risk.no_high_risk"))
    else:
        right.plotly_chart(
            charts.origin_bars(
                origins,
                value="high_risk",
                hot_label=tr("risk.origin_hot"),
                other_label=tr("risk.origin_other"),
                x_title=tr("axis.high_risk"),
                lang=lang(),
                height=120 + 28 * len(origins),
            ),
            width="stretch",
            config=charts.CONFIG,
            key="chart-risk.origins",
        )


live(body)
