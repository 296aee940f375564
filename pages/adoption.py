"""Ứng dụng CNTT — electronic declarations and Bluezone against the target; free Wi-Fi; channel mix."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import charts
from dashboard import formatting as fmt
from dashboard.filters import filtered_page
from dashboard.state import lang, query, tr
from dashboard.ui import live, metric_card
from dashboard.views import adoption as view
from dashboard.views import common
from data_access.queries import adoption
from data_access.settings import get_settings
from data_access.timeutil import local_today

checkpoints, filters = filtered_page("adoption.title")


def daily_trends(
    first: dt.date, last: dt.date, where: dict, colors: dict[str, str], target: float, target_label: str
) -> None:
    """Electronic and Bluezone shares per day and checkpoint, against the target."""
    daily = view.adoption_daily_shares(query(adoption.adoption_by_day, first, last, **where), checkpoints)
    left, right = st.columns(2)
    for column, value, title in (
        (left, "electronic_share", "adoption.electronic_by_day"),
        (right, "bluezone_share", "adoption.bluezone_by_day"),
    ):
        column.subheader(tr(title))
        column.plotly_chart(
            charts.share_lines(
                daily,
                value=value,
                colors=colors,
                target=target,
                target_label=target_label,
                y_title=tr("axis.share"),
                lang=lang(),
            ),
            width="stretch",
            config=charts.CONFIG,
            key=f"chart-{title}",
        )


def body(now: dt.datetime) -> None:
    """The adoption figures for the filtered view at ``now``."""
    target = get_settings().adoption_target
    first, last, where, colors = common.scope(filters, checkpoints, now)
    shares = view.adoption_shares(query(adoption.adoption_by_checkpoint, first, last, **where), checkpoints)
    total = shares[["crossings", "electronic", "bluezone_installed"]].sum()
    lag = view.lagging_checkpoint(shares, target)
    target_text = fmt.percent(target, lang(), 0)
    st.caption(tr("page.range", range=common.range_text(first, last, lang())))
    columns = st.columns(4)
    metric_card(
        columns[0],
        tr("overview.electronic"),
        fmt.percent(fmt.share(total["electronic"], total["crossings"]), lang()),
        tr("adoption.target_is", target=target_text),
    )
    metric_card(
        columns[1],
        tr("overview.bluezone"),
        fmt.percent(fmt.share(total["bluezone_installed"], total["crossings"]), lang()),
        tr("adoption.target_is", target=target_text),
    )
    if lag is not None:
        metric_card(
            columns[2],
            tr("adoption.lagging", checkpoint=fmt.escape_markdown(lag.checkpoint)),
            fmt.percent(lag.share, lang()),
            tr("adoption.lag_note", gap=fmt.number(round(lag.below_target * 100, 1), lang())),
        )
        metric_card(
            columns[3],
            tr("adoption.behind_best"),
            tr("overview.delta_points", delta=fmt.number(round(lag.below_best * 100, 1), lang())),
            tr(
                "adoption.best_note",
                checkpoint=fmt.escape_markdown(lag.best_checkpoint),
                share=fmt.percent(lag.best_share, lang()),
            ),
        )

    left, right = st.columns(2)
    target_label = tr("adoption.target_line", target=target_text)
    left.subheader(tr("adoption.electronic_by_checkpoint"))
    left.plotly_chart(
        charts.share_bars(
            shares,
            value="electronic_share",
            colors=colors,
            target=target,
            target_label=target_label,
            x_title=tr("axis.share"),
            lang=lang(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="chart-adoption.electronic_by_checkpoint",
    )
    right.subheader(tr("adoption.bluezone_by_checkpoint"))
    right.plotly_chart(
        charts.share_bars(
            shares,
            value="bluezone_share",
            colors=colors,
            target=target,
            target_label=target_label,
            x_title=tr("axis.share"),
            lang=lang(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="chart-adoption.bluezone_by_checkpoint",
    )
    st.dataframe(view.adoption_table(shares, target, lang()), hide_index=True, width="stretch")

    if first == last:
        # One day has no trend to draw: say how to get one rather than show a lone dot per checkpoint.
        st.caption(tr("adoption.trend_hint"))
    else:
        daily_trends(first, last, where, colors, target, target_label)

    left, right = st.columns(2)
    left.subheader(tr("adoption.channel_mix"))
    mix = view.channel_shares(query(adoption.channel_mix, first, last, **where), checkpoints)
    left.plotly_chart(
        charts.channel_share_bars(
            mix,
            labels=view.channel_labels(lang()),
            x_title=tr("axis.share"),
            lang=lang(),
            height=160 + 60 * mix["checkpoint"].nunique(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="chart-adoption.channel_mix",
    )
    right.subheader(tr("adoption.wifi"))
    wifi = query(adoption.free_wifi_since_opening, **where)
    right.dataframe(view.wifi_table(wifi, checkpoints, local_today(now), lang()), hide_index=True, width="stretch")
    right.caption(tr("adoption.wifi_note"))


live(body)
