"""Column-wise preparation of CSV import chunks: the same stored rows, quarantined rows and
warnings as :class:`data_access.fields.RecordNormalizer` + :func:`data_access.store.prepare_row` row by
row, at a fraction of the cost.

A chunk's cells are turned into columns, one per field. Every field's normaliser then runs once per
distinct raw value of the column (a memo kept over the file, capped), except for the fields whose
values differ on almost every row (declaration id, phone, id number, plate): there a value already in
its stored form (a regular expression says so) is kept as it is, and anything else goes through the
field's own normaliser. Derived columns (local day and hour, risk, plate hash) are memoised the same
way. Nothing is computed differently from the row path: only fewer times.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence

from .fields import DECLARATION_ID_MAX, FIELDS, Field, Reference, clip, derive_declaration_id, normalize_field
from .risk import HotZoneIndex, classify
from .schema import SYMPTOMS
from .store import ROW_COLUMNS, Memo, plate_hash
from .timeutil import local_day_hour, to_store

#: Raw values that are already their normalised value, per field (ASCII only, so NFC and case
#: folding cannot change them): the normaliser would return them unchanged.
_AS_STORED: dict[str, Callable[[str], object]] = {
    "phone": re.compile(r"0[1-9][0-9]{8}").fullmatch,  # 0 + 9 digits not starting with 0
    "id_number": re.compile(r"[0-9]{9}|[0-9]{12}").fullmatch,  # CMND or CCCD digits
    "plate": re.compile(r"[0-9A-Z-]{1,20}").fullmatch,  # no space or dot, upper case
    # ASCII (so NFC) without surrounding spaces (nfc() strips them), not too long
    "declaration_id": lambda text: text.isascii() and 0 < len(text) <= DECLARATION_ID_MAX and text == text.strip(),
}


def _nfc(text: str | None) -> str | None:
    """A cell NFC-normalised, as the row path reads every cell."""
    return text if text is None or text.isascii() else unicodedata.normalize("NFC", text)


def _cell(text: str | None) -> str | None:
    """A CSV cell as the row path hands it to the normalisers: None when blank."""
    return text if text is not None and text.strip() else None


class ColumnPreparer:
    """Normalises and prepares chunks of CSV rows (cells as read, not NFC-normalised) column-wise.

    ``columns`` maps column index to field name (:attr:`TableReader.columns`). The result of
    :meth:`prepare` is exactly what ``RecordNormalizer`` + ``prepare_row`` give row by row.
    Memory: every memo is dropped when it grows past ``memo_limit`` entries.
    """

    def __init__(
        self, columns: dict[int, str], ref: Reference, zones: HotZoneIndex, now: dt.datetime, memo_limit: int = 50_000
    ) -> None:
        self.ref, self.zones, self.now, self.memo_limit = ref, zones, now, memo_limit
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

    def _normaliser(self, f: Field) -> Callable[[str | None], object]:
        """raw cell -> stored value of field ``f``, recording the cells that fail in ``_failures``."""
        failures, ref, now = self._failures[f.name], self.ref, self.now

        def normalise(text: str | None) -> object:
            value, code = normalize_field(f, _cell(_nfc(text)), ref, now)
            if code is not None and (f.required or code != "missing"):
                failures[text] = code
            return value

        return normalise

    # -- columns

    def _raw_column(self, name: str, columns: list, n: int) -> Sequence[str | None]:
        """The field's cells (with two columns, the first non-blank; None for a field not in the file)."""
        indexes = self.by_field.get(name)
        if not indexes:
            return [None] * n
        if len(indexes) == 1:
            return columns[indexes[0]]
        out = [_cell(c) for c in columns[indexes[0]]]
        for i in indexes[1:]:
            out = [a if a is not None else _cell(c) for a, c in zip(out, columns[i], strict=False)]
        return out

    def _normalise(self, f: Field, raw: Sequence[str | None]) -> list:
        """The stored values of one field's cells (the failing ones recorded in ``_failures``)."""
        as_stored = _AS_STORED.get(f.name)
        if as_stored is None:
            memo = self._memo[f.name]
            if len(memo) > self.memo_limit:
                memo.clear()
                self._failures[f.name].clear()
            return list(map(memo.__getitem__, raw))
        values: list[object] = list(raw)
        normalise = self._normaliser(f)
        optional = not f.required
        for i, text in enumerate(raw):
            if text is None or not as_stored(text):
                # a blank optional cell is None (and no issue) without the normaliser's round trip
                values[i] = None if optional and _cell(text) is None else normalise(text)
        return values

    # -- chunk

    def prepare(self, cells: Sequence[list], received: dt.datetime):
        """Normalise and prepare one chunk of rows.

        Returns ``(columns, warnings, errors)``: the prepared columns (in :data:`ROW_COLUMNS` order,
        one value per row; a row with errors has meaningless values); row index -> [(field, code,
        raw)] of the warnings of good rows; row index -> [(field, code, raw)] of the errors of
        quarantined rows.
        """
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
                for i, text in enumerate(raw):
                    code = failures.get(text)
                    if code is not None:
                        issues.setdefault(i, []).append((f.name, code, clip(_nfc(_cell(text)) or ""), f.required))
        errors = {
            i: [(name, code, text) for name, code, text, required in found if required]
            for i, found in issues.items()
            if any(r for *_, r in found)
        }
        warnings = {
            i: [(name, code, text) for name, code, text, _ in found] for i, found in issues.items() if i not in errors
        }
        self._derive_ids(values, errors)
        return self._columns(values, received, n), warnings, errors

    def _derive_ids(self, values: dict[str, list], errors: dict) -> None:
        """Derive the declaration id of the good rows that came without one (as normalize_record)."""
        ids = values["declaration_id"]
        for i, decl_id in enumerate(ids):
            if decl_id is None and i not in errors:
                ids[i] = derive_declaration_id(
                    values["declared_at"][i],
                    values["checkpoint_id"][i],
                    values["direction"][i],
                    values["id_number"][i],
                    values["phone"][i],
                    values["full_name"][i],
                )

    def _columns(self, values: dict[str, list], received: dt.datetime, n: int) -> list[list]:
        """The columns of the rows :func:`store.prepare_row` makes, in :data:`ROW_COLUMNS` order (flags
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
