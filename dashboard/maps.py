"""The live map part (folium + streamlit-folium), served without any CDN and readable with no internet.

The base map never changes between refreshes, so streamlit-folium keeps the same Leaflet map mounted; the
two data layers (checkpoints, travellers' origins) are sent as ``feature_group_to_add`` and swapped in
place. Leaflet and the base layer's script come from ``dashboard/static/`` through Streamlit's static
serving (``/app/static/...``). The base layer (``static/geo/``: the 63 provinces, Thái Bình and its
neighbours, the rivers at the three bridges, the district seats) is drawn by the map itself, so the map
reads like a map on a network with no tile server; tiles (``MAP_TILE_URL``), when set, load see-through
above the provinces' fill and under the rivers and names, and the map never waits for them.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections.abc import Callable
from pathlib import Path

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from . import i18n
from .charts import RISK_COLORS, STATE_COLORS

#: Where Streamlit serves dashboard/static/ (``[server] enableStaticServing = true``).
STATIC_URL = "/app/static"
STATIC_DIR = Path(__file__).resolve().parent / "static"
LEAFLET_URL = f"{STATIC_URL}/leaflet-1.9.4"
GEO_DIR = STATIC_DIR / "geo"
GEO_FILES = {"provinces": "provinces.geojson", "rivers": "rivers.geojson", "seats": "district_seats.geojson"}
LEAFLET_CSS = [("leaflet_css", f"{LEAFLET_URL}/leaflet.css")]
#: Thái Bình's GSO code.
THAI_BINH = "34"
#: The opening view, (south-west, north-east): all of Thái Bình, the three bridges and both banks of the
#: Red River. The map fits it to its own size, so a phone shows the same area as a wall screen.
PROVINCE_VIEW = ((20.26, 106.03), (20.74, 106.63))
#: The country, for where today's travellers come from.
COUNTRY_VIEW = ((8.4, 102.1), (23.4, 109.5))
#: The pane (static/geo/base_layer.js) the optional tiles are drawn in.
TILE_PANE = "geo-tiles"
CHECKPOINT_CLASS = "checkpoint-marker"
ORIGIN_CLASS = "origin-circle"
ORIGIN_COLOR = "#00695C"
#: Marker colours by state. The store's state names changed from "high_risk" to "attention": both are
#: read, so the map works with either.
STATE_ALIASES = {"high_risk": "attention"}
MARKER_COLORS = {"normal": STATE_COLORS["normal"], "attention": RISK_COLORS["high"], "silent": STATE_COLORS["silent"]}


def _versioned(relative: str) -> str:
    # The file's hash in the address: a browser never keeps an old copy after an update.
    digest = hashlib.sha256((STATIC_DIR / relative).read_bytes()).hexdigest()[:10]
    return f"{STATIC_URL}/{relative}?v={digest}"


def geo_urls() -> dict[str, str]:
    """Addresses of the base layer's GeoJSON files, as the map fetches them."""
    return {name: _versioned(f"geo/{file}") for name, file in GEO_FILES.items()}


def load_geo(name: str) -> dict:
    """One of the base layer's GeoJSON files (``provinces``, ``rivers`` or ``seats``), parsed."""
    return json.loads((GEO_DIR / GEO_FILES[name]).read_text(encoding="utf-8"))


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


#: The map's own look: names with a white halo (readable on any fill), the view buttons, checkpoint names
#: large enough for a wall screen, and which names show at which scale (see static/geo/base_layer.js).
MAP_CSS = (
    """
.leaflet-container { background: #D3E2EE; font-family: "Source Sans Pro", "Noto Sans", sans-serif; }
.geo-label span { position: absolute; white-space: nowrap; transform: translate(-50%, -50%);
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none; line-height: 1.1; }
.geo-side-right span { transform: translate(6px, -50%); }
.geo-side-left span { transform: translate(calc(-100% - 6px), -50%); }
.geo-side-bottom span { transform: translate(-50%, 12px); }
.geo-label-focus span { font-size: 16px; font-weight: 700; letter-spacing: 2px; color: #6D4C41; }
.geo-label-neighbour span { font-size: 14px; font-weight: 600; color: #616161; }
.geo-label-river span { font-size: 13px; font-style: italic; font-weight: 600; color: #1F5F99; }
.geo-label-seat span { font-size: 12px; color: #424242; }
.geo-zoom-country .leaflet-geo-labels-pane, .geo-zoom-country .leaflet-geo-seats-pane { display: none; }
.geo-zoom-small .geo-label-seat, .geo-zoom-small .leaflet-geo-seats-pane { display: none; }
.geo-zoom-small .geo-label-focus span { font-size: 14px; letter-spacing: 1px; }
.geo-zoom-country .checkpoint-label, .geo-zoom-country path.checkpoint-marker { display: none; }
.geo-views a.geo-view { width: auto; padding: 0 8px; font-size: 13px; font-weight: 600; white-space: nowrap; }
.leaflet-control-attribution { font-size: 11px; }
"""
    + f"""
.leaflet-tooltip.checkpoint-label {{ font-size: 14px; font-weight: 700; padding: 2px 6px; color: #1A1A1A;
  border-left: 5px solid {MARKER_COLORS["normal"]}; }}
.leaflet-tooltip.checkpoint-label.state-attention {{ border-left-color: {MARKER_COLORS["attention"]}; color: #B71C1C; }}
.leaflet-tooltip.checkpoint-label.state-silent {{ border-left-color: {MARKER_COLORS["silent"]}; color: #616161; }}
"""
)


class OfflineBaseLayer(MacroElement):
    """The base layer drawn by the map itself from ``static/geo/`` (provinces, rivers, district seats),
    the view buttons, the attribution of those sources, and the map's style sheet."""

    _template = Template("""
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            window.thaiBinhBaseLayer({{ this._parent.get_name() }}, {{ this.options_js }});
        {% endmacro %}
    """)

    def __init__(self, options: dict):
        super().__init__()
        self._name = "OfflineBaseLayer"
        self.css = MAP_CSS
        self.options_js = json.dumps(options, ensure_ascii=False).replace("</", "<\\/")


class HotZoneAreas(MacroElement):
    """Hot-zone provinces hatched red (outline dashed when only part of the province is a hot zone), from
    the provinces the base layer loaded; added to its parent feature group."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            window.thaiBinhHotZones({{ this._parent.get_name() }}, {{ this.zones_js }}, {{ this.color_js }});
        {% endmacro %}
    """)

    def __init__(self, zones: dict[str, str], color: str):
        super().__init__()
        self._name = "HotZoneAreas"
        self.zones_js = json.dumps(zones)
        self.color_js = json.dumps(color)


def _local_assets(fmap: folium.Map) -> None:
    # Per instance (not on the class): nothing else in the process is affected. Only Leaflet itself and the
    # base layer's script: circle markers, tooltips and popups need no icon plugin, jQuery or Bootstrap.
    fmap.default_js = [("leaflet", f"{LEAFLET_URL}/leaflet.js"), ("geo_base_layer", _versioned("geo/base_layer.js"))]
    fmap.default_css = LEAFLET_CSS


def base_map(tile_url: str, tile_attribution: str, lang: str = i18n.DEFAULT_LANGUAGE) -> folium.Map:
    """The base map: the offline base layer, opening on Thái Bình; tiles from ``tile_url`` when the setting
    is not empty (no tile layer at all when it is); local Leaflet assets; texts in ``lang``."""
    # keyboard=False: Leaflet's keyboard handler focuses the map on mouse down, which scrolls a map that is
    # partly below the fold, so the click lands beside the marker it was meant for.
    # zoom_snap 0.25: fitting the province to a phone or a wall screen needs zooms between whole steps.
    (south, west), (north, east) = PROVINCE_VIEW
    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=10,
        tiles=None,
        control_scale=False,
        min_zoom=5,
        max_zoom=16,
        zoom_snap=0.25,
        zoom_delta=0.5,
        keyboard=False,
    )
    _local_assets(fmap)
    # First: its script makes the panes the tiles go into.
    OfflineBaseLayer(
        {
            "urls": geo_urls(),
            "views": {
                "province": [list(corner) for corner in PROVINCE_VIEW],
                "country": [list(corner) for corner in COUNTRY_VIEW],
            },
            "texts": {name: i18n.t(f"map.view_{name}", lang) for name in ("province", "country")}
            | {f"{name}_title": i18n.t(f"map.view_{name}_title", lang) for name in ("province", "country")},
            "lang": lang,
            "attribution": escape(i18n.t("map.geo_attribution", lang)),
        }
    ).add_to(fmap)
    if tile_url.strip():
        # Over the provinces' fill and under their borders, rivers and names, see-through: where tiles load
        # they add detail, where they do not (no internet) the base layer is whole.
        folium.TileLayer(
            tiles=tile_url, attr=tile_attribution, name="tiles", max_zoom=16, pane=TILE_PANE, opacity=0.7
        ).add_to(fmap)
    return fmap


def marker_state(state: str) -> str:
    """The marker's state, "normal", "attention" or "silent", whichever name the store gives it."""
    return STATE_ALIASES.get(state, state)


def marker_radius(count: int, *, smallest: float = 9.0, per_sqrt: float = 3.0, largest: float = 40.0) -> float:
    """Circle radius in pixels for a count: area grows with the count, within readable bounds."""
    return min(largest, smallest + per_sqrt * math.sqrt(max(count, 0)))


def escape(text: str) -> str:
    """Text as HTML that is also safe inside a JS template literal (folium's tooltips use backticks):
    a backslash there would start an escape ("\\x3c" is "<"), so it becomes an entity too."""
    return html.escape(str(text)).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _card(title: str, lines: list[tuple[str, str]]) -> str:
    # Names come from the store (editable reference data): escaped, never trusted as HTML.
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td style='text-align:right;padding-left:12px'><b>{escape(v)}</b></td></tr>"
        for k, v in lines
    )
    return (
        f"<div style='font-size:15px;min-width:230px'><b style='font-size:16px'>{escape(title)}</b>"
        f"<table style='margin-top:4px'>{rows}</table></div>"
    )


def checkpoint_layer(
    status: pd.DataFrame, card_lines: Callable[[pd.Series], list[tuple[str, str]]], name: str
) -> folium.FeatureGroup:
    """Checkpoint markers: sized by crossings in the last hour, coloured by state, name always shown.

    ``status`` is :func:`data_access.queries.live_map.checkpoint_live_status`; ``card_lines`` gives the
    (label, value) lines of a checkpoint's tooltip and popup, already formatted.
    """
    layer = folium.FeatureGroup(name=name)
    for _, row in status.iterrows():
        state = marker_state(row["state"])
        card = _card(row["name"], card_lines(row))
        # The name stays readable with no tiles behind it: a permanent label on an invisible point, drawn
        # first and not interactive so that it never takes the marker's clicks.
        name_tag = folium.Tooltip(
            escape(row["name"]),
            permanent=True,
            direction="right",
            offset=(14, 0),
            class_name=f"checkpoint-label state-{state}",
        )
        label = folium.CircleMarker(
            location=(row["lat"], row["lon"]), radius=1, opacity=0, fill=False, tooltip=name_tag
        )
        label.options["interactive"] = False
        label.add_to(layer)
        folium.CircleMarker(
            # Sized so that the river and the bridge stay visible under the busiest checkpoint.
            location=(row["lat"], row["lon"]),
            radius=marker_radius(int(row["last_hour"]), smallest=8, per_sqrt=1.5, largest=24),
            color="#FFFFFF",
            weight=3,
            fill=True,
            fill_color=MARKER_COLORS[state],
            fill_opacity=0.85,
            class_name=f"{CHECKPOINT_CLASS} {CHECKPOINT_CLASS}-{row['code']} state-{state}",
            tooltip=folium.Tooltip(card, sticky=False),
        ).add_child(PlainPopup(card)).add_to(layer)
    return layer


def origin_layer(
    origins: pd.DataFrame, card_lines: Callable[[pd.Series], list[tuple[str, str]]], name: str
) -> folium.FeatureGroup:
    """Where today's incoming travellers come from: a circle per origin province at its centroid, its area
    proportional to the travellers (a count reads better as a size than as a shade); a hot-zone province
    hatched red with a red outline, dashed when only part of it is a hot zone, and its circle ringed red.

    Largest circles first, so that a small one is never hidden under a large one.
    """
    layer = folium.FeatureGroup(name=name)
    zones = {}
    for _, row in origins.sort_values("travellers", ascending=False).iterrows():
        hot = row["hot_zone"] if isinstance(row["hot_zone"], str) else None
        if hot:
            zones[str(row["province_code"])] = hot
        # No circle for Thái Bình itself: it would sit among the checkpoints and say nothing about where
        # people come from (the panel beside the map still counts them).
        if pd.isna(row["lat"]) or pd.isna(row["lon"]) or str(row["province_code"]) == THAI_BINH:
            continue
        card = _card(row["province"], card_lines(row))
        folium.CircleMarker(
            location=(row["lat"], row["lon"]),
            radius=marker_radius(int(row["travellers"]), smallest=4, per_sqrt=0.9, largest=30),
            color=RISK_COLORS["high"] if hot else ORIGIN_COLOR,
            weight=3 if hot else 1,
            dash_array="5 3" if hot == "district" else None,
            fill=True,
            fill_color=ORIGIN_COLOR,
            fill_opacity=0.35,
            class_name=f"{ORIGIN_CLASS}" + (" hot-zone" if hot else ""),
            tooltip=folium.Tooltip(card),
            bubbling_mouse_events=False,
        ).add_to(layer)
    if zones:
        layer.add_child(HotZoneAreas(zones, RISK_COLORS["high"]))
    return layer


def top_origins(origins: pd.DataFrame, limit: int = 5) -> list[tuple[str, int, bool]]:
    """The provinces most of today's arrivals come from: (province, travellers, in a hot zone), largest
    first, at most ``limit``."""
    top = origins.sort_values(["travellers", "province_code"], ascending=[False, True]).head(limit)
    return [
        (str(row["province"]), int(row["travellers"]), isinstance(row["hot_zone"], str)) for _, row in top.iterrows()
    ]


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
