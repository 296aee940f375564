"""The operations room's wall screen: the committee's four views in turn, in large type, live.

Tổng quan → Bản đồ → Nguy cơ cao → Ứng dụng CNTT, each for ``KIOSK_SECONDS``, chosen by the clock
(every screen showing the wall agrees), redrawn in place by a fragment: no page reload, the figures
refresh on every tick. No sidebar, header or menu; the time and how fresh the data is sit in a corner.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from data_access.queries import adoption, high_risk, live_map, overview, reference
from data_access.settings import get_settings
from data_access.timeutil import local_today, now_utc

from . import charts, figures, maps
from . import formatting as fmt
from .state import lang, query, tr
from .ui import log_run, metric_card, page_error, page_now
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
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer
  {display: none !important;}
[data-testid="stMainBlockContainer"], .block-container
  {padding: 1.2rem 2.5rem 1rem !important; max-width: 100% !important;}
/* A view redrawn in place keeps full colour: Streamlit greys what is being redrawn, which on a
   screen that refreshes every few seconds would dim it half the time (the view just left is
   hidden instead: hide_others). */
[data-stale="true"], .stElementContainer {opacity: 1 !important; transition: none !important;}
h1 {font-size: 3.4rem !important; padding-top: 0 !important;}
[data-testid="stMetricLabel"] p {font-size: 1.7rem !important; color: #333 !important;}
[data-testid="stMetricValue"] p, [data-testid="stMetricValue"]
  {font-size: 4rem !important; line-height: 1.15 !important;}
[data-testid="stMetricDelta"] p {font-size: 1.5rem !important;}
[data-testid="stMetricDelta"] svg {width: 1.5rem !important; height: 1.5rem !important;}
[data-testid="stMarkdown"] [data-testid="stMarkdownContainer"] p {font-size: 1.6rem !important; line-height: 1.5;}
[data-testid="stTable"] th, [data-testid="stTable"] td {font-size: 1.6rem !important; padding: .45rem .8rem !important;}
[data-testid="stTable"] th {color: #333 !important;}
.wall-corner {position: fixed; top: .6rem; right: 1.5rem; z-index: 1000; text-align: right;
  font-size: 1.5rem; line-height: 1.3; color: #1A1A1A; background: rgba(255,255,255,.9); padding: .2rem .6rem;}
.wall-corner b {font-size: 2.6rem;}
</style>"""


def view_at(now: dt.datetime, seconds: float) -> int:
    """Which view the wall shows at ``now``: the clock's slot of ``seconds``, in turn."""
    return int(now.timestamp() // seconds) % len(VIEWS)


def hide_others(name: str) -> str:
    """CSS that hides every view's container but ``name``'s."""
    return " ".join(f".st-key-wall-view-{view} {{display: none !important;}}" for view, _key in VIEWS if view != name)


def show() -> None:
    """The wall screen: hides the chrome, then redraws the current view every tick."""
    st.html(KIOSK_CSS)
    settings = get_settings()
    seconds = settings.kiosk_seconds
    # Ticks often enough to change view within a second or two of its slot, and to stay live.
    tick = dt.timedelta(seconds=min(settings.dashboard_refresh_seconds, max(1.0, seconds / 10)))

    @st.fragment(run_every=tick)
    def _wall() -> None:
        counts = figures.start_run()
        # The clock chooses the view (every screen showing the wall agrees) and shows the time; the
        # figures count at the page's instant, shared with every other viewer of the refresh tick.
        clock = now_utc()
        name, title_key = VIEWS[view_at(clock, seconds)]
        # Sent first in every run: hides the other views at once. Streamlit keeps what the previous
        # run drew until this one has drawn its own; without this, the figures of the view just left
        # would stand under the next view's title for as long as its run takes.
        st.html(f"<style>{hide_others(name)}</style>")
        try:
            now = page_now()
            _corner(now, clock)
            st.title(tr(title_key))
            for view, _key in VIEWS:  # one container per view, always in the same place
                with st.container(key=f"wall-view-{view}"):
                    if view == name:
                        RENDER[name](now)
        except Exception:
            page_error(f"wall:{name}")
        finally:
            log_run(f"trinh-chieu:{name}", counts)

    _wall()


def _corner(now: dt.datetime, clock: dt.datetime) -> None:
    """The clock, and how fresh the figures on screen are (as of their instant ``now``)."""
    latest = query(overview.latest_declaration_at, now)
    fresh = tr("app.freshness_empty") if latest is None else tr("wall.updated", ago=fmt.ago(latest, now, lang()))
    time_text = fmt.local_time(clock, lang(), "HH:mm")
    st.html(f'<div class="wall-corner"><b>{time_text}</b><br>{html.escape(fresh)}</div>')


def _overview(now: dt.datetime) -> None:
    checkpoints = query(reference.checkpoint_table)
    counts = query(overview.today_vs_yesterday, now)
    cards = overview_view.headline(counts, lang())
    for row in (cards[:3], cards[3:]):
        for column, card in zip(st.columns(3), row, strict=False):
            metric_card(column, tr(card.label_key), card.value, card.delta, change=True, delta_color=card.delta_color)
    _table(overview_view.checkpoint_summary(counts, checkpoints, lang()))


def _table(frame: pd.DataFrame) -> None:
    """A table in large type (an HTML table: the interactive grid draws small text on a canvas).
    ``st.table`` reads Markdown in its cells and headers: every text is escaped, so a name stays text."""
    shown = frame.map(lambda cell: fmt.escape_markdown(cell) if isinstance(cell, str) else cell)
    shown.columns = [fmt.escape_markdown(str(name)) for name in frame.columns]
    st.table(shown, hide_index=True)


def _live_map(now: dt.datetime) -> None:
    settings = get_settings()
    status = query(live_map.checkpoint_live_status, now, silent_after_minutes=settings.silent_after_minutes)
    origins = query(live_map.origins_today, now)
    left, right = st.columns([3, 1])
    with left:
        st_folium(
            maps.base_map(settings.map_tile_url, settings.map_tile_attribution, lang()),
            key="wall_map",
            height=860,
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
    _table(high_risk_view.risk_by_checkpoint(levels, reasons, checkpoints, lang()))


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
    figure = charts.share_bars(
        shares,
        value="electronic_share",
        colors=colors,
        target=target,
        target_label=tr("adoption.target_line", target=target_text),
        x_title=tr("axis.share"),
        lang=lang(),
        height=520,
        # Read from across the room: axis, labels and the target line's note in large type.
        large=True,
    )
    st.plotly_chart(
        figure,
        width="stretch",
        config=charts.CONFIG,
        key="wall-adoption",
    )


RENDER = {"overview": _overview, "live_map": _live_map, "high_risk": _high_risk, "adoption": _adoption}
