"""The import's one normaliser: a chunk of rows (cells as read) becomes the declaration rows the store
takes (:data:`data_access.store.ROW_COLUMNS`), column by column, plus its warnings and quarantined rows.
Each field's value is what its own normaliser (:func:`data_access.fields.normalize_field`) gives for the
cell; :func:`normalize_record` is the same for one row keyed by field name.

A chunk's cells are turned into columns, one per field. Every field's normaliser then runs once per
distinct raw value of the column (a memo kept over the file, capped), except for the fields whose
values differ on almost every row (declaration id, phone, id number, plate): there a value already in
its stored form (a regular expression says so) is kept as it is, and anything else goes through the
field's own normaliser. Derived columns (local day and hour, risk, plate hash) are memoised the same
way. Nothing is computed differently from one cell at a time: only fewer times.

CSV cells are text; XLSX cells are typed (numbers, dates, booleans), and their memos are keyed by type
and value, since ``True == 1 == 1.0`` for a dict but not for the normalisers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..domain import SYMPTOMS
from ..fields import DECLARATION_ID_MAX, FIELDS, Field, Reference, clip, derive_declaration_id, normalize_field
from ..memo import Memo
from ..risk import HotZoneIndex, classify
from ..store import ROW_COLUMNS, plate_hash
from ..timeutil import local_day_hour, to_store

#: (field, error code, the cell as text) of a row, by row index in its chunk
Issues = dict[int, list[tuple[str, str, str]]]

#: Raw values that are already their normalised value, per field (ASCII only, so NFC and case
#: folding cannot change them): the normaliser would return them unchanged.
_AS_STORED: dict[str, Callable[[str], object]] = {
    "phone": re.compile(r"0[1-9][0-9]{8}").fullmatch,  # 0 + 9 digits not starting with 0
    "id_number": re.compile(r"[0-9]{9}|[0-9]{12}").fullmatch,  # CMND or CCCD digits
    "plate": re.compile(r"[0-9A-Z-]{1,20}").fullmatch,  # no space or dot, upper case
    # ASCII (so NFC) without surrounding spaces (nfc() strips them), not too long
    "declaration_id": lambda text: text.isascii() and 0 < len(text) <= DECLARATION_ID_MAX and text == text.strip(),
}


def _nfc(value: object) -> object:
    """A cell NFC-normalised (text) or as it is (a typed XLSX cell)."""
    if value.__class__ is not str or value.isascii():
        return value
    return unicodedata.normalize("NFC", value)


def _present(value: object) -> object:
    """A cell as the normalisers take it: None when blank."""
    if value is None or (value.__class__ is str and not value.strip()):
        return None
    return value


def _shown(value: object) -> str:
    """A failing cell as kept with its issue: text, clipped (dates in ISO form)."""
    value = _present(_nfc(value))
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return clip(str(value))


def _typed_key(value: object) -> tuple[type, object]:
    return (value.__class__, value)


class ColumnPreparer:
    """Normalises and prepares chunks of rows (cells as read, text not yet NFC-normalised) column-wise.

    ``columns`` maps column index to field name (:attr:`TableReader.columns`); ``typed`` says the cells
    may be other than text (XLSX). :meth:`prepare` gives the rows :func:`store.prepare_row` would make
    of each row's normalised values. Memory: every memo is dropped when it grows past ``memo_limit``
    entries.
    """

    def __init__(
        self,
        columns: dict[int, str],
        ref: Reference,
        zones: HotZoneIndex,
        now: dt.datetime,
        memo_limit: int = 50_000,
        *,
        typed: bool = False,
    ) -> None:
        self.ref, self.zones, self.now, self.memo_limit, self.typed = ref, zones, now, memo_limit, typed
        self.by_field: dict[str, list[int]] = {}
        for index, name in sorted(columns.items()):
            self.by_field.setdefault(name, []).append(index)
        self.width = max(columns, default=-1) + 1
        self._failures: dict[str, dict] = {f.name: {} for f in FIELDS}  # raw cell -> error code, per field
        self._memo = {f.name: Memo(self._normaliser(f)) for f in FIELDS if f.name not in _AS_STORED}
        self._local_hours = Memo(local_day_hour)  # naive UTC hour -> (local day, local hour)
        self._times = Memo(self._store_times)
        self._hashes = Memo(plate_hash)
        self._risks = Memo(self._risk)

    def _normaliser(self, f: Field) -> Callable[[object], object]:
        """cell (or its typed key) -> stored value of field ``f``, recording the failing ones in
        ``_failures`` under the same key."""
        failures, ref, now, typed = self._failures[f.name], self.ref, self.now, self.typed

        def normalise(key: object) -> object:
            cell = key[1] if typed else key  # type: ignore[index]
            value, code = normalize_field(f, _present(_nfc(cell)), ref, now)
            if code is not None and (f.required or code != "missing"):
                failures[key] = code
            return value

        return normalise

    # -- columns

    def _raw_column(self, name: str, columns: list, n: int) -> Sequence[object]:
        """The field's cells (with two columns, the first non-blank; None for a field not in the file)."""
        indexes = self.by_field.get(name)
        if not indexes:
            return [None] * n
        if len(indexes) == 1:
            return columns[indexes[0]]
        out = [_present(c) for c in columns[indexes[0]]]
        for i in indexes[1:]:
            out = [a if a is not None else _present(c) for a, c in zip(out, columns[i], strict=False)]
        return out

    def _normalise(self, f: Field, raw: Sequence[object]) -> list:
        """The stored values of one field's cells (the failing ones recorded in ``_failures``)."""
        keys: Sequence[object] = list(map(_typed_key, raw)) if self.typed else raw
        as_stored = _AS_STORED.get(f.name)
        if as_stored is None:
            memo = self._memo[f.name]
            if len(memo) > self.memo_limit:
                memo.clear()
                self._failures[f.name].clear()
            return list(map(memo.__getitem__, keys))
        values: list[object] = list(raw)
        normalise = self._normaliser(f)
        optional = not f.required
        for i, cell in enumerate(raw):
            if cell.__class__ is not str or not as_stored(cell):
                # a blank optional cell is None (and no issue) without the normaliser's round trip
                values[i] = None if optional and _present(cell) is None else normalise(keys[i])
        return values

    # -- chunk

    def prepare(self, cells: Sequence[list], received: dt.datetime) -> tuple[list[list], Issues, Issues]:
        """Normalise and prepare one chunk of rows.

        Returns ``(columns, warnings, errors)``: the prepared columns (in :data:`ROW_COLUMNS` order,
        one value per row; a row with errors has meaningless values); row index -> [(field, code,
        raw)] of the warnings of good rows; row index -> [(field, code, raw)] of the errors of
        quarantined rows.
        """
        values, warnings, errors = self.normalise(cells)
        return self._columns(values, received, len(cells)), warnings, errors

    def normalise(self, cells: Sequence[list]) -> tuple[dict[str, list], Issues, Issues]:
        """The stored value of every field of one chunk of rows: column name -> values, and the
        warnings and errors as :meth:`prepare` gives them."""
        n = len(cells)
        width = self.width
        padded = [r if len(r) >= width else r + [""] * (width - len(r)) for r in cells]
        # Cells are NFC-normalised where they are normalised (once per distinct value) rather than
        # column by column here: checking whole columns of Vietnamese text cost a tenth of the worker.
        columns = list(zip(*padded, strict=False))[:width] if n else []
        values: dict[str, list] = {}
        issues: dict[int, list] = {}
        for f in FIELDS:
            raw = self._raw_column(f.name, columns, n)
            if f.name in _AS_STORED:
                self._failures[f.name].clear()  # not memoised: only this chunk's failures count
            values[f.column] = self._normalise(f, raw)
            failures = self._failures[f.name]
            if failures:
                for i, cell in enumerate(raw):
                    code = failures.get(_typed_key(cell) if self.typed else cell)
                    if code is not None:
                        issues.setdefault(i, []).append((f.name, code, _shown(cell), f.required))
        errors = {
            i: [(name, code, text) for name, code, text, required in found if required]
            for i, found in issues.items()
            if any(r for *_, r in found)
        }
        warnings = {
            i: [(name, code, text) for name, code, text, _ in found] for i, found in issues.items() if i not in errors
        }
        self._derive_ids(values)
        return values, warnings, errors

    @staticmethod
    def _derive_ids(values: dict[str, list]) -> None:
        """Derive the declaration id of the rows that came without one, from their time, checkpoint,
        direction and person (a row without the first three has errors, and no id)."""
        ids = values["declaration_id"]
        times, checkpoints, directions = values["declared_at"], values["checkpoint_id"], values["direction"]
        for i, decl_id in enumerate(ids):
            if decl_id is None and times[i] is not None and checkpoints[i] is not None and directions[i] is not None:
                ids[i] = derive_declaration_id(
                    values["declared_at"][i],
                    values["checkpoint_id"][i],
                    values["direction"][i],
                    values["id_number"][i],
                    values["phone"][i],
                    values["full_name"][i],
                )

    def _columns(self, values: dict[str, list], received: dt.datetime, n: int) -> list[list]:
        """The columns of the rows :func:`store.prepare_row` would make, in :data:`ROW_COLUMNS` order (flags
        are bools already: a flag that fails is False)."""
        for memo in (self._times, self._local_hours, self._hashes, self._risks):
            if len(memo) > self.memo_limit:
                memo.clear()
        cols = dict(values)
        times = list(map(self._times.__getitem__, values["declared_at"]))
        cols["declared_at"], cols["local_day"], cols["local_hour"] = (
            (list(c) for c in zip(*times, strict=False)) if n else ([], [], [])
        )
        cols["plate_hash"] = list(map(self._hashes.__getitem__, values["plate"]))
        cols["received_at"] = [received] * n
        risks = list(
            map(
                self._risks.__getitem__,
                zip(
                    cols["origin_province_code"],
                    cols["origin_district"],
                    cols["local_day"],
                    cols["contact_f0"],
                    map(any, zip(*(cols[s] for s in SYMPTOMS), strict=False)),
                    cols["visited_hotzone"],
                    strict=False,
                ),
            )
        )
        cols["origin_in_hotzone"], cols["risk_level"], cols["risk_reason"] = (
            (list(c) for c in zip(*risks, strict=False)) if n else ([], [], [])
        )
        return [cols[c] for c in ROW_COLUMNS]

    def _store_times(self, utc: dt.datetime | None) -> tuple:
        """(declared_at as stored, local day, local hour) of an aware UTC time, as
        :func:`store.prepare_row`; the local day and hour looked up once per UTC hour (a local hour
        is one UTC hour: the rollups rest on it too)."""
        if utc is None:
            return (None, None, None)  # a quarantined row
        stored = to_store(utc)
        return (stored, *self._local_hours[stored.replace(minute=0, second=0, microsecond=0)])

    def _risk(self, key: tuple) -> tuple[bool, str | None, str | None]:
        """(origin_in_hotzone, risk_level, risk_reason) as :func:`risk.assess`, for
        (province, district, local day, contact_f0, any symptom, visited_hotzone)."""
        province, district, day, contact_f0, any_symptom, visited = key
        if province is None or day is None:
            return (False, None, None)  # a quarantined row: never stored
        in_zone = self.zones.match(str(province), district, day) is not None
        level, reason = classify(
            contact_f0=contact_f0, any_symptom=any_symptom, visited_hotzone=visited, origin_in_hotzone=in_zone
        )
        return (in_zone, level, reason)


class Issue(NamedTuple):
    """A field that could not be normalised: its name, the error code and the cell as text."""

    field: str
    code: str
    raw: str


@dataclass
class NormalizedRecord:
    """One row's stored values (by column), and its errors (it is quarantined) and warnings as
    (field, code, the cell as text)."""

    values: dict[str, object]
    errors: list[Issue]
    warnings: list[Issue]

    @property
    def ok(self) -> bool:
        """Whether the row is stored (it has no error)."""
        return not self.errors


def normalize_record(raw: Mapping[str, object], ref: Reference, now: dt.datetime) -> NormalizedRecord:
    """Normalise one row keyed by field name (cells as read, typed or text): :class:`ColumnPreparer`
    on a chunk of one row.

    A required field missing or invalid is an error; an optional one that is invalid is a warning and
    stored as None (booleans: False). Without a usable declaration_id one is derived, which needs
    declared_at, checkpoint and direction (else it stays None, and the row has errors).
    """
    names = [f.name for f in FIELDS]
    preparer = ColumnPreparer(dict(enumerate(names)), ref, HotZoneIndex(()), now, typed=True)
    values, warnings, errors = preparer.normalise([[raw.get(name) for name in names]])
    return NormalizedRecord(
        {column: found[0] for column, found in values.items()},
        [Issue(*issue) for issue in errors.get(0, [])],
        [Issue(*issue) for issue in warnings.get(0, [])],
    )
