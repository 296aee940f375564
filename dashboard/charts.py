"""Shared chart parts (plotly): consistent colours per checkpoint and risk level, Vietnamese axes."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go

from . import formatting as fmt
from .i18n import t

# Colour-blind-safe palette (Okabe–Ito); checkpoints keep their colour on every page.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
RISK_COLORS = {"high": "#C62828", "medium": "#F9A825", "low": "#2E7D32"}
FONT = dict(family="Source Sans Pro, Noto Sans, sans-serif", size=16)

F = TypeVar("F", bound=Callable[..., go.Figure])

#: Charts built lately, by what they were built from (see :func:`reused`).
BUILT: OrderedDict[Hashable, go.Figure] = OrderedDict()
MAX_BUILT = 256
_built_lock = threading.Lock()


def _content(value: Any) -> Hashable:
    """What ``value`` holds, as a hashable key: a frame by its columns, types and every value (a
    digest of pandas' per-row hashes), a dict by its items. Raises TypeError when it cannot tell."""
    if isinstance(value, pd.DataFrame):
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
        digest = hashlib.blake2b(rows.tobytes(), digest_size=16).hexdigest()
        return ("frame", tuple(value.columns), tuple(str(t) for t in value.dtypes), len(value), digest)
    if isinstance(value, dict):
        return ("dict", tuple((k, _content(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_content(v) for v in value))
    hash(value)
    return (type(value).__name__, value)


def reused(build: F) -> F:
    """Hand every viewer the chart built from the same data and options instead of building it again.

    A chart is a pure function of its frame and options, and building it (plotly checks every
    property) costs more than the query behind it: twenty viewers of a page would build the same
    figures twenty times a refresh. The figure returned may be shared: callers pass it to Streamlit,
    which only reads it (it sends a copy), and never change it. A viewer only ever gets a figure equal
    to the one it would have built. Options that cannot be compared build a new figure.
    """

    @functools.wraps(build)
    def chart(*args: Any, **kwargs: Any) -> go.Figure:
        try:
            key = (build.__qualname__, _content(args), _content(kwargs))
        except TypeError:
            return build(*args, **kwargs)
        with _built_lock:
            figure = BUILT.get(key)
            if figure is not None:
                BUILT.move_to_end(key)
                return figure
        figure = build(*args, **kwargs)
        with _built_lock:
            BUILT[key] = figure
            while len(BUILT) > MAX_BUILT:
                BUILT.popitem(last=False)
        return figure

    return chart  # type: ignore[return-value]


def checkpoint_colors(checkpoints: pd.DataFrame) -> dict[str, str]:
    """Checkpoint name → colour, by the checkpoint's id so it never changes between pages."""
    ordered = checkpoints.sort_values("id")
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(ordered["name"])}


def plain(text: object) -> object:
    """Store text (a checkpoint or province name) as plotly shows it literally: plotly reads "<a href>",
    "<b>" and the like in names and labels as markup."""
    if not isinstance(text, str):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain_texts(fig: go.Figure) -> None:
    for trace in fig.data:
        if isinstance(trace.name, str):
            trace.name = plain(trace.name)
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None and len(values) and isinstance(values[0], str):
                setattr(trace, axis, [plain(v) for v in values])


def _layout(fig: go.Figure, *, y_title: str, lang: str, height: int = 360) -> go.Figure:
    _plain_texts(fig)
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        font=FONT,
        separators=",." if lang == "vi" else ".,",
        # Legend in trace order (plotly reverses it for stacked bars): checkpoints read in the same order everywhere.
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title_text="", traceorder="normal"),
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_yaxes(title_text=y_title, rangemode="tozero", gridcolor="#E0E0E0", tickformat=",d")
    fig.update_xaxes(title_text=None, tickformat="%d/%m", dtick=86400000)
    return fig


@reused
def daily_lines(
    frame: pd.DataFrame, *, value: str, colors: dict[str, str], y_title: str, lang: str, height: int = 360
) -> go.Figure:
    """One line per checkpoint over days: ``frame`` has local_day, checkpoint (name) and ``value``."""
    fig = go.Figure()
    for name, color in colors.items():
        part = frame[frame["checkpoint"] == name].sort_values("local_day")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["local_day"]),
                y=part[value],
                name=name,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=8),
                hovertemplate="%{y:,d}",
            )
        )
    return _layout(fig, y_title=y_title, lang=lang, height=height)


@reused
def daily_bars(
    frame: pd.DataFrame, *, value: str, colors: dict[str, str], y_title: str, lang: str, height: int = 360
) -> go.Figure:
    """Stacked bars per checkpoint over days: ``frame`` has local_day, checkpoint (name) and ``value``."""
    fig = go.Figure()
    for name, color in colors.items():
        part = frame[frame["checkpoint"] == name].sort_values("local_day")
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(part["local_day"]),
                y=part[value],
                name=name,
                marker_color=color,
                hovertemplate="%{y:,d}",
            )
        )
    fig.update_layout(barmode="stack")
    _layout(fig, y_title=y_title, lang=lang, height=height)
    return _whole_numbers(fig, float(frame.groupby("local_day")[value].sum().max()) if not frame.empty else 0)


# --- steering committee pages ----------------------------------------------------------------
#: Map states and the other categorical colours, the same on every page.
STATE_COLORS = {"normal": "#0072B2", "attention": "#C62828", "silent": "#9E9E9E"}
DIRECTION_COLORS = {"in": "#0072B2", "out": "#D55E00"}
REASON_COLORS = {"reason_contact_f0": "#B71C1C", "reason_hotzone_origin": "#E65100", "reason_symptom_travel": "#6A1B9A"}
CHANNEL_COLORS = {"paper": "#9E9E9E", "vhd": "#0072B2", "bluezone": "#56B4E9", "ncovi": "#009E73", "other": "#CC79A7"}
PEOPLE_VEHICLE_COLORS = {"crossings": "#0072B2", "vehicles": "#E69F00"}
CONFIG = {"displayModeBar": False}


def _whole_numbers(fig: go.Figure, top: float, axis: str = "y") -> go.Figure:
    # Counts are whole: with small counts plotly would put ticks at 0.5 and print "1, 1, 2, 2".
    if top <= 10:
        (fig.update_yaxes if axis == "y" else fig.update_xaxes)(dtick=1 if top <= 5 else 2, tick0=0)
    return fig


def _day_axis(fig: go.Figure, n_days: int) -> go.Figure:
    # One tick per day reads well up to two weeks; beyond that plotly picks the ticks.
    fig.update_xaxes(dtick=86400000 if n_days <= 14 else None, tickformat="%d/%m")
    return fig


@reused
def hourly_bars(
    frame: pd.DataFrame, *, colors: dict[str, str], y_title: str, lang: str, height: int = 360
) -> go.Figure:
    """Stacked bars per checkpoint over local hours: ``frame`` has local_day, local_hour, checkpoint, crossings."""
    fig = go.Figure()
    for name, color in colors.items():
        part = frame[frame["checkpoint"] == name].sort_values(["local_day", "local_hour"])
        x = pd.to_datetime(part["local_day"]) + pd.to_timedelta(part["local_hour"], unit="h")
        fig.add_trace(go.Bar(x=x, y=part["crossings"], name=name, marker_color=color, hovertemplate="%{y:,d}"))
    fig.update_layout(barmode="stack", bargap=0.1)
    _layout(fig, y_title=y_title, lang=lang, height=height)
    days = frame["local_day"].nunique() if not frame.empty else 1
    fig.update_xaxes(
        dtick=3600000 * (2 if days <= 1 else 24),
        tickformat="%H:%M" if days <= 1 else "%d/%m",
        hoverformat="%d/%m %H:%M",
    )
    return fig


@reused
def direction_bars(
    frame: pd.DataFrame, *, labels: dict[str, str], y_title: str, lang: str, height: int = 360
) -> go.Figure:
    """Grouped bars in / out per local day: ``frame`` has local_day, direction, crossings."""
    fig = go.Figure()
    for direction, color in DIRECTION_COLORS.items():
        part = frame[frame["direction"] == direction].sort_values("local_day")
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(part["local_day"]),
                y=part["crossings"],
                name=labels[direction],
                marker_color=color,
                hovertemplate="%{y:,d}",
            )
        )
    fig.update_layout(barmode="group")
    return _day_axis(_layout(fig, y_title=y_title, lang=lang, height=height), frame["local_day"].nunique())


@reused
def category_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    colors: dict[str, str],
    labels: dict[str, str],
    x_title: str,
    lang: str,
    percent: bool = False,
    height: int = 360,
) -> go.Figure:
    """Horizontal bars, one per category (vehicle type, channel), stacked by checkpoint.

    ``frame`` has ``category``, checkpoint (name) and ``value``; ``labels`` maps category → display
    text, in display order (top first). ``percent`` shows each checkpoint's bar as 100%.
    """
    fig = go.Figure()
    order = list(labels)
    for name, color in colors.items():
        part = (
            frame[frame["checkpoint"] == name]
            .set_index(category)[[value]]
            .reindex(order)
            .fillna({value: 0})
            .reset_index()
        )
        fig.add_trace(
            go.Bar(
                y=[labels[c] for c in part[category]],
                x=part[value],
                name=name,
                orientation="h",
                marker_color=color,
                hovertemplate="%{x:,d}",
            )
        )
    fig.update_layout(barmode="stack")
    _layout(fig, y_title="", lang=lang, height=height)
    fig.update_layout(hovermode="y unified")
    fig.update_yaxes(title_text=None, autorange="reversed", tickformat=None, gridcolor=None)
    fig.update_xaxes(title_text=x_title, tickformat=",d", dtick=None, gridcolor="#E0E0E0")
    return _whole_numbers(fig, float(frame.groupby(category)[value].sum().max()) if not frame.empty else 0, axis="x")


@reused
def channel_share_bars(
    frame: pd.DataFrame, *, labels: dict[str, str], x_title: str, lang: str, height: int = 300
) -> go.Figure:
    """One 100% bar per checkpoint split by channel: ``frame`` has checkpoint, channel, share (0..1)."""
    fig = go.Figure()
    for channel, color in CHANNEL_COLORS.items():
        part = frame[frame["channel"] == channel]
        fig.add_trace(
            go.Bar(
                y=part["checkpoint"],
                x=part["share"],
                name=labels[channel],
                orientation="h",
                marker_color=color,
                hovertemplate="%{x:.1%}",
                text=[f"{v:.0%}" if v >= 0.06 else "" for v in part["share"]],
                textposition="inside",
                insidetextanchor="middle",
            )
        )
    fig.update_layout(barmode="stack")
    _layout(fig, y_title="", lang=lang, height=height)
    fig.update_layout(hovermode="y unified")
    fig.update_yaxes(title_text=None, autorange="reversed", tickformat=None)
    fig.update_xaxes(title_text=x_title, tickformat=".0%", dtick=0.2, range=[0, 1], gridcolor="#E0E0E0")
    return fig


@reused
def risk_level_bars(
    frame: pd.DataFrame,
    *,
    labels: dict[str, str],
    y_title: str,
    lang: str,
    levels: tuple[str, ...] = ("high", "medium"),
    height: int = 360,
) -> go.Figure:
    """Stacked bars per risk level over local days: ``frame`` has local_day and risk_<level> columns."""
    fig = go.Figure()
    for level in levels:
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(frame["local_day"]),
                y=frame[f"risk_{level}"],
                name=labels[level],
                marker_color=RISK_COLORS[level],
                hovertemplate="%{y:,d}",
            )
        )
    fig.update_layout(barmode="stack")
    _whole_numbers(fig, float(sum(frame[f"risk_{lv}"] for lv in levels).max()) if not frame.empty else 0)
    return _day_axis(_layout(fig, y_title=y_title, lang=lang, height=height), frame["local_day"].nunique())


@reused
def reason_bars(
    frame: pd.DataFrame, *, labels: dict[str, str], y_title: str, lang: str, height: int = 360
) -> go.Figure:
    """Grouped bars per high-risk reason over local days: ``frame`` has local_day and one column per reason."""
    fig = go.Figure()
    for reason, color in REASON_COLORS.items():
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(frame["local_day"]),
                y=frame[reason],
                name=labels[reason],
                marker_color=color,
                hovertemplate="%{y:,d}",
            )
        )
    fig.update_layout(barmode="group")
    _whole_numbers(fig, float(frame[list(REASON_COLORS)].max().max()) if not frame.empty else 0)
    return _day_axis(_layout(fig, y_title=y_title, lang=lang, height=height), frame["local_day"].nunique())


@reused
def people_vehicle_bars(
    frame: pd.DataFrame, *, labels: dict[str, str], y_title: str, lang: str, height: int = 360
) -> go.Figure:
    """Grouped bars per local day: crossings (people) and distinct vehicles."""
    fig = go.Figure()
    for column, color in PEOPLE_VEHICLE_COLORS.items():
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(frame["local_day"]),
                y=frame[column],
                name=labels[column],
                marker_color=color,
                hovertemplate="%{y:,d}",
            )
        )
    fig.update_layout(barmode="group")
    return _day_axis(_layout(fig, y_title=y_title, lang=lang, height=height), frame["local_day"].nunique())


@reused
def share_lines(
    frame: pd.DataFrame,
    *,
    value: str,
    colors: dict[str, str],
    target: float,
    target_label: str,
    y_title: str,
    lang: str,
    height: int = 360,
) -> go.Figure:
    """One line per checkpoint of a share (0..1) over days, with the target as a dashed line."""
    fig = go.Figure()
    for name, color in colors.items():
        part = frame[frame["checkpoint"] == name].sort_values("local_day")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["local_day"]),
                y=part[value],
                name=name,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=8),
                hovertemplate="%{y:.1%}",
            )
        )
    _layout(fig, y_title=y_title, lang=lang, height=height)
    fig.add_hline(
        y=target,
        line=dict(color="#B71C1C", width=2, dash="dash"),
        annotation_text=target_label,
        annotation_position="top left",
        annotation_font=dict(color="#B71C1C", size=15),
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02], rangemode=None)
    return _day_axis(fig, frame["local_day"].nunique())


@reused
def share_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    colors: dict[str, str],
    target: float,
    target_label: str,
    x_title: str,
    lang: str,
    height: int = 260,
    large: bool = False,
) -> go.Figure:
    """One horizontal bar per checkpoint of a share (0..1) with the target as a dashed line; ``large``:
    in type read from across the room (the wall screen)."""
    fig = go.Figure(
        go.Bar(
            y=frame["checkpoint"],
            x=frame[value],
            orientation="h",
            marker_color=[colors.get(n, PALETTE[0]) for n in frame["checkpoint"]],
            text=[f"{v:.1%}".replace(".", ",") if lang == "vi" else f"{v:.1%}" for v in frame[value]],
            # Inside the bar: outside, the figure would sit on the target line.
            textposition="inside",
            insidetextanchor="end",
            textfont=dict(color="white", size=16),
            hovertemplate="%{x:.1%}",
            showlegend=False,
        )
    )
    _layout(fig, y_title="", lang=lang, height=height)
    fig.update_layout(hovermode="closest", margin=dict(l=10, r=10, t=34, b=10))
    fig.add_vline(
        x=target,
        line=dict(color="#B71C1C", width=2, dash="dash"),
        annotation_text=target_label,
        annotation_position="top",
        annotation_font=dict(color="#B71C1C", size=15),
    )
    fig.update_yaxes(title_text=None, autorange="reversed", tickformat=None)
    fig.update_xaxes(title_text=x_title, tickformat=".0%", range=[0, 1.0], dtick=0.2, gridcolor="#E0E0E0")
    if large:
        fig.update_layout(font_size=24, margin=dict(l=10, r=40, t=50, b=10))
        fig.update_traces(textfont_size=26)
        fig.update_yaxes(tickfont_size=26)
        fig.update_xaxes(tickfont_size=20, title_font_size=20)
        fig.update_annotations(font_size=24)
    return fig


@reused
def origin_bars(
    frame: pd.DataFrame, *, value: str, hot_label: str, other_label: str, x_title: str, lang: str, height: int = 420
) -> go.Figure:
    """Horizontal bars of ``value`` per origin province, hot-zone provinces in red (``frame`` has province,
    ``value`` and hot_zone, a bool)."""
    fig = go.Figure()
    for hot, color, label in ((True, RISK_COLORS["high"], hot_label), (False, "#546E7A", other_label)):
        part = frame[frame["hot_zone"] == hot]
        fig.add_trace(
            go.Bar(
                y=part["province"],
                x=part[value],
                name=label,
                orientation="h",
                marker_color=color,
                hovertemplate="%{x:,d}",
            )
        )
    _layout(fig, y_title="", lang=lang, height=height)
    fig.update_layout(hovermode="y unified", barmode="stack")
    fig.update_yaxes(
        title_text=None,
        categoryorder="array",
        categoryarray=[plain(p) for p in frame["province"]][::-1],
        tickformat=None,
    )
    fig.update_xaxes(title_text=x_title, tickformat=",d", dtick=None, gridcolor="#E0E0E0")
    return _whole_numbers(fig, float(frame[value].max()) if not frame.empty else 0, axis="x")


@reused
def hourly_chart(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Bars: declarations per local hour; line: the same hour last week; red bars: a drop."""
    hours = [
        fmt.local_time(h.to_pydatetime() if hasattr(h, "to_pydatetime") else h, lang, "HH'h' dd/MM")
        for h in frame["hour_start"]
    ]
    colors = [
        "#d62728" if drop else ("#9ecae1" if partial else "#1f77b4")
        for drop, partial in zip(frame["drop"], frame["partial"], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(x=hours, y=frame["crossings"], marker_color=colors, name=t("it.q.this_week", lang))
    fig.add_scatter(
        x=hours,
        y=frame["last_week"],
        mode="lines+markers",
        name=t("it.q.last_week", lang),
        line=dict(color="#7f7f7f", dash="dot"),
    )
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", y=1.12),
        separators=",." if lang == "vi" else ".,",
        yaxis_title=t("axis.crossings", lang),
    )
    return fig
