"""The live map part (folium + streamlit-folium), served without any CDN.

The base map (tiles, view) never changes between refreshes, so streamlit-folium keeps the same Leaflet
map mounted; the two data layers (checkpoints, travellers' origins) are sent as ``feature_group_to_add``
and swapped in place. Leaflet's JS and CSS come from ``dashboard/static/`` through Streamlit's static
serving (``/app/static/...``): the map works on a network with no internet, and when the tile server
cannot be reached the markers and circles still show on a blank background.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from .charts import RISK_COLORS, STATE_COLORS

#: Where Streamlit serves dashboard/static/ (``[server] enableStaticServing = true``).
LEAFLET_URL = "/app/static/leaflet-1.9.4"
LEAFLET_JS = [("leaflet", f"{LEAFLET_URL}/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{LEAFLET_URL}/leaflet.css")]
#: The view: Thái Bình's three bridges and the neighbouring provinces travellers mostly come from.
CENTER = (20.65, 106.0)
ZOOM = 10
CHECKPOINT_CLASS = "checkpoint-marker"
ORIGIN_CLASS = "origin-circle"
ORIGIN_COLOR = "#00695C"


class PlainPopup(MacroElement):
    """A popup bound to its parent from a plain HTML string.

    folium's own Popup builds its content with jQuery, which would be one more library to serve; this
    passes the (already escaped) HTML as a JSON string literal instead.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.content_js }}, {"maxWidth": {{ this.max_width }}});
        {% endmacro %}
    """)

    def __init__(self, content: str, max_width: int = 320):
        super().__init__()
        self._name = "PlainPopup"
        # A JSON string is a valid JS string literal; "</" is escaped so it cannot close a <script>.
        self.content_js = json.dumps(content).replace("</", "<\\/")
        self.max_width = int(max_width)


def _local_assets(element: folium.Element) -> None:
    # Per instance (not on the class): nothing else in the process is affected. Only Leaflet itself is
    # needed: the map uses circle markers, tooltips and popups, no icon plugin, jQuery or Bootstrap.
    element.default_js = LEAFLET_JS
    element.default_css = LEAFLET_CSS


def base_map(tile_url: str, attribution: str) -> folium.Map:
    """The base map: tiles from ``tile_url`` (a setting), fixed centre and zoom, local Leaflet assets."""
    # keyboard=False: Leaflet's keyboard handler focuses the map on mouse down, which scrolls a map that is
    # partly below the fold, so the click lands beside the marker it was meant for.
    fmap = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=True, min_zoom=6, max_zoom=16,
                      keyboard=False)
    _local_assets(fmap)
    folium.TileLayer(tiles=tile_url, attr=attribution, name="tiles", max_zoom=16).add_to(fmap)
    return fmap


def marker_radius(count: int, *, smallest: float = 9.0, per_sqrt: float = 3.0, largest: float = 40.0) -> float:
    """Circle radius in pixels for a count: area grows with the count, within readable bounds."""
    return min(largest, smallest + per_sqrt * math.sqrt(max(count, 0)))


def escape(text: str) -> str:
    """Text as HTML that is also safe inside a JS template literal (folium's tooltips use backticks)."""
    return html.escape(str(text)).replace("`", "&#96;").replace("$", "&#36;")


def _card(title: str, lines: list[tuple[str, str]]) -> str:
    # Names come from the store (editable reference data): escaped, never trusted as HTML.
    rows = "".join(f"<tr><td>{escape(k)}</td><td style='text-align:right;padding-left:12px'>"
                   f"<b>{escape(v)}</b></td></tr>" for k, v in lines)
    return (f"<div style='font-size:15px;min-width:230px'><b style='font-size:16px'>{escape(title)}</b>"
            f"<table style='margin-top:4px'>{rows}</table></div>")


def checkpoint_layer(status: pd.DataFrame, card_lines: Callable[[pd.Series], list[tuple[str, str]]],
                     name: str) -> folium.FeatureGroup:
    """Checkpoint markers: sized by crossings in the last hour, coloured by state, name always shown.

    ``status`` is :func:`data_access.queries_committee.checkpoint_live_status`; ``card_lines`` gives the
    (label, value) lines of a checkpoint's tooltip and popup, already formatted.
    """
    layer = folium.FeatureGroup(name=name)
    for _, row in status.iterrows():
        color = STATE_COLORS[row["state"]]
        card = _card(row["name"], card_lines(row))
        # The name stays readable even with no tiles behind it: a permanent label on an invisible point,
        # drawn first and not interactive so that it never takes the marker's clicks.
        label = folium.CircleMarker(location=(row["lat"], row["lon"]), radius=1, opacity=0, fill=False,
                                    tooltip=folium.Tooltip(escape(row["name"]), permanent=True, direction="right",
                                                           offset=(14, 0)))
        label.options["interactive"] = False
        label.add_to(layer)
        folium.CircleMarker(
            location=(row["lat"], row["lon"]), radius=marker_radius(int(row["last_hour"])),
            color="#FFFFFF", weight=3, fill=True, fill_color=color, fill_opacity=0.9,
            class_name=f"{CHECKPOINT_CLASS} {CHECKPOINT_CLASS}-{row['code']} state-{row['state']}",
            tooltip=folium.Tooltip(card, sticky=False),
        ).add_child(PlainPopup(card)).add_to(layer)
    return layer


def origin_layer(origins: pd.DataFrame, card_lines: Callable[[pd.Series], list[tuple[str, str]]],
                 name: str) -> folium.FeatureGroup:
    """Where today's incoming travellers come from: a circle per origin province at its centroid, sized by
    travellers; hot-zone provinces outlined in red (dashed when only part of the province is a hot zone)."""
    layer = folium.FeatureGroup(name=name)
    for _, row in origins.iterrows():
        if pd.isna(row["lat"]) or pd.isna(row["lon"]):
            continue
        hot = row["hot_zone"] if isinstance(row["hot_zone"], str) else None
        card = _card(row["province"], card_lines(row))
        folium.CircleMarker(
            location=(row["lat"], row["lon"]), radius=marker_radius(int(row["travellers"]), smallest=4,
                                                                    per_sqrt=0.9, largest=30),
            color=RISK_COLORS["high"] if hot else ORIGIN_COLOR, weight=4 if hot else 1,
            dash_array="6 4" if hot == "district" else None,
            fill=True, fill_color=RISK_COLORS["high"] if hot else ORIGIN_COLOR, fill_opacity=0.35,
            class_name=f"{ORIGIN_CLASS}" + (" hot-zone" if hot else ""),
            tooltip=folium.Tooltip(card), bubbling_mouse_events=False,
        ).add_to(layer)
    return layer


def clicked_checkpoint(tooltip_text: str | None, status: pd.DataFrame) -> str | None:
    """The code of the checkpoint whose marker was clicked, from streamlit-folium's
    ``last_object_clicked_tooltip`` (the text of the clicked object's tooltip, which starts with the
    checkpoint's name), or None when the click was on something else (an origin circle).

    streamlit-folium reports the clicked object by its tooltip, or by the mouse position (not the
    marker's), so the tooltip is the reliable handle.
    """
    if not tooltip_text:
        return None
    text = " ".join(str(tooltip_text).split())
    # Longest name first: no name can shadow a longer one that starts with it.
    for _, row in status.sort_values("name", key=lambda s: s.str.len(), ascending=False).iterrows():
        if text.startswith(" ".join(str(row["name"]).split())):
            return str(row["code"])
    return None
