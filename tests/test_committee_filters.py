"""The filter bar's URL format, and the presentation rules of the committee pages (pure functions)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import formatting as fmt
from dashboard.filters import Filters, parse_params, read_params, to_params
from dashboard.maps import clicked_checkpoint, escape, marker_radius
from dashboard.views import adoption as adoption_view
from data_access.timeutil import local_midnight_utc

CODES = ["TAN_DE", "THAI_HA", "TRIEU_DUONG"]
TODAY = dt.date(2026, 11, 25)


def test_no_parameters_is_today_everything():
    filters = parse_params({}, CODES, TODAY)
    assert filters == Filters()
    assert filters.days(local_midnight_utc(TODAY) + dt.timedelta(hours=5)) == (TODAY, TODAY)
    assert filters.directions is None
    assert to_params(filters) == {}


def test_round_trip_of_a_bookmarked_view():
    params = {"tu": "2026-11-18", "den": "2026-11-24", "chot": "THAI_HA,TAN_DE", "huong": "vao"}
    filters = parse_params(params, CODES, TODAY)
    assert filters == Filters(dt.date(2026, 11, 18), dt.date(2026, 11, 24), ("TAN_DE", "THAI_HA"), "in")
    assert to_params(filters) == {"tu": "2026-11-18", "den": "2026-11-24", "chot": "TAN_DE,THAI_HA", "huong": "vao"}
    checkpoints = pd.DataFrame({"id": [1, 2, 3], "code": CODES})
    assert filters.checkpoint_ids(checkpoints) == [1, 2]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tu": "2026-11-24", "den": "2026-11-20"}, (dt.date(2026, 11, 20), dt.date(2026, 11, 24))),  # swapped
        ({"tu": "2026-11-22"}, (dt.date(2026, 11, 22), dt.date(2026, 11, 22))),  # one day
        ({"tu": "2026-11-20", "den": "2027-01-01"}, (dt.date(2026, 11, 20), TODAY)),  # no future
        ({"tu": "hôm qua", "den": "25/11/2026"}, (None, None)),  # malformed: default
        ({"tu": TODAY.isoformat(), "den": TODAY.isoformat()}, (None, None)),  # today = the default
    ],
)
def test_dates_are_cleaned(params, expected):
    filters = parse_params(params, CODES, TODAY)
    assert (filters.first_day, filters.last_day) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("tan_de", ("TAN_DE",)),
        ("NOPE", None),
        ("TAN_DE,THAI_HA,TRIEU_DUONG", None),
        ("", None),
    ],
)
def test_checkpoint_codes_are_cleaned(raw, expected):
    assert parse_params({"chot": raw}, CODES, TODAY).checkpoint_codes == expected


@pytest.mark.parametrize(("raw", "expected"), [("vao", "in"), ("ra", "out"), ("OUT", "out"), ("ngang", None)])
def test_direction(raw, expected):
    assert parse_params({"huong": raw}, CODES, TODAY).direction == expected


def test_lagging_checkpoint_and_gaps():
    per_checkpoint = pd.DataFrame(
        {
            "checkpoint_id": [1, 2, 3],
            "crossings": [200, 100, 0],
            "electronic": [170, 60, 0],
            "bluezone_installed": [100, 20, 0],
        }
    )
    checkpoints = pd.DataFrame({"id": [1, 2, 3], "name": ["Cầu Tân Đệ", "Cầu Thái Hà", "Cầu Triều Dương"]})
    shares = adoption_view.adoption_shares(per_checkpoint, checkpoints)
    assert list(shares["checkpoint"]) == ["Cầu Tân Đệ", "Cầu Thái Hà"]  # no crossing: no share to rank
    lag = adoption_view.lagging_checkpoint(shares, 0.8)
    assert lag.checkpoint == "Cầu Thái Hà" and lag.best_checkpoint == "Cầu Tân Đệ"
    assert lag.share == pytest.approx(0.6) and lag.below_target == pytest.approx(0.2)
    assert lag.below_best == pytest.approx(0.25)
    table = adoption_view.adoption_table(shares, 0.8, "vi")
    assert list(table.iloc[:, 1]) == ["85,0%", "60,0%"]
    assert list(table.iloc[:, 2]) == ["+5 điểm %", "-20 điểm %"]


def test_map_helpers():
    status = pd.DataFrame(
        {"code": CODES + ["NEW"], "name": ["Cầu Tân Đệ", "Cầu Thái Hà", "Cầu Triều Dương", "Cầu Thái"]}
    )
    assert clicked_checkpoint("Cầu Thái Hà\nTrạng thái Bình thường", status) == "THAI_HA"
    assert clicked_checkpoint("Cầu TháiTrạng thái", status) == "NEW"
    assert clicked_checkpoint("Hà Nội Người vào tỉnh hôm nay 12", status) is None  # an origin circle
    assert clicked_checkpoint(None, status) is None
    assert marker_radius(0) < marker_radius(10) < marker_radius(100) <= marker_radius(10**6) == 40
    # Store text cannot become markup in a tooltip (HTML inside a JS template literal) or in markdown.
    assert escape("<b>`${x}`</b>") == "&lt;b&gt;&#96;&#36;{x}&#96;&lt;/b&gt;"
    # "\x3c" inside a JS template literal is "<": the backslash must not reach it
    assert escape("\\x3cimg src=x onerror=alert(1)\\x3e 16\\unknown") == (
        "&#92;x3cimg src=x onerror=alert(1)&#92;x3e 16&#92;unknown"
    )
    assert fmt.escape_markdown("**Cầu** [x](y)") == "\\*\\*Cầu\\*\\* \\[x\\]\\(y\\)"


@pytest.mark.parametrize(
    ("params", "first_data_day", "expected", "notes"),
    [
        ({"tu": "x", "den": "2026-11-20"}, None, (None, None), ["dates_invalid"]),
        (
            {"tu": "2026-11-24", "den": "2026-11-20"},
            None,
            (dt.date(2026, 11, 20), dt.date(2026, 11, 24)),
            ["dates_reversed"],
        ),
        ({"tu": "2026-11-20", "den": "2027-01-01"}, None, (dt.date(2026, 11, 20), TODAY), ["dates_future"]),
        # wholly older than a year: today, never "26/11/2025 – 02/01/0001"
        ({"tu": "0001-01-01", "den": "0001-01-02"}, None, (None, None), ["dates_before_data"]),
        ({"tu": "2026-10-01", "den": "2026-10-05"}, dt.date(2026, 11, 1), (None, None), ["dates_before_data"]),
        (
            {"tu": "2026-10-01", "den": "2026-11-05"},
            dt.date(2026, 11, 1),
            (dt.date(2026, 10, 1), dt.date(2026, 11, 5)),
            [],
        ),  # begins before the data: kept, those days had no crossing on record
        (
            {"tu": "2025-01-01", "den": "2026-11-05"},
            None,
            (TODAY - dt.timedelta(days=366), dt.date(2026, 11, 5)),
            ["dates_clamped"],
        ),
        (
            {"tu": "2026-11-20", "den": "2026-11-22"},
            dt.date(2026, 11, 1),
            (dt.date(2026, 11, 20), dt.date(2026, 11, 22)),
            [],
        ),
    ],
)
def test_corrections_are_reported(params, first_data_day, expected, notes):
    filters, said = read_params(params, CODES, TODAY, first_data_day)
    assert (filters.first_day, filters.last_day) == expected
    assert said == notes
    lo, hi = filters.days(local_midnight_utc(TODAY))
    assert lo <= hi <= TODAY


def test_unknown_checkpoint_and_direction_are_reported():
    filters, said = read_params({"chot": "TAN_DE,NOPE", "huong": "ngang"}, CODES, TODAY)
    assert filters.checkpoint_codes == ("TAN_DE",) and filters.direction is None
    assert said == ["checkpoints_unknown", "direction_invalid"]
    assert read_params({"chot": "TAN_DE", "huong": "vao"}, CODES, TODAY)[1] == []
