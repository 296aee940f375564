"""Bản đồ trực tiếp — the three checkpoints live, and where today's incoming travellers come from."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from dashboard import formatting as fmt
from dashboard import maps
from dashboard.filters import filtered_page
from dashboard.rows import rows_button
from dashboard.state import lang, query, tr
from dashboard.ui import live
from dashboard.views import live_map as view
from data_access.queries import live_map
from data_access.settings import get_settings
from data_access.timeutil import local_today

SELECTED = "live_map_selected"

checkpoints, filters = filtered_page("map.title", dates=False, direction=False)


def body(now: dt.datetime) -> None:
    """The map and its side panel at ``now``."""
    settings = get_settings()
    ids = filters.checkpoint_ids(checkpoints)
    status = query(
        live_map.checkpoint_live_status, now, silent_after_minutes=settings.silent_after_minutes, checkpoint_ids=ids
    )
    origins = query(live_map.origins_today, now, checkpoint_ids=ids)
    map_column, panel = st.columns([3, 1])
    with map_column:
        clicked = st_folium(
            maps.base_map(settings.map_tile_url, settings.map_tile_attribution, lang()),
            key="live_map",
            height=560,
            use_container_width=True,
            returned_objects=["last_object_clicked_tooltip"],
            feature_group_to_add=[
                maps.origin_layer(origins, lambda row: view.origin_card(row, lang()), tr("map.layer_origins")),
                maps.checkpoint_layer(
                    status, lambda row: view.checkpoint_card(row, now, lang()), tr("map.layer_checkpoints")
                ),
            ],
        )
        st.caption(tr("map.legend", minutes=settings.silent_after_minutes))
        st.caption(tr("map.base_legend"))
    code = maps.clicked_checkpoint((clicked or {}).get("last_object_clicked_tooltip"), status)
    if code is not None:
        st.session_state[SELECTED] = code
    with panel:
        for line in view.checkpoint_state_lines(status, lang()):
            st.markdown(line)
        st.divider()
        selected = status[status["code"] == st.session_state.get(SELECTED)]
        if selected.empty:
            st.info(tr("map.pick"))
        else:
            row = selected.iloc[0]
            st.subheader(fmt.escape_markdown(row["name"]), anchor=False)
            st.markdown("  \n".join(f"{label}: **{value}**" for label, value in view.checkpoint_card(row, now, lang())))
            today = local_today(now)
            rows_button(
                key=f"rows-{row['code']}", page="ban-do", first_day=today, last_day=today, now=now,
                checkpoint_ids=[int(row["id"])],
            )  # fmt: skip
        st.divider()
        origins_panel(origins)


def origins_panel(origins) -> None:
    """Where most of today's arrivals come from, in words: the map's circles, for those who cannot hover."""
    st.markdown(f"**{tr('map.top_origins')}**")
    top = maps.top_origins(origins)
    if not top:
        st.caption(tr("map.no_origins"))
        return
    hot_mark = tr("map.hot_zone_mark")
    st.markdown(
        "  \n".join(
            f"{fmt.escape_markdown(province)}: **{fmt.number(travellers, lang())}**"
            + (f" · :red[{hot_mark}]" if hot else "")
            for province, travellers, hot in top
        )
    )


live(body)
