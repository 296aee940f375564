"""One computation of each aggregate figure per refresh tick, shared by every viewer.

Twenty people watching the Overview would otherwise run its queries twenty times every refresh for the
same numbers. A live refresh counts at the start of its refresh tick (:func:`tick_start`: the clock
rounded down to ``DASHBOARD_REFRESH_SECONDS``), so every session of one tick asks for the same
figures, and :data:`CACHE` computes each (figure, store, arguments, tick) once and hands everyone a
copy of it.

Only the functions of :data:`SHARED_FIGURES` are shared: aggregates, which hold no personal field
(SPEC §6 — queries that return personal fields are never cached across sessions; the follow-up list,
the rows behind a figure, the audit log and the accounts are not here, and ``tests/test_figures_cache.py``
fails if a listed function returns a personal column). A figure is at most one refresh interval old.

The cache is bounded (entries and bytes, least recently used out first; entries of past ticks are
dropped), never keeps a failure (a query that raises is asked again by the next caller), and runs a
figure once when several sessions ask for it at the same moment (the others wait for its result).
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from data_access.queries import adoption, high_risk, live_map, overview, quality, reference, traffic

T = TypeVar("T")

#: The figures every viewer may share: aggregates only (counts, shares, states, reference data).
SHARED_FIGURES: frozenset[Callable[..., Any]] = frozenset(
    {
        overview.today_vs_yesterday,
        overview.daily_trend,
        overview.latest_declaration_at,
        live_map.checkpoint_live_status,
        live_map.origins_today,
        traffic.crossings_by_hour,
        traffic.crossings_by_day,
        traffic.crossings_by_vehicle,
        traffic.people_and_vehicles_by_day,
        traffic.peak_hours,
        high_risk.risk_levels_by_day,
        high_risk.high_risk_reasons_by_day,
        high_risk.high_risk_origins,
        high_risk.high_risk_surge,
        adoption.adoption_by_day,
        adoption.adoption_by_checkpoint,
        adoption.channel_mix,
        adoption.free_wifi_since_opening,
        quality.freshness,
        quality.hourly_vs_last_week,
        quality.quarantine_reasons,
        reference.checkpoint_table,
        reference.first_declaration_day,
        reference.provinces,
    }
)

#: Tables that no shared figure reads: a write to them (a session's activity, an audit entry, an
#: account, a follow-up status) leaves the shared figures as they are. Any other write empties the cache.
UNSHARED_TABLES = frozenset({"sign_in_sessions", "audit_log", "accounts", "follow_ups"})

#: Bounds of the cache: a page's figures for a few dozen filter choices of the current tick.
MAX_ENTRIES = 512
MAX_BYTES = 64 * 1024 * 1024
_EPOCH = dt.datetime(1970, 1, 1)


def is_shared(fn: Callable[..., Any]) -> bool:
    """Whether ``fn``'s result may be shared by every viewer (it is one of :data:`SHARED_FIGURES`)."""
    return fn in SHARED_FIGURES


def tick_number(at: dt.datetime, seconds: float) -> int:
    """The number of the refresh tick ``at`` (naive UTC) falls in: ticks of ``seconds`` from the epoch."""
    step = max(1, round(seconds * 1_000_000))
    return ((at - _EPOCH) // dt.timedelta(microseconds=1)) // step


def tick_start(at: dt.datetime, seconds: float) -> dt.datetime:
    """``at`` (naive UTC) rounded down to a multiple of ``seconds`` since the epoch: every session in
    the same tick gets the same instant, which is never after ``at``."""
    step = max(1, round(seconds * 1_000_000))
    return _EPOCH + dt.timedelta(microseconds=tick_number(at, seconds) * step)


def frozen(value: Any) -> Hashable:
    """``value`` as a hashable key part: lists and tuples alike as tuples, sets sorted, mappings as
    sorted pairs. Raises TypeError for what cannot be a key (the caller then does not share)."""
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(frozen(v) for v in value)))  # type: ignore[type-var]
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((k, frozen(v)) for k, v in value.items())))
    hash(value)
    return value


def size_of(value: Any) -> int:
    """Roughly how many bytes ``value`` holds (for the cache's bound)."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum()) + 1024
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) + 256
    except Exception:  # noqa: BLE001 - an unpicklable value: count it as a small one
        return 4096


@dataclass
class _Entry:
    value: Any
    tick: int
    size: int


@dataclass
class _Flight:
    """One computation in progress; callers asking for the same key meanwhile wait for it."""

    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    value: Any = None


@dataclass
class Stats:
    """What the cache has done since it started (or was last reset by a test)."""

    computed: int = 0
    shared: int = 0
    waited: int = 0  # callers that waited for another's computation of the same figure
    failed: int = 0
    evicted: int = 0
    cleared: int = 0


class FigureCache:
    """A thread-safe, bounded cache of figure results, one computation per key at a time."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._bytes = 0
        self._generation = 0
        self.stats = Stats()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """The estimated size of what the cache holds."""
        return self._bytes

    def get(self, key: Hashable, tick: int, compute: Callable[[], T]) -> tuple[T, bool]:
        """The value for ``key`` in refresh tick ``tick``: from the cache, from another caller's
        computation of it in progress, or ``compute()``; with True when this call computed it.

        Every caller gets its own copy (a page may change the frame it was given). A ``compute()`` that
        raises is not kept: the exception goes to this caller, and callers that were waiting for it
        compute for themselves.
        """
        full_key = (tick, key)
        with self._lock:
            entry = self._entries.get(full_key)
            if entry is not None:
                self._entries.move_to_end(full_key)
                self.stats.shared += 1
            else:
                flight = self._flights.get(full_key)
                leader = flight is None
                if flight is None:
                    flight = self._flights[full_key] = _Flight()
                else:
                    self.stats.waited += 1
                generation = self._generation
        if entry is not None:  # copied outside the lock: sessions taking figures do not queue
            return copy.deepcopy(entry.value), False
        assert flight is not None  # found or started under the lock when no entry was there
        if not leader:
            flight.done.wait()
            if flight.ok:
                with self._lock:
                    self.stats.shared += 1
                return copy.deepcopy(flight.value), False
            # The computation this call waited for failed: try for itself, as it would without a cache.
            value = compute()
            with self._lock:
                self.stats.computed += 1
            return value, True
        try:
            value = compute()
        except BaseException:
            with self._lock:
                self.stats.failed += 1
                if self._flights.get(full_key) is flight:
                    del self._flights[full_key]
            flight.done.set()
            raise
        flight.value, flight.ok = value, True
        size = size_of(value)
        with self._lock:
            self.stats.computed += 1
            if self._flights.get(full_key) is flight:
                del self._flights[full_key]
            # Computed from data older than a clear (a write meanwhile): given to who asked, not kept.
            if generation == self._generation:
                self._store(full_key, _Entry(value, tick, size))
        flight.done.set()
        return copy.deepcopy(value), True

    def _store(self, key: Hashable, entry: _Entry) -> None:
        """Keep ``entry`` (the lock held), then drop past ticks and the least recently used beyond the bounds."""
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._entries[key] = entry
        self._bytes += entry.size
        for stale in [k for k, e in self._entries.items() if e.tick < entry.tick - 1]:
            self._bytes -= self._entries.pop(stale).size
            self.stats.evicted += 1
        while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= dropped.size
            self.stats.evicted += 1

    def clear(self) -> None:
        """Forget every figure (the data changed underneath): the next caller computes afresh, and a
        computation that began before this is not kept."""
        with self._lock:
            self._entries.clear()
            self._flights.clear()
            self._bytes = 0
            self._generation += 1
            self.stats.cleared += 1


#: The process's one cache, shared by every browser session.
CACHE = FigureCache()


@dataclass
class RunCounts:
    """Queries one page run asked for, how many of them it ran itself (the rest were shared), and the
    time it spent getting their results (running, waiting for another session's, copying)."""

    asked: int = 0
    computed: int = 0
    seconds: float = 0.0
    began: float = field(default_factory=time.perf_counter)


_run = threading.local()


def start_run() -> RunCounts:
    """Start counting the figures of the page run on this thread (each session runs in its own)."""
    counts = RunCounts()
    _run.counts = counts
    return counts


def count(computed: bool, seconds: float) -> None:
    """Count one query of the current run, which took ``seconds`` (nothing when no run is being counted)."""
    counts = getattr(_run, "counts", None)
    if counts is not None:
        counts.asked += 1
        counts.computed += int(computed)
        counts.seconds += seconds
