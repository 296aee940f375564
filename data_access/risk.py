"""The risk rule of SPEC §4, as pure functions, and the hot-zone match it depends on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .domain import SYMPTOMS
from .text import fold

HIGH, MEDIUM, LOW = "high", "medium", "low"

# Reason codes, in the order they are reported as a row's main reason.
REASON_CONTACT_F0 = "contact_f0"
REASON_HOTZONE_ORIGIN = "hotzone_origin"
REASON_SYMPTOM_TRAVEL = "symptom_hotzone_travel"
REASON_SYMPTOM = "symptom"
REASON_VISITED_HOTZONE = "visited_hotzone"


@dataclass(frozen=True)
class HotZone:
    """An epidemic area, active from ``valid_from`` to ``valid_to`` inclusive (local dates; None = open)."""

    province_code: str
    label: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    district_name: str | None = None
    id: int | None = None

    def active_on(self, day: dt.date) -> bool:
        """Whether the zone is in force on local date ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def covers(self, province_code: str, district: str | None) -> bool:
        """Whether an origin (province, optional district) lies in this zone, whatever the date."""
        if province_code != self.province_code:
            return False
        if self.district_name is None:
            return True
        return district is not None and fold(district) == fold(self.district_name)


class HotZoneIndex:
    """Hot zones grouped by province, for fast matching of many declarations."""

    def __init__(self, zones: Iterable[HotZone]):
        self._by_province: dict[str, list[HotZone]] = {}
        for zone in zones:
            self._by_province.setdefault(zone.province_code, []).append(zone)

    def match(self, province_code: str, district: str | None, day: dt.date) -> HotZone | None:
        """The first zone covering this origin and active on ``day``, or None."""
        for zone in self._by_province.get(province_code, ()):
            if zone.active_on(day) and zone.covers(province_code, district):
                return zone
        return None


def classify(
    *, contact_f0: bool, any_symptom: bool, visited_hotzone: bool, origin_in_hotzone: bool
) -> tuple[str, str | None]:
    """Risk level and main reason of one declaration (SPEC §4)."""
    if contact_f0:
        return HIGH, REASON_CONTACT_F0
    if origin_in_hotzone:
        return HIGH, REASON_HOTZONE_ORIGIN
    if any_symptom and visited_hotzone:
        return HIGH, REASON_SYMPTOM_TRAVEL
    if any_symptom:
        return MEDIUM, REASON_SYMPTOM
    if visited_hotzone:
        return MEDIUM, REASON_VISITED_HOTZONE
    return LOW, None


def assess(row: Mapping[str, object], zones: HotZoneIndex, local_day: dt.date) -> dict[str, object]:
    """The stored risk columns (origin_in_hotzone, risk_level, risk_reason) of a declaration row."""
    district = row.get("origin_district")
    zone = zones.match(str(row["origin_province_code"]), None if district is None else str(district), local_day)
    in_zone = zone is not None
    level, reason = classify(
        contact_f0=bool(row.get("contact_f0")),
        any_symptom=any(bool(row.get(s)) for s in SYMPTOMS),
        visited_hotzone=bool(row.get("visited_hotzone")),
        origin_in_hotzone=in_zone,
    )
    return {"origin_in_hotzone": in_zone, "risk_level": level, "risk_reason": reason}
