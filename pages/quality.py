"""Chất lượng dữ liệu — freshness per checkpoint, hourly declarations against last week, optional
fields filled, warnings and quarantine reasons (IT team)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import charts, state
from dashboard import formatting as fmt
from dashboard.state import lang, query, tr
from dashboard.ui import live, table_or_note
from dashboard.views import quality as view
from data_access.queries import quality, reference
from data_access.store import WIFI_EARLIEST, set_wifi_opened_on
from data_access.timeutil import local_today, now_utc

FILL_PERIODS = (1, 7, 30)


def body(now: dt.datetime) -> None:
    """The data-quality report at ``now``."""
    fresh = query(quality.freshness, now)
    silent = fresh[fresh["silent"]]
    if len(silent):
        st.warning(tr("it.q.silent_warning", names=", ".join(fmt.escape_markdown(name) for name in silent["name"])))
    st.subheader(tr("it.q.freshness"))
    st.dataframe(view.freshness_table(fresh, now, lang()), hide_index=True, width="stretch")

    st.subheader(tr("it.q.hourly"))
    hourly = query(quality.hourly_vs_last_week, now)
    drops = int(hourly["drop"].sum())
    if drops:
        st.error(tr("it.q.drops", n=drops))
    st.plotly_chart(charts.hourly_chart(hourly, lang()), width="stretch", config={"displayModeBar": False})
    st.caption(tr("it.q.hourly_note"))


st.title(tr("it.q.title"))
live(body)

st.subheader(tr("it.q.fill"))
days = (
    st.segmented_control(
        tr("it.q.period"), FILL_PERIODS, default=7, key="fill_days", format_func=lambda n: tr("it.q.days", n=n)
    )
    or 7
)
now = now_utc()
today = local_today(now)
fill = query(quality.fill_shares, today - dt.timedelta(days=days - 1), today, now=now)
st.dataframe(view.fill_table(fill, query(reference.checkpoint_table), lang()), hide_index=True, width="stretch")

st.subheader(tr("it.wifi.title"))
st.caption(tr("it.wifi.help"))
checkpoints = query(reference.checkpoint_table)
shown = view.wifi_frame(checkpoints)
edited = st.data_editor(
    shown,
    hide_index=True,
    width="stretch",
    key="wifi_editor",
    disabled=["name"],
    column_config={
        "id": None,
        "name": st.column_config.TextColumn(tr("col.checkpoint")),
        "wifi_opened_on": st.column_config.DateColumn(
            tr("it.wifi.opened"), format="DD/MM/YYYY", min_value=WIFI_EARLIEST, max_value=today
        ),
    },
)
changes = view.wifi_changes(shown, edited)
if st.button(tr("it.wifi.save"), disabled=not changes):
    try:
        with state.writer_engine().begin() as conn:
            for checkpoint_id, day in changes:
                set_wifi_opened_on(conn, checkpoint_id, day, today)
    except ValueError:
        st.error(tr("it.wifi.invalid"))
    else:
        st.session_state.pop("wifi_editor", None)
        st.rerun()

left, right = st.columns(2)
left.subheader(tr("it.q.warnings"))
table_or_note(
    left, query(quality.warnings_by_field), tr("it.q.no_warnings"), lambda frame: view.warnings_table(frame, lang())
)
right.subheader(tr("it.q.reasons"))
table_or_note(
    right, query(quality.quarantine_reasons), tr("it.q.no_quarantine"), lambda frame: view.reasons_table(frame, lang())
)
