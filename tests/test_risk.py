"""The risk rule (SPEC §4) and its hot-zone match, at the edges of the dates."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from data_access.domain import SYMPTOMS
from data_access.risk import HIGH, LOW, MEDIUM, HotZone, HotZoneIndex, assess, classify

JUNE_10 = dt.date(2021, 6, 10)


@pytest.mark.parametrize(
    "contact,symptom,visited,origin,expected",
    [
        (True, False, False, False, (HIGH, "contact_f0")),
        (True, True, True, True, (HIGH, "contact_f0")),
        (False, False, False, True, (HIGH, "hotzone_origin")),
        (False, True, True, False, (HIGH, "symptom_hotzone_travel")),
        (False, True, False, False, (MEDIUM, "symptom")),
        (False, False, True, False, (MEDIUM, "visited_hotzone")),
        (False, False, False, False, (LOW, None)),
    ],
)
def test_classify_each_rule(contact, symptom, visited, origin, expected):
    assert (
        classify(contact_f0=contact, any_symptom=symptom, visited_hotzone=visited, origin_in_hotzone=origin) == expected
    )


def test_classify_is_total_and_high_exactly_when_the_rule_says():
    for contact, symptom, visited, origin in itertools.product((False, True), repeat=4):
        level, _ = classify(contact_f0=contact, any_symptom=symptom, visited_hotzone=visited, origin_in_hotzone=origin)
        high = contact or origin or (symptom and visited)
        medium = not high and (symptom or visited)
        assert level == (HIGH if high else MEDIUM if medium else LOW)


def test_every_symptom_counts():
    base = {"origin_province_code": "36", "origin_district": None, "contact_f0": False, "visited_hotzone": True}
    for symptom in SYMPTOMS:
        row = dict(base, **{s: s == symptom for s in SYMPTOMS})
        assert assess(row, HotZoneIndex([]), JUNE_10)["risk_level"] == HIGH


@pytest.mark.parametrize(
    "day,active",
    [
        (dt.date(2021, 6, 4), False),  # the day before valid_from
        (dt.date(2021, 6, 5), True),  # valid_from
        (dt.date(2021, 6, 20), True),  # valid_to, inclusive
        (dt.date(2021, 6, 21), False),  # the day after
    ],
)
def test_hot_zone_dates_are_inclusive(day, active):
    zone = HotZone("24", "Chỉ thị 16", dt.date(2021, 6, 5), dt.date(2021, 6, 20))
    row = {"origin_province_code": "24", "origin_district": None}
    assert assess(row, HotZoneIndex([zone]), day)["origin_in_hotzone"] is active
    assert assess(row, HotZoneIndex([zone]), day)["risk_level"] == (HIGH if active else LOW)


def test_open_ended_zone_stays_active():
    zone = HotZone("24", "Chỉ thị 16", dt.date(2021, 6, 5), None)
    assert HotZoneIndex([zone]).match("24", None, dt.date(2030, 1, 1)) is zone
    assert HotZoneIndex([zone]).match("24", None, dt.date(2021, 6, 4)) is None


def test_district_zone_matches_only_that_district_whatever_the_spelling():
    zone = HotZone("79", "Phong tỏa", dt.date(2021, 6, 1), None, district_name="Gò Vấp")
    index = HotZoneIndex([zone])
    assert index.match("79", "go vap", JUNE_10) is zone
    assert index.match("79", "GÒ VẤP", JUNE_10) is zone
    assert index.match("79", "Bình Tân", JUNE_10) is None
    assert index.match("79", None, JUNE_10) is None
    assert index.match("01", "Gò Vấp", JUNE_10) is None


def test_province_zone_covers_every_district():
    zone = HotZone("27", "Chỉ thị 15", dt.date(2021, 6, 1), dt.date(2021, 6, 30))
    assert HotZoneIndex([zone]).match("27", "Từ Sơn", JUNE_10) is zone
