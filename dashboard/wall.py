"""The operations room's wall screen: the committee's four views in turn, in large type, live.

Tổng quan → Bản đồ → Nguy cơ cao → Ứng dụng CNTT, each for ``KIOSK_SECONDS``, chosen by the clock
(every screen showing the wall agrees), redrawn in place by a fragment: no page reload, the figures
refresh on every tick. No sidebar, header or menu; the time and how fresh the data is sit in a corner.
"""

from __future__ import annotations

import datetime as dt
import html

import streamlit as st
from streamlit_folium import st_folium

from data_access.queries import adoption, high_risk, live_map, overview, reference
from data_access.settings import get_settings
from data_access.timeutil import local_today, now_utc

from . import charts, maps
from . import formatting as fmt
from .state import lang, query, tr
from .ui import metric_card, page_error
from .views import adoption as adoption_view
from .views import common
from .views import high_risk as high_risk_view
from .views import live_map as live_map_view
from .views import overview as overview_view

#: The views in the order they are shown, with the catalogue key of their title.
VIEWS = (
    ("overview", "nav.overview"),
    ("live_map", "nav.live_map"),
    ("high_risk", "nav.high_risk"),
    ("adoption", "nav.adoption"),
)

#: Large type, and none of Streamlit's own chrome: what a screen across a room needs.
KIOSK_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
.block-container {padding-top: 1.2rem !important; max-width: 100% !important;}
h1 {font-size: 3.2rem !important;}
[data-testid="stMetricValue"] {font-size: 3.4rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.5rem !important;}
[data-testid="stMetricDelta"] {font-size: 1.3rem !important;}
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] {font-size: 1.35rem !important;}
.wall-corner {position: fixed; top: .6rem; right: 1.2rem; z-index: 1000; text-align: right;
  font-size: 1.5rem; line-height: 1.4; color: #1A1A1A; background: rgba(255,255,255,.85); padding: .2rem .6rem;}
.wall-corner b {font-size: 2.2rem;}
</style>"""


def view_at(now: dt.datetime, seconds: float) -> int:
    """Which view the wall shows at ``now``: the clock's slot of ``seconds``, in turn."""
    return int(now.timestamp() // seconds) % len(VIEWS)


def show() -> None:
    """The wall screen: hides the chrome, then redraws the current view every tick."""
    st.html(KIOSK_CSS)
    settings = get_settings()
    seconds = settings.kiosk_seconds
    # Ticks often enough to change view within a second or two of its slot, and to stay live.
    tick = dt.timedelta(seconds=min(settings.dashboard_refresh_seconds, max(1.0, seconds / 10)))

    @st.fragment(run_every=tick)
    def _wall() -> None:
        now = now_utc()
        try:
            _corner(now)
            name, title_key = VIEWS[view_at(now, seconds)]
            st.title(tr(title_key))
            RENDER[name](now)
        except Exception:
            page_error(f"wall:{VIEWS[view_at(now, seconds)][0]}")

    _wall()


def _corner(now: dt.datetime) -> None:
    latest = query(overview.latest_declaration_at, now)
    fresh = tr("app.freshness_empty") if latest is None else tr("wall.updated", ago=fmt.ago(latest, now, lang()))
    clock = fmt.local_time(now, lang(), "HH:mm")
    st.html(f'<div class="wall-corner"><b>{clock}</b><br>{html.escape(fresh)}</div>')


def _overview(now: dt.datetime) -> None:
    checkpoints = query(reference.checkpoint_table)
    counts = query(overview.today_vs_yesterday, now)
    cards = overview_view.headline(counts, lang())
    for row in (cards[:3], cards[3:]):
        for column, card in zip(st.columns(3), row, strict=False):
            metric_card(column, tr(card.label_key), card.value, card.delta, change=True, delta_color=card.delta_color)
    st.dataframe(overview_view.checkpoint_summary(counts, checkpoints, lang()), hide_index=True, width="stretch")


def _live_map(now: dt.datetime) -> None:
    settings = get_settings()
    status = query(live_map.checkpoint_live_status, now, silent_after_minutes=settings.silent_after_minutes)
    origins = query(live_map.origins_today, now)
    left, right = st.columns([3, 1])
    with left:
        st_folium(
            maps.base_map(settings.map_tile_url, settings.map_tile_attribution, lang()),
            key="wall_map",
            height=720,
            use_container_width=True,
            returned_objects=[],
            feature_group_to_add=[
                maps.origin_layer(origins, lambda row: live_map_view.origin_card(row, lang()), tr("map.layer_origins")),
                maps.checkpoint_layer(
                    status, lambda row: live_map_view.checkpoint_card(row, now, lang()), tr("map.layer_checkpoints")
                ),
            ],
        )
    with right:
        for line in live_map_view.checkpoint_state_lines(status, lang()):
            st.markdown(line)


def _high_risk(now: dt.datetime) -> None:
    today = local_today(now)
    checkpoints = query(reference.checkpoint_table)
    levels = query(high_risk.risk_levels_by_day, today, today, now=now)
    reasons = query(high_risk.high_risk_reasons_by_day, today, today, now=now)
    cards = high_risk_view.risk_headline(levels, reasons, lang())
    for column, (label, value, note) in zip(st.columns(len(cards)), cards, strict=False):
        metric_card(column, label, value, note)
    st.dataframe(
        high_risk_view.risk_by_checkpoint(levels, reasons, checkpoints, lang()), hide_index=True, width="stretch"
    )


def _adoption(now: dt.datetime) -> None:
    target = get_settings().adoption_target
    today = local_today(now)
    checkpoints = query(reference.checkpoint_table)
    shares = adoption_view.adoption_shares(query(adoption.adoption_by_checkpoint, today, today, now=now), checkpoints)
    total = shares[["crossings", "electronic", "bluezone_installed"]].sum()
    target_text = fmt.percent(target, lang(), 0)
    left, right = st.columns(2)
    for column, label, value in (
        (left, "overview.electronic", "electronic"),
        (right, "overview.bluezone", "bluezone_installed"),
    ):
        share = fmt.share(total[value], total["crossings"])
        metric_card(column, tr(label), fmt.percent(share, lang()), tr("adoption.target_is", target=target_text))
    colors = common.shown_colors(charts.checkpoint_colors(checkpoints), checkpoints, None)
    st.plotly_chart(
        charts.share_bars(
            shares,
            value="electronic_share",
            colors=colors,
            target=target,
            target_label=tr("adoption.target_line", target=target_text),
            x_title=tr("axis.share"),
            lang=lang(),
        ),
        width="stretch",
        config=charts.CONFIG,
        key="wall-adoption",
    )


RENDER = {"overview": _overview, "live_map": _live_map, "high_risk": _high_risk, "adoption": _adoption}
