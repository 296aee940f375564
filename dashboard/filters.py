"""The one filter bar of the committee pages: date range, checkpoints, direction.

Its state lives in the URL (``st.query_params``) so a view can be bookmarked and sent:
``/luu-luong?tu=2026-11-20&den=2026-11-25&chot=TAN_DE,THAI_HA&huong=vao``. A parameter that is
absent means the default: today (following the clock, so a wall screen left open rolls over at
midnight), every checkpoint, both directions. Checkpoints are named by their code, which the IT team
never changes, so links stay valid when a name is corrected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access.queries import reference
from data_access.timeutil import local_today, now_utc

from .state import query, tr

PARAM_FROM, PARAM_TO, PARAM_CHECKPOINTS, PARAM_DIRECTION = "tu", "den", "chot", "huong"
FILTER_PARAMS = (PARAM_FROM, PARAM_TO, PARAM_CHECKPOINTS, PARAM_DIRECTION)
#: Direction as written in the URL (Vietnamese, without diacritics) → store value.
DIRECTION_PARAMS = {"vao": "in", "ra": "out", "in": "in", "out": "out"}
_DIRECTION_TO_PARAM = {"in": "vao", "out": "ra"}
#: How far back the date picker goes (the store keeps the whole campaign).
MAX_RANGE_DAYS = 366

_KEY_DAYS, _KEY_CHECKPOINTS, _KEY_DIRECTION, _KEY_SIGNATURE = (
    "flt_days",
    "flt_checkpoints",
    "flt_direction",
    "flt_signature",
)


@dataclass(frozen=True)
class Filters:
    """What the committee is looking at. None means the default (today / all / both)."""

    first_day: dt.date | None = None
    last_day: dt.date | None = None
    checkpoint_codes: tuple[str, ...] | None = None
    direction: str | None = None  # "in" | "out" | None (both)

    def days(self, now: dt.datetime) -> tuple[dt.date, dt.date]:
        """The inclusive local day range at ``now`` (naive UTC): the chosen dates, or today."""
        if self.first_day is None or self.last_day is None:
            today = local_today(now)
            return today, today
        return self.first_day, self.last_day

    @property
    def directions(self) -> tuple[str, ...] | None:
        """Directions for a query (None = both)."""
        return None if self.direction is None else (self.direction,)

    def checkpoint_ids(self, checkpoints: pd.DataFrame) -> list[int] | None:
        """Ids for a query (None = all), from the checkpoint table (id, code)."""
        if self.checkpoint_codes is None:
            return None
        chosen = set(self.checkpoint_codes)
        return [int(i) for i, code in zip(checkpoints["id"], checkpoints["code"], strict=False) if code in chosen]


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


#: Why an address's filters were corrected; each has a note ``filter.corrected.<code>`` in the catalogue.
CORRECTIONS = (
    "dates_invalid",
    "dates_reversed",
    "dates_future",
    "dates_before_data",
    "dates_clamped",
    "checkpoints_unknown",
    "direction_invalid",
)


def read_params(
    params: Mapping[str, str | None], known_codes: Sequence[str], today: dt.date, first_data_day: dt.date | None = None
) -> tuple[Filters, list[str]]:
    """Filters from URL parameters, and the corrections made to them (codes of :data:`CORRECTIONS`).

    One date alone means that single day. A malformed date shows today. Reversed dates are swapped;
    a range is cut to what can be shown: not after today, not before the past year; a range wholly
    before that, or before the first stored declaration (``first_data_day``), shows today. A range that
    only begins before the data is kept: its first days truly had no crossing on record.
    """
    notes: list[str] = []
    raw_first, raw_last = params.get(PARAM_FROM), params.get(PARAM_TO)
    first, last = _date(raw_first), _date(raw_last)
    first_day = last_day = None
    if (raw_first and first is None) or (raw_last and last is None):
        notes.append("dates_invalid")
    elif first is not None or last is not None:
        first, last = first or last, last or first
        assert first is not None and last is not None
        if last < first:
            first, last = last, first
            notes.append("dates_reversed")
        if last > today:
            last = today
            first = min(first, today)
            notes.append("dates_future")
        earliest = today - dt.timedelta(days=MAX_RANGE_DAYS)
        if last < earliest or (first_data_day is not None and last < first_data_day):
            first = last = today
            notes.append("dates_before_data")
        elif first < earliest:
            first = earliest
            notes.append("dates_clamped")
        first_day, last_day = (None, None) if (first, last) == (today, today) else (first, last)
    codes = None
    raw_codes = params.get(PARAM_CHECKPOINTS)
    if raw_codes:
        wanted = {c.strip().upper() for c in raw_codes.split(",") if c.strip()}
        picked = tuple(c for c in known_codes if c in wanted)
        if wanted - set(known_codes):
            notes.append("checkpoints_unknown")
        codes = picked if picked and len(picked) < len(known_codes) else None
    raw_direction = (params.get(PARAM_DIRECTION) or "").strip().lower()
    direction = DIRECTION_PARAMS.get(raw_direction)
    if raw_direction and raw_direction not in DIRECTION_PARAMS and raw_direction not in ("both", "ca-hai"):
        notes.append("direction_invalid")
    return Filters(first_day, last_day, codes, direction), notes


def parse_params(
    params: Mapping[str, str | None], known_codes: Sequence[str], today: dt.date, first_data_day: dt.date | None = None
) -> Filters:
    """Filters from URL parameters; anything unknown or malformed falls back to its default
    (:func:`read_params` also says what was corrected)."""
    return read_params(params, known_codes, today, first_data_day)[0]


def to_params(filters: Filters) -> dict[str, str]:
    """URL parameters of ``filters``; defaults are left out so the plain page URL means "today, all"."""
    params = {}
    if filters.first_day is not None and filters.last_day is not None:
        params[PARAM_FROM] = filters.first_day.isoformat()
        params[PARAM_TO] = filters.last_day.isoformat()
    if filters.checkpoint_codes is not None:
        params[PARAM_CHECKPOINTS] = ",".join(filters.checkpoint_codes)
    if filters.direction is not None:
        params[PARAM_DIRECTION] = _DIRECTION_TO_PARAM[filters.direction]
    return params


def set_address(params: Mapping[str, str]) -> None:
    """Make the address's filter parameters exactly ``params`` (others, if any, are kept)."""
    current = {k: st.query_params.get(k) for k in FILTER_PARAMS if k in st.query_params}
    if dict(params) != current:
        for key in FILTER_PARAMS:
            if key in st.query_params and key not in params:
                del st.query_params[key]
        st.query_params.update(params)


def drop_filters_from_address() -> None:
    """For a page without the filter bar: filters in its address would mean nothing there."""
    set_address({})


def _signature(filters: Filters) -> str:
    return repr(sorted(to_params(filters).items()))


def filter_bar(checkpoints: pd.DataFrame, now: dt.datetime, *, dates: bool = True, direction: bool = True) -> Filters:
    """Render the filter bar (above a page's live part) and return the filters it shows.

    The URL is the source of truth: when it changes from outside (a bookmark, a link, another page),
    the widgets are set from it; when a widget changes, the URL is rewritten. The map page shows the
    checkpoints only (``dates=False, direction=False``): it is always live, today.
    """
    today = local_today(now)
    codes = list(checkpoints["code"])
    names = dict(zip(checkpoints["code"], checkpoints["name"], strict=False))
    asked = {k: st.query_params.get(k) for k in FILTER_PARAMS}
    asks_dates = dates and bool(asked[PARAM_FROM] or asked[PARAM_TO])
    from_url, notes = read_params(asked, codes, today, query(reference.first_declaration_day) if asks_dates else None)
    if not dates:
        from_url = Filters(checkpoint_codes=from_url.checkpoint_codes, direction=from_url.direction)
        notes = [n for n in notes if not n.startswith("dates_")]
    if not direction:
        from_url = Filters(from_url.first_day, from_url.last_day, from_url.checkpoint_codes)
        notes = [n for n in notes if n != "direction_invalid"]
    if notes:
        # The address is rewritten below to what is shown, so this is said once, when it is read.
        st.info(" ".join(tr(f"filter.corrected.{n}") for n in notes), icon=":material/edit_calendar:")
    if st.session_state.get(_KEY_SIGNATURE) != _signature(from_url):
        # Widgets take their state from the URL; set before they are created in this run.
        st.session_state[_KEY_DAYS] = from_url.days(now)
        st.session_state[_KEY_CHECKPOINTS] = list(from_url.checkpoint_codes or [])
        st.session_state[_KEY_DIRECTION] = from_url.direction or "both"

    widths = [3 if dates else 0, 4 if direction else 8, 4 if direction else 0]
    columns = st.columns([w for w in widths if w], vertical_alignment="bottom")
    slots = iter(columns)
    first_day = last_day = None
    if dates:
        picked = next(slots).date_input(
            tr("filter.days"),
            key=_KEY_DAYS,
            min_value=today - dt.timedelta(days=MAX_RANGE_DAYS),
            max_value=today,
            format="DD/MM/YYYY",
        )
        # While a range is being picked the widget holds one date: show that day meanwhile.
        days = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
        if days and days[0] is not None:
            first_day, last_day = days[0], days[-1] if days[-1] is not None else days[0]
            if (first_day, last_day) == (today, today):
                first_day = last_day = None
    chosen = next(slots).multiselect(
        tr("filter.checkpoints"),
        options=codes,
        key=_KEY_CHECKPOINTS,
        format_func=lambda code: str(names.get(code, code)),
        placeholder=tr("filter.all_checkpoints"),
    )
    chosen_codes = tuple(c for c in codes if c in chosen)
    checkpoint_codes = chosen_codes if chosen_codes and len(chosen_codes) < len(codes) else None
    chosen_direction = None
    if direction:
        value = next(slots).segmented_control(
            tr("filter.direction"),
            options=["both", "in", "out"],
            key=_KEY_DIRECTION,
            format_func=lambda d: tr(f"filter.direction.{d}"),
            selection_mode="single",
        )
        chosen_direction = value if value in ("in", "out") else None
    filters = Filters(first_day, last_day, checkpoint_codes, chosen_direction)

    set_address(to_params(filters))
    st.session_state[_KEY_SIGNATURE] = _signature(filters)
    return filters


def filtered_page(title_key: str, *, dates: bool = True, direction: bool = True) -> tuple[pd.DataFrame, Filters]:
    """The head of a committee page: its title, the checkpoints and the filter bar."""
    st.title(tr(title_key))
    checkpoints = query(reference.checkpoint_table)
    return checkpoints, filter_bar(checkpoints, now_utc(), dates=dates, direction=direction)
