"""Lưu lượng — crossings by hour and by day, by checkpoint, direction and vehicle; people vs vehicles."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import charts
from dashboard.filters import filtered_page
from dashboard.state import lang, query, tr
from dashboard.ui import live, metric_card
from dashboard.views import common
from dashboard.views import traffic as view
from data_access.queries import traffic

checkpoints, filters = filtered_page("traffic.title")


def body(now: dt.datetime) -> None:
    """The traffic figures for the filtered view at ``now``."""
    first, last, where, colors = common.scope(filters, checkpoints, now)
    by_day = query(traffic.crossings_by_day, first, last, **where)
    peaks = query(traffic.peak_hours, first, last, **where)
    st.caption(tr("page.range", range=common.range_text(first, last, lang())))
    for column, (label, value, note) in zip(st.columns(4), view.traffic_headline(by_day, peaks, lang()), strict=False):
        metric_card(column, label, value, note)

    st.subheader(tr("traffic.by_hour"))
    by_hour = common.with_names(query(traffic.crossings_by_hour, first, last, **where), checkpoints)
    st.plotly_chart(
        charts.hourly_bars(by_hour, colors=colors, y_title=tr("axis.crossings"), lang=lang()),
        width="stretch",
        config=charts.CONFIG,
        key="chart-traffic.by_hour",
    )

    left, right = st.columns(2)
    left.subheader(tr("traffic.by_day"))
    per_day = common.with_names(
        by_day.groupby(["local_day", "checkpoint_id"], as_index=False)["crossings"].sum(), checkpoints
    )
    left.plotly_chart(
        charts.daily_bars(per_day, value="crossings", colors=colors, y_title=tr("axis.crossings"), lang=lang()),
        width="stretch",
        config=charts.CONFIG,
        key="chart-traffic.by_day",
    )
    right.subheader(tr("traffic.by_direction"))
    per_direction = by_day.groupby(["local_day", "direction"], as_index=False)["crossings"].sum()
    right.plotly_chart(
        charts.direction_bars(
            per_direction,
            labels={"in": tr("overview.in"), "out": tr("overview.out")},
            y_title=tr("axis.crossings"),
            lang=lang(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="chart-traffic.by_direction",
    )

    left, right = st.columns(2)
    left.subheader(tr("traffic.by_vehicle"))
    vehicles = common.with_names(query(traffic.crossings_by_vehicle, first, last, **where), checkpoints)
    left.plotly_chart(
        charts.category_bars(
            vehicles,
            category="vehicle",
            value="crossings",
            colors=colors,
            labels=view.vehicle_labels(lang()),
            x_title=tr("axis.crossings"),
            lang=lang(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="chart-traffic.by_vehicle",
    )
    right.subheader(tr("traffic.people_vehicles"))
    people = query(traffic.people_and_vehicles_by_day, first, last, **where)
    right.plotly_chart(
        charts.people_vehicle_bars(
            people,
            labels={"crossings": tr("traffic.people"), "vehicles": tr("traffic.vehicles")},
            y_title=tr("axis.count"),
            lang=lang(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="chart-traffic.people_vehicles",
    )
    right.caption(tr("traffic.vehicles_note"))

    st.subheader(tr("traffic.peak_hours"))
    st.dataframe(view.peak_hours_table(peaks, lang()), hide_index=True, width="stretch")


live(body)
