"""The hot-zone list (SPEC §4): add, change, delete or replace zones, and re-classify what they affect.

Every change runs in the caller's transaction and does three things together, so that the store
never shows a zone list that disagrees with the stored risk: it writes the zone rows; it
re-assesses the declarations whose origin province and local day the change can touch (stored
``origin_in_hotzone``/``risk_level``/``risk_reason``) and rebuilds the rollups of the days where a
row changed; and it records who changed what in ``hot_zone_changes`` with the number of
declarations re-classified.

Use: ``with engine.begin() as conn: add_zone(conn, zone, changed_by="…")``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import cast

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from . import audit
from .domain import SYMPTOMS
from .errors import CodedError
from .fields import FieldError, Reference, clip, normalize_origin_province
from .importing.reader import HeaderSpec, UnreadableFile, read_table
from .risk import HotZone, HotZoneIndex, assess
from .store import load_hot_zones, rollup, schema
from .text import fold, nfc
from .timeutil import now_utc

LABEL_MAX = 100
DISTRICT_MAX = 100
_RECLASSIFY_FETCH = 20_000


class HotZoneError(CodedError, ValueError):
    """A zone that cannot be stored: a code (``hot_zone.…``) and its parameters, worded by the
    catalogue (``error.hot_zone.…``) in one line."""


@dataclass(frozen=True)
class ZoneProblem:
    """Why line ``line`` of a hot-zone file holds no zone."""

    line: int
    error: HotZoneError


@dataclass(frozen=True)
class ZoneChange:
    """The outcome of one change: zones added/removed/updated and declarations re-classified."""

    added: int
    updated: int
    deleted: int
    reclassified: int


# ---------------------------------------------------------------- validation


def _shown(value: object) -> str:
    """A value quoted in a message: one line, at most 50 characters (a file's cell can be anything)."""
    return clip(" ".join(str(value).split()), 50)


def _parse_date(value: object, field: str, *, required: bool) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise HotZoneError("hot_zone.missing_field", field=field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # Excel serial day
        try:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        except (OverflowError, ValueError):  # beyond year 9999, or not a number (NaN)
            raise HotZoneError("hot_zone.invalid_value", field=field, value=_shown(value)) from None
    text = nfc(str(value))
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s.*)?", text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise HotZoneError("hot_zone.invalid_value", field=field, value=_shown(text)) from None


def validate_zone(raw: dict, ref: Reference) -> dict:
    """A hot_zones row (province_code, district_name, label, valid_from, valid_to) from raw values.

    ``raw`` has province (code or name, as in declarations), optional district, label, valid_from,
    optional valid_to (dates, ISO or dd/mm/yyyy text, or Excel serials). Raises :class:`HotZoneError`.
    """
    province = raw.get("province", raw.get("province_code"))
    try:
        code = normalize_origin_province(province, ref)
    except FieldError:
        raise HotZoneError(
            "hot_zone.invalid_value", field="province", value="" if province is None else _shown(province)
        ) from None
    district = raw.get("district", raw.get("district_name"))
    district = nfc(str(district)) if district is not None and str(district).strip() else None
    label = raw.get("label")
    label = nfc(str(label)) if label is not None else ""
    if not label:
        raise HotZoneError("hot_zone.missing_label")
    if len(label) > LABEL_MAX or (district and len(district) > DISTRICT_MAX):
        raise HotZoneError("hot_zone.label_too_long", limit=LABEL_MAX)
    valid_from = _parse_date(raw.get("valid_from"), "valid_from", required=True)
    assert valid_from is not None  # required: _parse_date raised otherwise
    valid_to = _parse_date(raw.get("valid_to"), "valid_to", required=False)
    if valid_to is not None and valid_to < valid_from:
        raise HotZoneError("hot_zone.ends_before_start", valid_from=valid_from, valid_to=valid_to)
    return dict(province_code=code, district_name=district, label=label, valid_from=valid_from, valid_to=valid_to)


def _zone_json(zone: dict | HotZone | None) -> dict | None:
    if zone is None:
        return None
    data = asdict(zone) if isinstance(zone, HotZone) else dict(zone)
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in data.items()
        if k in ("id", "province_code", "district_name", "label", "valid_from", "valid_to")
    }


def _as_zone(row: dict, zone_id: int | None = None) -> HotZone:
    return HotZone(
        province_code=row["province_code"],
        district_name=row.get("district_name"),
        label=row["label"],
        valid_from=row["valid_from"],
        valid_to=row.get("valid_to"),
        id=zone_id,
    )


def _key(zone: HotZone) -> tuple:
    """What makes two zone rows the same zone (id aside): used to diff a replacement list."""
    return (zone.province_code, fold(zone.district_name or ""), fold(zone.label), zone.valid_from)


# ---------------------------------------------------------------- re-classification


def reclassify(conn: Connection, changed: Iterable[HotZone]) -> int:
    """Re-assess the stored declarations that the ``changed`` zones (old or new versions) can affect.

    Call after the zone rows are written: the new list is read from the store. Only rows whose
    origin province is one of the changed zones' and whose local day lies in the changed zones'
    span are read; the rows whose risk columns change are updated, and the rollups of their days
    rebuilt. Returns the number of declarations re-classified.
    """
    changed = list(changed)
    if not changed:
        return 0
    index = HotZoneIndex(load_hot_zones(conn))
    d = schema.declarations.c
    first = min(z.valid_from for z in changed)
    ends = [z.valid_to for z in changed if z.valid_to is not None]
    last = None if len(ends) < len(changed) else max(ends)
    cols = [
        d.id,
        d.local_day,
        d.origin_province_code,
        d.origin_district,
        d.contact_f0,
        d.visited_hotzone,
        *(d[s] for s in SYMPTOMS),
        d.origin_in_hotzone,
        d.risk_level,
        d.risk_reason,
    ]
    stmt = select(*cols).where(
        d.origin_province_code.in_(sorted({z.province_code for z in changed})), d.local_day >= first
    )
    if last is not None:
        stmt = stmt.where(d.local_day <= last)
    updates: list[dict] = []
    days: set[dt.date] = set()
    # Only changed rows are kept in memory; the candidates stream through.
    # Options on the statement, not the connection: they would stick to the caller's connection.
    result = conn.execute(stmt.execution_options(stream_results=True, yield_per=_RECLASSIFY_FETCH))
    for row in result.mappings():
        new = assess(cast(Mapping[str, object], row), index, row["local_day"])
        if (new["origin_in_hotzone"], new["risk_level"], new["risk_reason"]) != (
            bool(row["origin_in_hotzone"]),
            row["risk_level"],
            row["risk_reason"],
        ):
            updates.append(
                {
                    "_id": row["id"],
                    "_in": new["origin_in_hotzone"],
                    "_level": new["risk_level"],
                    "_reason": new["risk_reason"],
                }
            )
            days.add(row["local_day"])
    result.close()
    if updates:
        update_stmt = (
            update(schema.declarations)
            .where(d.id == bindparam("_id"))
            .values(
                origin_in_hotzone=bindparam("_in"), risk_level=bindparam("_level"), risk_reason=bindparam("_reason")
            )
        )
        for start in range(0, len(updates), 5000):
            conn.execute(update_stmt, updates[start : start + 5000])
        rollup.rebuild_days(conn, days)
    return len(updates)


def _record(
    conn: Connection, changed_by: str, action: str, zone_id: int | None, before, after, reclassified: int
) -> None:
    conn.execute(
        insert(schema.hot_zone_changes).values(
            changed_at=now_utc(),
            changed_by=changed_by,
            action=action,
            zone_id=zone_id,
            before=before,
            after=after,
            reclassified=reclassified,
        )
    )
    audit.record(
        conn,
        "hot_zone_change",
        username=changed_by,
        details={"action": action, "zone_id": zone_id, "before": before, "after": after},
        rows=reclassified,
    )


def _zone_by_id(conn: Connection, zone_id: int) -> HotZone:
    for zone in load_hot_zones(conn):
        if zone.id == zone_id:
            return zone
    raise HotZoneError("hot_zone.unknown", zone_id=zone_id)


# ---------------------------------------------------------------- changes


def add_zone(conn: Connection, zone: dict, *, changed_by: str) -> ZoneChange:
    """Add one validated zone (see :func:`validate_zone`), re-classify, record the change."""
    zone_id: int = conn.execute(
        insert(schema.hot_zones)
        .values(**zone, created_by=changed_by, created_at=now_utc())
        .returning(schema.hot_zones.c.id)
    ).scalar_one()
    new = _as_zone(zone, zone_id)
    n = reclassify(conn, [new])
    _record(conn, changed_by, "add", zone_id, None, _zone_json(new), n)
    return ZoneChange(1, 0, 0, n)


def update_zone(conn: Connection, zone_id: int, zone: dict, *, changed_by: str) -> ZoneChange:
    """Replace zone ``zone_id``'s values by the validated ``zone``, re-classify, record the change."""
    old = _zone_by_id(conn, zone_id)
    conn.execute(update(schema.hot_zones).where(schema.hot_zones.c.id == zone_id).values(**zone))
    new = _as_zone(zone, zone_id)
    n = reclassify(conn, [old, new])
    _record(conn, changed_by, "update", zone_id, _zone_json(old), _zone_json(new), n)
    return ZoneChange(0, 1, 0, n)


def delete_zone(conn: Connection, zone_id: int, *, changed_by: str) -> ZoneChange:
    """Delete zone ``zone_id``, re-classify, record the change."""
    old = _zone_by_id(conn, zone_id)
    conn.execute(delete(schema.hot_zones).where(schema.hot_zones.c.id == zone_id))
    n = reclassify(conn, [old])
    _record(conn, changed_by, "delete", zone_id, _zone_json(old), None, n)
    return ZoneChange(0, 0, 1, n)


def replace_zones(conn: Connection, zones: Sequence[dict], *, changed_by: str) -> ZoneChange:
    """Make the stored list exactly ``zones`` (validated rows), re-classify once, record the change.

    A stored zone with the same province, district, label and start is kept (its end date updated
    if it differs), so re-importing the same list changes nothing and re-classifies nothing.
    """
    old = load_hot_zones(conn)
    old_by_key = {_key(z): z for z in old}
    new_keys: set[tuple] = set()
    changed: list[HotZone] = []
    added = updated = 0
    for row in zones:
        zone = _as_zone(row)
        key = _key(zone)
        if key in new_keys:
            continue  # the same zone twice in the file
        new_keys.add(key)
        existing = old_by_key.get(key)
        if existing is None:
            conn.execute(insert(schema.hot_zones).values(**row, created_by=changed_by, created_at=now_utc()))
            changed.append(zone)
            added += 1
        elif existing.valid_to != zone.valid_to:
            conn.execute(
                update(schema.hot_zones).where(schema.hot_zones.c.id == existing.id).values(valid_to=zone.valid_to)
            )
            changed += [existing, zone]
            updated += 1
    gone = [z for k, z in old_by_key.items() if k not in new_keys]
    if gone:
        conn.execute(delete(schema.hot_zones).where(schema.hot_zones.c.id.in_([z.id for z in gone])))
        changed += gone
    if not changed:
        return ZoneChange(0, 0, 0, 0)
    n = reclassify(conn, changed)
    _record(
        conn,
        changed_by,
        "replace",
        None,
        [_zone_json(z) for z in old],
        [_zone_json(z) for z in load_hot_zones(conn)],
        n,
    )
    return ZoneChange(added, updated, len(gone), n)


_HEADERS = {
    "province": ("province", "province_code", "tinh", "tinhthanhpho", "tinhthanh", "matinh", "ditutinh"),
    "district": ("district", "district_name", "huyen", "quanhuyen", "huyenquan"),
    "label": ("label", "nhan", "muc", "loai", "hinhthuc", "bienphap", "ghichu", "chithi"),
    "valid_from": ("valid_from", "tungay", "ngaybatdau", "batdau", "hieuluctu"),
    "valid_to": ("valid_to", "denngay", "ngayketthuc", "ketthuc", "hieulucden"),
}
_REQUIRED = ("province", "label", "valid_from")
#: The header of a hot-zone list: found in its first 10 rows, like a declaration file's otherwise.
ZONE_HEADER = HeaderSpec(
    keys={fold(alias): name for name, aliases in _HEADERS.items() for alias in aliases},
    required=_REQUIRED,
    no_header="hot_zone.no_header",
    scan_rows=10,
)
#: A hot-zone list longer than this is not one (the whole country has about 700 districts).
ZONE_FILE_MAX_ROWS = 10_000


def read_zone_file(source: str | os.PathLike | bytes, ref: Reference) -> tuple[list[dict], list[ZoneProblem]]:
    """Zones and per-line problems from a CSV/XLSX hot-zone file.

    Columns (any order, found in the first 10 rows; names or Vietnamese labels): province ("Tỉnh"),
    district ("Huyện", optional), label ("Nhãn"), valid_from ("Từ ngày"), valid_to ("Đến ngày",
    optional). The file is read as declaration files are (:func:`parsing.read_table`), with the same
    checks against hostile files and long cells. Raises :class:`UnreadableFile` when the file or its
    header cannot be read, or it has more than :data:`ZONE_FILE_MAX_ROWS` rows. A line that holds no
    valid zone is a :class:`ZoneProblem` (its line and its :class:`HotZoneError`).
    """
    reader = read_table(source, "vung-dich", header=ZONE_HEADER)
    if not set(_REQUIRED) <= set(reader.mapped_fields):
        raise ZONE_HEADER.no_header_error()
    zones: list[dict] = []
    problems: list[ZoneProblem] = []
    for count, (number, raw, _) in enumerate(reader.iter_records(), start=1):
        if count > ZONE_FILE_MAX_ROWS:
            raise UnreadableFile("hot_zone.too_many_rows", limit=ZONE_FILE_MAX_ROWS)
        try:
            zones.append(validate_zone(raw, ref))
        except HotZoneError as exc:
            problems.append(ZoneProblem(number, exc))
    return zones, problems
