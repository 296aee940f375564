"""Simulated declarations: a history up to now (``seed``) and a live feed (``feed``).

Realistic rather than uniform: traffic per checkpoint with morning and evening peaks and
quiet nights, weekends lighter, origins weighted by neighbourhood, an electronic share rising from
about 35 % to about 75 % over 30 days at a different pace per checkpoint, Bluezone 30–45 %, about
1 % contact with a case and 1 % coming from epidemic areas, rare symptoms, free Wi-Fi use rising
once each checkpoint's Wi-Fi opens. Deterministic for a given seed and ``now``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import OperationalError

from .risk import HotZoneIndex
from .store import load_hot_zones, new_batch, schema, write_declarations
from .store import reference_data as ref
from .timeutil import floor_hour, local_midnight_utc, local_today, now_utc, to_local

#: Length of the adoption campaign the shares ramp over (days before now).
CAMPAIGN_DAYS = 30
#: The live feed never goes quieter than this (declarations per second, all checkpoints together),
#: so that a demo watched at night still moves; by day the realistic profile is far above it.
MIN_LIVE_RATE = 0.1


@dataclass(frozen=True)
class CheckpointProfile:
    """How one checkpoint's traffic behaves."""

    code: str
    daily_crossings: int
    neighbour: str  # GSO code of the province across the bridge
    electronic_end: float  # electronic share reached at the end of the campaign
    pace: float  # exponent of the ramp: < 1 adopts early, > 1 lags
    wifi_opens_days_ago: int
    plate_prefixes: tuple[str, ...]


PROFILES = {
    "TAN_DE": CheckpointProfile("TAN_DE", 6000, "36", 0.78, 0.7, 21, ("17", "18")),
    "THAI_HA": CheckpointProfile("THAI_HA", 3500, "35", 0.75, 1.0, 18, ("17", "90")),
    "TRIEU_DUONG": CheckpointProfile("TRIEU_DUONG", 2500, "33", 0.70, 1.6, 14, ("17", "89")),
}
ELECTRONIC_START = 0.35

# Relative traffic per local hour: quiet nights, a morning and an evening peak.
HOUR_WEIGHTS = np.array(
    [
        0.15,
        0.1,
        0.1,
        0.12,
        0.3,
        0.9,
        1.7,
        2.0,
        1.6,
        1.2,
        1.0,
        1.0,
        0.9,
        0.9,
        1.0,
        1.3,
        1.8,
        2.0,
        1.5,
        1.0,
        0.7,
        0.5,
        0.35,
        0.2,
    ]
)
HOUR_WEIGHTS = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.05, 0.85, 0.75)  # Monday..Sunday

# Origins of incoming travellers besides the neighbour across the bridge (weights).
ORIGIN_WEIGHTS = {
    "neighbour": 0.42,
    "34": 0.10,
    "01": 0.11,
    "31": 0.06,
    "30": 0.05,
    "27": 0.025,
    "24": 0.02,
    "79": 0.03,
    "36": 0.02,
    "35": 0.02,
    "33": 0.02,
    "tail": 0.125,
}
CHANNEL_SPLIT = {"vhd": 0.6, "bluezone": 0.25, "ncovi": 0.12, "other": 0.03}
VEHICLE_SPLIT = {
    "motorbike": 0.55,
    "car": 0.19,
    "truck": 0.12,
    "bus": 0.05,
    "bicycle": 0.03,
    "pedestrian": 0.03,
    "other": 0.03,
}
MOTOR_VEHICLES = {"motorbike", "car", "truck", "bus"}
#: A traveller who declares close contact with a confirmed case is rare at a checkpoint (such contacts
#: were meant to be in quarantine): about one arrival in 2,000, a couple a day at the busiest bridge.
P_CONTACT_F0 = 0.0005
#: ``feed --surge``: extra high-risk arrivals per second at the chosen checkpoint (an outbreak's
#: travellers reaching the bridge), each one a contact of a confirmed case.
SURGE_RATE = 0.2
P_VISITED_HOTZONE = 0.01
P_SYMPTOM = {
    "fever": 0.003,
    "cough": 0.004,
    "breathing_difficulty": 0.001,
    "sore_throat": 0.003,
    "loss_of_taste_smell": 0.001,
}


def demo_hot_zones(today: dt.date) -> list[dict]:
    """A hot-zone list shaped like June 2021, dated relative to ``today`` (local)."""
    d = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    return [
        dict(province_code="24", district_name=None, label="Chỉ thị 16", valid_from=d(27), valid_to=None),
        dict(province_code="27", district_name=None, label="Chỉ thị 15", valid_from=d(30), valid_to=d(9)),
        dict(province_code="79", district_name="Gò Vấp", label="Phong tỏa", valid_from=d(12), valid_to=None),
        dict(province_code="79", district_name="Hóc Môn", label="Phong tỏa", valid_from=d(10), valid_to=None),
    ]


class Simulator:
    """Draws declarations for the three checkpoints, reproducibly for a given seed."""

    def __init__(self, checkpoint_ids: dict[str, int], *, now: dt.datetime, seed: int = 2021, scale: float = 1.0):
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.scale = scale
        self.now = now
        self.campaign_start = now - dt.timedelta(days=CAMPAIGN_DAYS)
        self.checkpoint_ids = {code: cid for code, cid in checkpoint_ids.items() if code in PROFILES}
        codes = [c for c, *_ in ref.PROVINCES]
        self._tail_codes = np.array(codes)
        self._surname_p = np.array(ref.SURNAME_WEIGHTS) / sum(ref.SURNAME_WEIGHTS)
        self._plate_pool: dict[str, list[str]] = {}
        self._serial = 0

    # --- shares over time -------------------------------------------------------------------
    def campaign_progress(self, ts: dt.datetime) -> float:
        """0 at the campaign start, 1 at ``now``."""
        span = (self.now - self.campaign_start).total_seconds()
        return float(np.clip((ts - self.campaign_start).total_seconds() / span, 0.0, 1.0))

    def electronic_share(self, code: str, ts: dt.datetime) -> float:
        """The share of electronic declarations at ``ts`` for this checkpoint."""
        p = PROFILES[code]
        return ELECTRONIC_START + (p.electronic_end - ELECTRONIC_START) * self.campaign_progress(ts) ** p.pace

    def bluezone_share(self, ts: dt.datetime) -> float:
        """Share of travellers with Bluezone installed (30 % rising to 45 %)."""
        return 0.30 + 0.15 * self.campaign_progress(ts)

    def wifi_share(self, code: str, ts: dt.datetime) -> float:
        """Share of electronic declarations made over the checkpoint's free Wi-Fi."""
        opened = self.now - dt.timedelta(days=PROFILES[code].wifi_opens_days_ago)
        if ts < opened:
            return 0.0
        days_open = (ts - opened).total_seconds() / 86400
        return min(0.35, 0.08 + 0.015 * days_open)

    def expected_per_hour(self, code: str, hour_start: dt.datetime) -> float:
        """Mean crossings in the local hour beginning at ``hour_start`` (naive UTC)."""
        local = to_local(hour_start)
        return PROFILES[code].daily_crossings * self.scale * HOUR_WEIGHTS[local.hour] * WEEKDAY_FACTOR[local.weekday()]

    # --- drawing rows -----------------------------------------------------------------------
    def draw(self, code: str, n: int, start: dt.datetime, end: dt.datetime) -> list[dict]:
        """``n`` declarations at checkpoint ``code`` with times uniform in [start, end)."""
        if n <= 0:
            return []
        rng, prof = self.rng, PROFILES[code]
        span = (end - start).total_seconds()
        offsets = np.sort(rng.uniform(0, span, n))
        mid = start + dt.timedelta(seconds=span / 2)
        electronic = rng.random(n) < self.electronic_share(code, mid)
        channels = np.where(electronic, rng.choice(list(CHANNEL_SPLIT), n, p=list(CHANNEL_SPLIT.values())), "paper")
        directions = np.where(rng.random(n) < 0.52, "in", "out")
        origins = self._origins(code, directions)
        vehicles = rng.choice(list(VEHICLE_SPLIT), n, p=list(VEHICLE_SPLIT.values()))
        bluezone = rng.random(n) < self.bluezone_share(mid)
        wifi = electronic & (rng.random(n) < self.wifi_share(code, mid))
        contact = rng.random(n) < P_CONTACT_F0
        visited = rng.random(n) < P_VISITED_HOTZONE
        symptoms = {name: rng.random(n) < p for name, p in P_SYMPTOM.items()}
        female = rng.random(n) < 0.45
        birth_years = rng.integers(1950, 2006, n)
        rows = []
        for i in range(n):
            vehicle = str(vehicles[i])
            paper = channels[i] == "paper"
            origin = str(origins[i])
            self._serial += 1
            rows.append(
                {
                    "declaration_id": self._declaration_id(code, start, i),
                    "declared_at": (start + dt.timedelta(seconds=float(offsets[i]))).replace(tzinfo=dt.UTC),
                    "checkpoint_id": self.checkpoint_ids[code],
                    "direction": str(directions[i]),
                    "channel": str(channels[i]),
                    # Paper forms often leave the optional boxes empty.
                    "vehicle": None if paper and rng.random() < 0.08 else vehicle,
                    "plate": self._plate(prof, vehicle) if vehicle in MOTOR_VEHICLES else None,
                    "full_name": self._name(bool(female[i])),
                    "id_number": None
                    if paper and rng.random() < 0.15
                    else self._id_number(origin, bool(female[i]), int(birth_years[i])),
                    "phone": None if paper and rng.random() < 0.1 else self._phone(),
                    "birth_year": int(birth_years[i]),
                    "gender": "female" if female[i] else "male",
                    "origin_province_code": origin,
                    "origin_district": self._district(origin),
                    "destination_district_code": self._destination(code) if directions[i] == "in" else None,
                    **{name: bool(v[i]) for name, v in symptoms.items()},
                    "contact_f0": bool(contact[i]),
                    "visited_hotzone": bool(visited[i]),
                    "bluezone_installed": bool(bluezone[i]),
                    "used_free_wifi": bool(wifi[i]),
                }
            )
        return rows

    def _declaration_id(self, code: str, start: dt.datetime, i: int) -> str:
        key = f"{self.seed}|{code}|{start.isoformat()}|{i}|{self._serial}"
        return "sim-" + hashlib.sha256(key.encode()).hexdigest()[:24]

    def _origins(self, code: str, directions: np.ndarray) -> np.ndarray:
        rng = self.rng
        n = len(directions)
        labels = list(ORIGIN_WEIGHTS)
        picks = rng.choice(labels, n, p=np.array(list(ORIGIN_WEIGHTS.values())) / sum(ORIGIN_WEIGHTS.values()))
        picks = np.where(picks == "neighbour", PROFILES[code].neighbour, picks)
        tail = rng.choice(self._tail_codes, n)
        picks = np.where(picks == "tail", tail, picks)
        # Most people leaving the province start from Thái Bình itself.
        leaving_home = (directions == "out") & (rng.random(n) < 0.7)
        return np.where(leaving_home, ref.THAI_BINH_PROVINCE_CODE, picks)

    def _name(self, female: bool) -> str:
        rng = self.rng
        surname = ref.SURNAMES[rng.choice(len(ref.SURNAMES), p=self._surname_p)]
        middles = ref.MIDDLE_NAMES_FEMALE if female else ref.MIDDLE_NAMES_MALE
        givens = ref.GIVEN_NAMES_FEMALE if female else ref.GIVEN_NAMES_MALE
        return f"{surname} {middles[rng.integers(len(middles))]} {givens[rng.integers(len(givens))]}"

    def _id_number(self, origin: str, female: bool, birth_year: int) -> str:
        # CCCD layout: province of birth (3), gender/century (1), year (2), random (6).
        century_digit = (0 if birth_year < 2000 else 2) + (1 if female else 0)
        return f"0{origin}{century_digit}{birth_year % 100:02d}{self.rng.integers(0, 10**6):06d}"

    def _phone(self) -> str:
        prefix = ref.MOBILE_PREFIXES[self.rng.integers(len(ref.MOBILE_PREFIXES))]
        return f"{prefix}{self.rng.integers(0, 10**7):07d}"

    def _plate(self, prof: CheckpointProfile, vehicle: str) -> str:
        # Regular vehicles (trucks, commuters) cross again and again, so plates repeat.
        pool = self._plate_pool.setdefault(prof.code, [])
        if pool and self.rng.random() < 0.35:
            return pool[self.rng.integers(len(pool))]
        prefix = prof.plate_prefixes[self.rng.integers(len(prof.plate_prefixes))]
        series = "C" if vehicle == "truck" else ("B" if vehicle == "bus" else "A")
        letter = series if vehicle != "motorbike" else f"{'BCDEFGHK'[self.rng.integers(8)]}{self.rng.integers(1, 10)}"
        plate = f"{prefix}{letter}-{self.rng.integers(0, 100000):05d}"
        if len(pool) < 5000:
            pool.append(plate)
        return plate

    def _district(self, province: str) -> str | None:
        names = ref.PROVINCE_DISTRICTS.get(province)
        if not names:
            return None
        return names[self.rng.integers(len(names))]

    def _destination(self, code: str) -> str:
        districts = [d[0] for d in ref.THAI_BINH_DISTRICTS]
        home = next(cp["district_code"] for cp in ref.CHECKPOINTS if cp["code"] == code)
        weights = np.array([4.0 if d == home else (2.0 if d == "336" else 1.0) for d in districts])
        return districts[self.rng.choice(len(districts), p=weights / weights.sum())]

    def history(self, start: dt.datetime, end: dt.datetime) -> Iterator[list[dict]]:
        """Declarations from ``start`` to ``end`` (naive UTC), one list per local hour."""
        hour = floor_hour(start)
        while hour < end:
            nxt = hour + dt.timedelta(hours=1)
            lo, hi = max(hour, start), min(nxt, end)
            fraction = (hi - lo).total_seconds() / 3600
            rows = []
            for code in self.checkpoint_ids:
                n = int(self.rng.poisson(self.expected_per_hour(code, hour) * fraction))
                rows.extend(self.draw(code, n, lo, hi))
            yield rows
            hour = nxt


def checkpoint_ids(engine: Engine) -> dict[str, int]:
    """Checkpoint code → id, from the store."""
    with engine.connect() as conn:
        return dict(conn.execute(select(schema.checkpoints.c.code, schema.checkpoints.c.id)).all())


def ensure_demo_hot_zones(engine: Engine, today: dt.date) -> bool:
    """Insert the demo hot-zone list when the store has none; True if inserted."""
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(schema.hot_zones)).scalar():
            return False
        stamp = now_utc()
        conn.execute(
            schema.hot_zones.insert(),
            [dict(z, created_by="simulator", created_at=stamp) for z in demo_hot_zones(today)],
        )
        return True


def _set_wifi_opening(engine: Engine, now: dt.datetime) -> None:
    """The simulated world's Wi-Fi opening days (a few weeks before ``now``, when its campaign runs),
    unless the store has days of its own: only the reference data's stand-in is replaced."""
    cp = schema.checkpoints.c
    with engine.begin() as conn:
        for code, prof in PROFILES.items():
            opened = local_today(now - dt.timedelta(days=prof.wifi_opens_days_ago))
            conn.execute(
                update(schema.checkpoints)
                .where(cp.code == code, cp.wifi_opened_on == ref.WIFI_OPENED_ON_DEFAULT)
                .values(wifi_opened_on=opened)
            )


def seed(
    engine: Engine,
    *,
    days: int,
    seed: int = 2021,
    scale: float = 1.0,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write ``days`` days of simulated history ending at ``now``; returns the number written."""
    now = now or now_utc()
    ensure_demo_hot_zones(engine, local_today(now))
    _set_wifi_opening(engine, now)
    sim = Simulator(checkpoint_ids(engine), now=now, seed=seed, scale=scale)
    start = local_midnight_utc(local_today(now) - dt.timedelta(days=days - 1)) if days > 0 else now
    with engine.connect() as conn:
        zones = HotZoneIndex(load_hot_zones(conn))
    with engine.begin() as conn:
        batch_id = new_batch(conn, "seed", file_name=f"seed --days {days} --seed {seed} --scale {scale}")
    written = 0
    total_hours = int((now - start).total_seconds() // 3600) + 1
    pending: list[dict] = []
    for hour_index, rows in enumerate(sim.history(start, now), start=1):
        pending.extend(rows)
        if len(pending) >= 20_000 or hour_index == total_hours:
            written += _write(engine, pending, zones, batch_id)
            pending = []
            if progress:
                progress(hour_index, total_hours)
    if pending:
        written += _write(engine, pending, zones, batch_id)
    _finish_batch(engine, batch_id, written)
    return written


def _write(engine: Engine, rows: list[dict], zones: HotZoneIndex, batch_id: int) -> int:
    with engine.begin() as conn:
        return len(write_declarations(conn, rows, zones, batch_id=batch_id).ids)


def _finish_batch(engine: Engine, batch_id: int, written: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(schema.import_batches)
            .where(schema.import_batches.c.id == batch_id)
            .values(status="done", finished_at=now_utc(), rows_in=written, accepted=written)
        )


def feed(
    engine: Engine,
    *,
    rate: float | None = None,
    seed: int | None = None,
    interval: float = 2.0,
    max_batches: int | None = None,
    stop: Callable[[], bool] | None = None,
    surge: str | None = None,
    surge_rate: float = SURGE_RATE,
    backfill: bool = True,
) -> int:
    """Write live simulated declarations every ``interval`` seconds until stopped.

    ``rate`` is declarations per second over all checkpoints; by default the realistic hourly
    profile, never below ``MIN_LIVE_RATE``. ``surge`` names a checkpoint (code) that gets ``surge_rate``
    extra high-risk arrivals per second. With ``backfill``, the time since the last
    simulated declaration is first filled as ``seed`` would (so a demo restarted after a pause has no
    hole). Returns the number written when ``max_batches`` or ``stop`` ends it.
    """
    seed = seed if seed is not None else int(time.time())
    ids = checkpoint_ids(engine)
    if surge is not None and surge not in ids:
        raise ValueError(f"unknown checkpoint code: {surge}")
    # The live rounds start where the filling ended, so the time the filling took is simulated too.
    last = now_utc()
    written = fill_since_last(engine, seed=seed, now=last) if backfill else 0
    with engine.begin() as conn:
        batch_id = new_batch(conn, "feed", file_name="feed" if surge is None else f"feed --surge {surge}")
    batches = 0
    stopped = stop or (lambda: False)
    while not stopped() and (max_batches is None or batches < max_batches):
        # Sleep in short steps so that a stop request is honoured at once.
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline and not stopped():
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        if stopped():
            break
        now = now_utc()
        sim = Simulator(ids, now=now, seed=seed + batches, scale=1.0)
        seconds = (now - last).total_seconds()
        rows = []
        for code in sim.checkpoint_ids:
            if rate is None:
                mean = (
                    max(sim.expected_per_hour(code, floor_hour(now)) / 3600, MIN_LIVE_RATE / len(sim.checkpoint_ids))
                    * seconds
                )
            else:
                mean = rate * seconds / len(sim.checkpoint_ids)
            rows.extend(sim.draw(code, int(sim.rng.poisson(mean)), last, now))
        if surge is not None:
            extra = sim.draw(surge, int(sim.rng.poisson(surge_rate * seconds)), last, now)
            rows.extend({**row, "direction": "in", "contact_f0": True} for row in extra)
        try:
            with engine.connect() as conn:
                zones = HotZoneIndex(load_hot_zones(conn))
            written += _write(engine, rows, zones, batch_id)
        except OperationalError as exc:
            # A store busy beyond its timeout (a long import) or briefly away: keep going, and let the
            # next round cover this interval too, so no simulated time is lost.
            print(
                f"Chưa ghi được khai báo mô phỏng ({str(exc.orig).splitlines()[0]}); thử lại sau.",
                file=sys.stderr,
                flush=True,
            )
            batches += 1
            continue
        last = now
        batches += 1
    _finish_batch(engine, batch_id, written)
    return written


#: How far back a restarted feed fills the simulated history at most.
BACKFILL_MAX_DAYS = 30


def last_simulated_at(engine: Engine) -> dt.datetime | None:
    """When the newest simulated declaration (from ``seed`` or ``feed``) was stamped, or None."""
    d, b = schema.declarations.c, schema.import_batches.c
    with engine.connect() as conn:
        return conn.execute(
            select(func.max(d.declared_at))
            .join_from(schema.declarations, schema.import_batches, b.id == d.batch_id)
            .where(b.kind.in_(("seed", "feed")), d.declared_at <= now_utc())
        ).scalar()


def fill_since_last(engine: Engine, *, seed: int, now: dt.datetime | None = None) -> int:
    """Simulated history from the last simulated declaration to ``now`` (at most
    :data:`BACKFILL_MAX_DAYS`), written as ``seed`` writes it; 0 when there is no simulated history yet
    or no gap to fill."""
    now = now or now_utc()
    last = last_simulated_at(engine)
    if last is None or now - last < dt.timedelta(minutes=1):
        return 0
    start = max(last + dt.timedelta(seconds=1), now - dt.timedelta(days=BACKFILL_MAX_DAYS))
    sim = Simulator(checkpoint_ids(engine), now=now, seed=seed, scale=1.0)
    with engine.connect() as conn:
        zones = HotZoneIndex(load_hot_zones(conn))
    with engine.begin() as conn:
        batch_id = new_batch(conn, "seed", file_name=f"feed: fill {start:%Y-%m-%d %H:%M} – {now:%H:%M} UTC")
    written, pending = 0, []
    for rows in sim.history(start, now):
        pending.extend(rows)
        if len(pending) >= 20_000:
            written += _write(engine, pending, zones, batch_id)
            pending = []
    if pending:
        written += _write(engine, pending, zones, batch_id)
    _finish_batch(engine, batch_id, written)
    return written
