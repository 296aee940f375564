"""The figures of one local day's briefing, gathered once from :mod:`data_access.queries`.

Every file of a briefing (deck, workbook, report) is drawn from one :class:`BriefingFigures`, so the
three carry the same numbers, and every number is what a query function of the dashboard returns
for the same day at the same ``now``. No SQL here, and no personal field is ever asked for: only
counts, checkpoint and province names, hot-zone labels and import file names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine

from data_access.errors import CodedError
from data_access.queries import adoption, high_risk, imports, live_map, overview, quality, reference, traffic
from data_access.settings import get_settings
from data_access.timeutil import floor_hour, local_midnight_utc, local_today, now_utc, to_local

#: High-risk reasons, in the order the briefing shows them (one traveller may have several).
REASONS = tuple(high_risk.REASONS)

#: Days before D whose mean daily crossings the briefing compares D with.
MEAN_DAYS = 7

#: Days shown on the trend chart (D and the days before it).
TREND_DAYS = 7

#: Origin provinces kept (there are 63 provinces: all of them).
ORIGIN_LIMIT = 63


class BriefingError(CodedError):
    """A briefing that cannot be made as asked (a day in the future, an unreadable template…): a code
    (``report.…``) and its parameters, worded by the catalogue (``error.report.…``) in one line."""


@dataclass(frozen=True)
class CheckpointDay:
    """One checkpoint's figures on day D (or the province's, summed)."""

    checkpoint_id: int | None  # None: the province (every checkpoint together)
    code: str
    name: str
    crossings_in: int
    crossings_out: int
    previous: int  # crossings on D - 1
    previous_in: int
    previous_out: int
    mean_7d: float | None  # mean daily crossings over the 7 days before D (None: no data then)
    high_risk: int
    high_risk_previous: int
    reasons: tuple[int, ...]  # counts per REASONS
    electronic: int
    electronic_previous: int
    bluezone: int
    bluezone_previous: int
    wifi_open: bool  # free Wi-Fi open at this checkpoint on D (for the province: at any checkpoint)
    free_wifi: int
    electronic_at_wifi: int  # electronic declarations at checkpoints whose Wi-Fi was open on D

    @property
    def crossings(self) -> int:
        """Crossings in and out on D."""
        return self.crossings_in + self.crossings_out

    @property
    def change(self) -> int:
        """Crossings on D minus those on D - 1."""
        return self.crossings - self.previous

    @property
    def electronic_share(self) -> float | None:
        """Electronic declarations (any channel but paper) over crossings, None without crossings."""
        return _share(self.electronic, self.crossings)

    @property
    def electronic_share_previous(self) -> float | None:
        """The same share on D - 1."""
        return _share(self.electronic_previous, self.previous)

    @property
    def bluezone_share(self) -> float | None:
        """Travellers with Bluezone installed over crossings."""
        return _share(self.bluezone, self.crossings)

    @property
    def bluezone_share_previous(self) -> float | None:
        """The same share on D - 1."""
        return _share(self.bluezone_previous, self.previous)

    @property
    def wifi_share(self) -> float | None:
        """Declarations over the free Wi-Fi over the electronic declarations where it was open (the
        adoption page's share), None where there was none."""
        return _share(self.free_wifi, self.electronic_at_wifi) if self.wifi_open else None


@dataclass(frozen=True)
class DayTotals:
    """One local day of the trend: crossings per checkpoint (in the order of the checkpoints) and the
    province's totals."""

    day: dt.date
    by_checkpoint: tuple[int, ...]
    high_risk: int
    electronic: int
    bluezone: int

    @property
    def crossings(self) -> int:
        """Crossings at every checkpoint."""
        return sum(self.by_checkpoint)


@dataclass(frozen=True)
class Origin:
    """An origin province of the day's high-risk travellers."""

    province_code: str
    province: str
    high_risk: int
    crossings: int
    from_hotzone: int


@dataclass(frozen=True)
class HotZone:
    """A hot zone in force on D."""

    province: str
    district: str | None
    label: str


@dataclass(frozen=True)
class HourDrop:
    """A complete hour of D well below the same hour a week before (the data-quality page's rule)."""

    hour: int
    crossings: int
    last_week: int


@dataclass(frozen=True)
class ImportOfDay:
    """A file import started on D, with its counts."""

    file_name: str
    started_at: dt.datetime  # local, aware
    status: str
    rows_in: int
    accepted: int
    duplicates: int
    quarantined: int
    warnings: int


@dataclass(frozen=True)
class BriefingFigures:
    """Everything a briefing of local day ``day`` shows, counted up to ``now``."""

    day: dt.date
    now: dt.datetime  # naive UTC: the end of D (or the moment the briefing is made, when D is today)
    made_at: dt.datetime  # naive UTC: when the briefing was made
    target: float
    checkpoints: tuple[CheckpointDay, ...]
    total: CheckpointDay
    trend: tuple[DayTotals, ...]  # D - MEAN_DAYS .. D, oldest first
    hours: tuple[tuple[int, ...], ...]  # per local hour 0..23: crossings per checkpoint
    hours_elapsed: int  # complete or partial hours of D up to now (24 for a day that has ended)
    origins: tuple[Origin, ...]
    hot_zones: tuple[HotZone, ...]
    silent_hours: tuple[tuple[str, tuple[int, ...]], ...]  # (checkpoint name, complete hours with no row)
    drops: tuple[HourDrop, ...]
    imports: tuple[ImportOfDay, ...]
    complete: bool = field(default=True)  # False when D is today (figures up to now)

    @property
    def has_data(self) -> bool:
        """Whether any declaration was made on D (up to ``now``)."""
        return self.total.crossings > 0

    @property
    def quarantined(self) -> int:
        """Rows quarantined by the imports started on D."""
        return sum(i.quarantined for i in self.imports)

    @property
    def trend_days(self) -> tuple[DayTotals, ...]:
        """The days of the trend chart: D and the TREND_DAYS - 1 days before."""
        return self.trend[-TREND_DAYS:]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures_now(day: dt.date, now: dt.datetime | None = None) -> dt.datetime:
    """The ``now`` a briefing of ``day`` counts up to: the end of the local day (local midnight of the
    next day, naive UTC), or ``now`` itself while the day is still running."""
    now = now or now_utc()
    return min(local_midnight_utc(day + dt.timedelta(days=1)), now)


def gather(engine_or_conn: Engine | Connection, day: dt.date, now: dt.datetime | None = None) -> BriefingFigures:
    """The figures of local ``day``, read once through the query functions.

    ``now`` (naive UTC, default the current time) is when the briefing is made; a day after
    ``now``'s local day raises :class:`BriefingError`.
    """
    made_at = now or now_utc()
    if day > local_today(made_at):
        raise BriefingError("report.future_date", day=day, today=local_today(made_at))
    if isinstance(engine_or_conn, Connection):
        return _gather(engine_or_conn, day, made_at)
    with engine_or_conn.connect() as conn:
        return _gather(conn, day, made_at)


def _by(frame: pd.DataFrame, keys: Iterable[str], value: str) -> dict[tuple, int]:
    """A frame's ``value`` column summed per ``keys`` (a dict, for lookups with a default of 0)."""
    keys = list(keys)
    out: dict[tuple, int] = {}
    for row in frame[[*keys, value]].itertuples(index=False):
        key = tuple(row[:-1])
        out[key] = out.get(key, 0) + int(row[-1])
    return out


def _gather(conn: Connection, day: dt.date, made_at: dt.datetime) -> BriefingFigures:
    now = figures_now(day, made_at)
    first = day - dt.timedelta(days=MEAN_DAYS)
    prev = day - dt.timedelta(days=1)
    settings = get_settings()

    table = reference.checkpoint_table(conn)
    by_day = traffic.crossings_by_day(conn, first, day, now=now)
    levels = high_risk.risk_levels_by_day(conn, first, day, now=now)
    reasons = high_risk.high_risk_reasons_by_day(conn, day, day, now=now)
    adopt = adoption.adoption_by_day(conn, first, day, now=now)
    wifi = overview.daily_trend(conn, day, now=now, days=1, measures=("crossings", "electronic", "free_wifi"))
    per_hour = traffic.crossings_by_hour(conn, day, day, now=now)
    origins = high_risk.high_risk_origins(conn, day, day, now=now, limit=ORIGIN_LIMIT)
    zones = live_map.active_hot_zones(conn, day)
    province_names = reference.provinces(conn)
    first_day = reference.first_declaration_day(conn)

    # The active checkpoints in reference order, then any other that has rows (an inactive one).
    names = {int(r.id): (str(r.code), str(r.name)) for r in table.itertuples(index=False)}
    opened = {int(r.id): r.wifi_opened_on for r in table.itertuples(index=False)}
    seen = set(by_day["checkpoint_id"]) | set(per_hour["checkpoint_id"]) | set(adopt["checkpoint_id"])
    ids = list(names) + sorted(int(i) for i in seen if int(i) not in names)

    crossings = _by(by_day, ("local_day", "checkpoint_id", "direction"), "crossings")
    high = _by(levels, ("local_day", "checkpoint_id"), "risk_high")
    electronic = _by(adopt, ("local_day", "checkpoint_id"), "electronic")
    bluezone = _by(adopt, ("local_day", "checkpoint_id"), "bluezone_installed")
    reason_counts = {r: _by(reasons, ("checkpoint_id",), r) for r in REASONS}
    free_wifi = _by(wifi, ("checkpoint_id",), "free_wifi")
    wifi_electronic = _by(wifi, ("checkpoint_id",), "electronic")

    # The day before, as the Overview compares: the whole day once D has ended; while D runs, the
    # day before up to the same time of day.
    running = now < local_midnight_utc(day + dt.timedelta(days=1))
    before: dict[tuple, int] = {}
    if running:
        same_time = overview.today_vs_yesterday(conn, now)
        same_time = same_time[same_time["period"] == "yesterday"]
        for measure in ("crossings", "risk_high", "electronic", "bluezone_installed"):
            before.update(
                ((measure, *k), v) for k, v in _by(same_time, ("checkpoint_id", "direction"), measure).items()
            )
    else:
        for (d, cid, direction), v in crossings.items():
            if d == prev:
                before[("crossings", cid, direction)] = v
        for measure, counts in (("risk_high", high), ("electronic", electronic), ("bluezone_installed", bluezone)):
            for (d, cid), v in counts.items():
                if d == prev:
                    before[(measure, cid, "in")] = v  # kept under one direction: only their sum is read

    def previous(measure: str, cid: int, direction: str | None = None) -> int:
        ways = (direction,) if direction else ("in", "out")
        return sum(before.get((measure, cid, w), 0) for w in ways)

    # The 7-day mean counts the days the store has data for (a store started three days ago has a
    # mean over three days, not a third of one).
    mean_days = [first + dt.timedelta(days=k) for k in range(MEAN_DAYS)]
    if first_day is not None:
        mean_days = [d for d in mean_days if d >= first_day]

    def wifi_open_on(cid: int) -> bool:
        value = opened.get(cid)
        return value is not None and not pd.isna(value) and pd.Timestamp(value).date() <= day

    def total_on(d: dt.date, cid: int) -> int:
        return crossings.get((d, cid, "in"), 0) + crossings.get((d, cid, "out"), 0)

    rows = []
    for cid in ids:
        code, name = names.get(cid, (str(cid), f"Chốt #{cid}"))
        mean = sum(total_on(d, cid) for d in mean_days) / len(mean_days) if mean_days else None
        is_open = wifi_open_on(cid)
        rows.append(
            CheckpointDay(
                checkpoint_id=cid,
                code=code,
                name=name,
                crossings_in=crossings.get((day, cid, "in"), 0),
                crossings_out=crossings.get((day, cid, "out"), 0),
                previous=previous("crossings", cid),
                previous_in=previous("crossings", cid, "in"),
                previous_out=previous("crossings", cid, "out"),
                mean_7d=mean,
                high_risk=high.get((day, cid), 0),
                high_risk_previous=previous("risk_high", cid),
                reasons=tuple(reason_counts[r].get((cid,), 0) for r in REASONS),
                electronic=electronic.get((day, cid), 0),
                electronic_previous=previous("electronic", cid),
                bluezone=bluezone.get((day, cid), 0),
                bluezone_previous=previous("bluezone_installed", cid),
                wifi_open=is_open,
                free_wifi=free_wifi.get((cid,), 0) if is_open else 0,
                electronic_at_wifi=wifi_electronic.get((cid,), 0) if is_open else 0,
            )
        )
    total = _province(rows)

    trend = []
    for k in range(MEAN_DAYS + 1):
        d = first + dt.timedelta(days=k)
        trend.append(
            DayTotals(
                day=d,
                by_checkpoint=tuple(total_on(d, cid) for cid in ids),
                high_risk=sum(high.get((d, cid), 0) for cid in ids),
                electronic=sum(electronic.get((d, cid), 0) for cid in ids),
                bluezone=sum(bluezone.get((d, cid), 0) for cid in ids),
            )
        )

    hour_counts = _by(per_hour, ("local_hour", "checkpoint_id"), "crossings")
    hours = tuple(tuple(hour_counts.get((h, cid), 0) for cid in ids) for h in range(24))
    start = local_midnight_utc(day)
    hours_elapsed = min(24, int((now - start).total_seconds() // 3600) + (0 if now == floor_hour(now) else 1))
    complete_hours = int((floor_hour(now) - start).total_seconds() // 3600)  # hours of D that have ended
    silent = tuple(
        (row.name, tuple(h for h in range(min(complete_hours, 24)) if hours[h][i] == 0))
        for i, row in enumerate(rows)
        if row.checkpoint_id in names
    )
    silent = tuple((name, hs) for name, hs in silent if hs)

    # Drops against last week: the data-quality page's rule over the hours of D (the query's last,
    # partial hour starts at now and is left out when D has ended).
    span = int((floor_hour(now) - start).total_seconds() // 3600) + 1
    drops = tuple(
        HourDrop(int(to_local(r.hour_start).hour), int(r.crossings), int(r.last_week))
        for r in quality.hourly_vs_last_week(conn, now, hours=span).itertuples(index=False)
        if start <= r.hour_start < now and bool(r.drop)
    )

    day_imports = []
    for r in imports.batches(conn, limit=1000).itertuples(index=False):
        started = r.started_at
        if started is None or not (start <= started < now):
            continue
        day_imports.append(
            ImportOfDay(
                file_name=str(r.file_name or ""),
                started_at=to_local(started),
                status=str(r.status),
                rows_in=int(r.rows_in),
                accepted=int(r.accepted),
                duplicates=int(r.duplicates),
                quarantined=int(r.quarantined),
                warnings=int(r.warnings),
            )
        )
    day_imports.sort(key=lambda i: i.started_at)

    return BriefingFigures(
        day=day,
        now=now,
        made_at=made_at,
        target=float(settings.adoption_target),
        checkpoints=tuple(rows),
        total=total,
        trend=tuple(trend),
        hours=hours,
        hours_elapsed=hours_elapsed,
        origins=tuple(
            Origin(str(r.province_code), str(r.province), int(r.high_risk), int(r.crossings), int(r.from_hotzone))
            for r in origins.itertuples(index=False)
        ),
        hot_zones=tuple(
            HotZone(
                province_names.get(str(r.province_code), str(r.province_code)),
                None if r.district_name is None or pd.isna(r.district_name) else str(r.district_name),
                str(r.label),
            )
            for r in zones.itertuples(index=False)
        ),
        silent_hours=silent,
        drops=drops,
        imports=tuple(day_imports),
        complete=not running,
    )


def _province(rows: list[CheckpointDay]) -> CheckpointDay:
    """The province's figures: every checkpoint summed (the mean too: a sum of means over the same days)."""

    def total(attr: str) -> int:
        return sum(getattr(r, attr) for r in rows)

    means = [r.mean_7d for r in rows if r.mean_7d is not None]
    return CheckpointDay(
        checkpoint_id=None,
        code="",
        name="Toàn tỉnh",
        crossings_in=total("crossings_in"),
        crossings_out=total("crossings_out"),
        previous=total("previous"),
        previous_in=total("previous_in"),
        previous_out=total("previous_out"),
        mean_7d=sum(means) if means else None,
        high_risk=total("high_risk"),
        high_risk_previous=total("high_risk_previous"),
        reasons=tuple(sum(r.reasons[i] for r in rows) for i in range(len(REASONS))),
        electronic=total("electronic"),
        electronic_previous=total("electronic_previous"),
        bluezone=total("bluezone"),
        bluezone_previous=total("bluezone_previous"),
        wifi_open=any(r.wifi_open for r in rows),
        free_wifi=total("free_wifi"),
        electronic_at_wifi=total("electronic_at_wifi"),
    )
