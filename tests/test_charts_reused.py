"""A chart built for one viewer is handed to the next viewer who asks with the same data and options,
and never to one whose data or options differ in any value."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import charts


def _days(values: list[int], checkpoint: str = "Tân Đệ") -> pd.DataFrame:
    start = dt.date(2026, 11, 20)
    return pd.DataFrame(
        {
            "local_day": [start + dt.timedelta(days=i) for i in range(len(values))],
            "checkpoint": [checkpoint] * len(values),
            "crossings": values,
        }
    )


COLORS = {"Tân Đệ": "#0072B2"}


@pytest.fixture(autouse=True)
def _empty() -> None:
    charts.BUILT.clear()


def _bars(frame: pd.DataFrame, **options):  # type: ignore[no-untyped-def]
    args = {"value": "crossings", "colors": COLORS, "y_title": "Lượt", "lang": "vi"} | options
    return charts.daily_bars(frame, **args)


def test_same_data_and_options_give_the_same_figure_built_once() -> None:
    first = _bars(_days([5, 7, 9]))
    again = _bars(_days([5, 7, 9]))  # another viewer's frame: equal, not the same object
    assert again is first
    assert len(charts.BUILT) == 1
    assert list(first.data[0].y) == [5, 7, 9]


@pytest.mark.parametrize(
    ("frame", "options"),
    [
        (_days([5, 7, 10]), {}),  # one value differs
        (_days([5, 7, 9], checkpoint="Thái Hà"), {"colors": {"Thái Hà": "#E69F00"}}),  # a name differs
        (_days([5, 7, 9]).rename(columns={"crossings": "n"}), {"value": "n"}),  # a column's name differs
        (_days([5, 7, 9]), {"lang": "en"}),  # the language differs
        (_days([5, 7, 9]), {"y_title": "Người"}),  # a label differs
        (_days([5, 7, 9]), {"colors": {"Tân Đệ": "#000000"}}),  # a colour differs
        (_days([5, 7, 9]).astype({"crossings": "float64"}), {}),  # a type differs
    ],
)
def test_any_difference_builds_a_new_figure(frame: pd.DataFrame, options: dict) -> None:
    first = _bars(_days([5, 7, 9]))
    other = _bars(frame, **options)
    assert other is not first
    assert len(charts.BUILT) == 2


def test_the_figure_shows_its_own_data_after_the_other() -> None:
    _bars(_days([5, 7, 9]))
    assert list(_bars(_days([1, 2, 3])).data[0].y) == [1, 2, 3]
    assert list(_bars(_days([5, 7, 9])).data[0].y) == [5, 7, 9]


def test_options_that_cannot_be_compared_build_every_time() -> None:
    frame = _days([5, 7, 9])
    unhashable = {"Tân Đệ": ["#0072B2"]}  # a list inside: compared as a tuple, so still reused
    assert _bars(frame, colors=unhashable) is _bars(frame, colors=unhashable)

    class Opaque(str):
        __hash__ = None  # type: ignore[assignment]

    opaque = {"Tân Đệ": Opaque("#0072B2")}
    built = len(charts.BUILT)
    assert _bars(frame, colors=opaque) is not _bars(frame, colors=opaque)
    assert len(charts.BUILT) == built


def test_the_store_of_built_charts_is_bounded() -> None:
    oldest = _bars(_days([0, 1]))
    for n in range(1, charts.MAX_BUILT + 20):
        _bars(_days([n, n + 1]))
    assert len(charts.BUILT) == charts.MAX_BUILT
    last = charts.MAX_BUILT + 19
    latest = _bars(_days([last, last + 1]))
    assert len(charts.BUILT) == charts.MAX_BUILT
    assert latest is _bars(_days([last, last + 1]))
    assert _bars(_days([0, 1])) is not oldest  # the least recently asked went first


def test_the_wall_screen_large_type_is_its_own_figure() -> None:
    frame = pd.DataFrame({"checkpoint": ["Tân Đệ"], "electronic_share": [0.42]})

    def shares(large: bool):  # type: ignore[no-untyped-def]
        return charts.share_bars(
            frame,
            value="electronic_share",
            colors=COLORS,
            target=0.8,
            target_label="Mục tiêu",
            x_title="Tỷ lệ",
            lang="vi",
            large=large,
        )

    page, wall = shares(False), shares(True)
    assert wall is not page
    assert wall.layout.font.size == 24
    assert page.layout.font.size != 24  # the page's figure is not changed by the wall's
