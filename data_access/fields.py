"""Declaration fields (SPEC §3): one pure normaliser per field kind, the field registry and
:func:`normalize_field`, one cell's stored value or error code. The import applies it column-wise
(:mod:`data_access.importing.normalise`)."""

from __future__ import annotations

import hashlib
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from data_access.domain import PERSONAL_FIELDS
from data_access.text import fold, nfc
from data_access.timeutil import LOCAL_TZ

#: How far past ``now`` a declaration time may lie (clock skew between devices).
FUTURE_TOLERANCE = timedelta(minutes=10)

#: SPEC §3: a supplied declaration id has at most this many characters (more: "invalid").
DECLARATION_ID_MAX = 64
#: A plate's stored form (upper case, no spaces or dots) has at most this many (more: "invalid").
PLATE_MAX = 20

# Longest text a cell may hold for each field, in characters (surrounding blanks aside): a longer
# one is "too_long" (a required field: the row is quarantined; an optional one: stored empty, with
# a warning). No real value comes near them, and the stored columns (VARCHAR on PostgreSQL:
# full_name 200, origin_district 100) are never overrun.
#: a declaration id as typed: 65 to 100 characters is an invalid id, more is too long
DECLARATION_ID_TEXT_MAX = 100
FULL_NAME_MAX = 100
#: checkpoint, origin province, origin and destination district (real names: up to ~30 characters)
PLACE_NAME_MAX = 100
#: a plate as typed, spaces and dots included
PLATE_TEXT_MAX = 30
#: every other field: codes and their aliases, yes/no, numbers, dates (the longest ISO form is 32)
CODE_TEXT_MAX = 50
#: A raw value kept for people to read (quarantined rows, warnings): at most this many characters,
#: then "…". Files are cut to it as they are read (:mod:`data_access.importing.reader`).
RAW_KEEP_CHARS = 200


def clip(text: str, limit: int = RAW_KEEP_CHARS) -> str:
    """``text`` if it has at most ``limit`` characters, else its first ``limit`` and "…" (so that
    clipping a clipped text changes nothing)."""
    return text if len(text) <= limit else text[:limit] + "…"


_EXCEL_EPOCH = datetime(1899, 12, 30)
_DMY = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


class FieldError(ValueError):
    """A value that cannot be normalised; ``code`` is "missing", "invalid", "future" or "too_long"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckpointRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ProvinceRef:
    code: str
    name: str
    kind: str  # "Tỉnh" | "Thành phố"


@dataclass(frozen=True)
class DistrictRef:
    code: str
    name: str
    kind: str  # "Huyện" | "Thành phố"


# Administrative prefixes dropped when matching names (already folded).
_CHECKPOINT_PREFIXES = ("chot", "cau", "benpha", "pha")
_PROVINCE_PREFIXES = ("thanhpho", "tinh", "tp")
_DISTRICT_PREFIXES = ("thanhpho", "huyen", "tp")
# Everyday names that are not the official one: folded alias -> GSO code.
_PROVINCE_ALIASES = {
    "hcm": "79",
    "hochiminh": "79",
    "saigon": "79",
    "hn": "01",
    "hue": "46",
}


def _variants(key: str, prefixes: tuple[str, ...]) -> list[str]:
    """``key`` and the keys left after dropping leading prefixes one at a time."""
    out = [key]
    while True:
        p = next((p for p in prefixes if key.startswith(p) and len(key) > len(p)), None)
        if p is None:
            return out
        key = key[len(p) :]
        out.append(key)


def _index(pairs: Iterable[tuple[str, object]], prefixes: tuple[str, ...]) -> dict[str, object]:
    """Map folded keys, then their prefix-less forms, to values; the first claim of a key wins."""
    pairs = list(pairs)
    out: dict[str, object] = {}
    for key, value in pairs:
        out.setdefault(fold(key), value)
    for key, value in pairs:
        for variant in _variants(fold(key), prefixes):
            out.setdefault(variant, value)
    return out


@dataclass(frozen=True)
class Reference:
    """Reference data the normalisers match against (seeded tables)."""

    checkpoints: tuple[CheckpointRef, ...]
    provinces: tuple[ProvinceRef, ...]
    districts: tuple[DistrictRef, ...]
    _checkpoint_by_key: dict = field(init=False, repr=False, compare=False)
    _province_by_key: dict = field(init=False, repr=False, compare=False)
    _district_by_key: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cps = [(c.code, c.id) for c in self.checkpoints] + [(c.name, c.id) for c in self.checkpoints]
        codes = {p.code for p in self.provinces}
        provs = [(p.name, p.code) for p in self.provinces]
        provs += [(alias, code) for alias, code in _PROVINCE_ALIASES.items() if code in codes]
        dists = [(d.name, d.code) for d in self.districts]
        object.__setattr__(self, "_checkpoint_by_key", _index(cps, _CHECKPOINT_PREFIXES))
        object.__setattr__(self, "_province_by_key", _index(provs, _PROVINCE_PREFIXES))
        object.__setattr__(self, "_district_by_key", _index(dists, _DISTRICT_PREFIXES))


# ---------------------------------------------------------------- helpers


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    try:  # pandas NaT / NA are not equal to themselves
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def _number(value: object) -> int | None:
    """The integer a numeric cell holds (Excel gives 912345678.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _text(value: object) -> str:
    """Cell value as NFC text; whole floats lose their ".0"."""
    if _is_blank(value):
        return ""
    n = _number(value)
    return nfc(str(n if n is not None else value))


def _lookup(value: object, table: Mapping[str, object], prefixes: tuple[str, ...]) -> object:
    text = _text(value)
    if not text:
        raise FieldError("missing")
    for key in _variants(fold(text), prefixes):
        if key in table:
            return table[key]
    raise FieldError("invalid")


def _alias(value: object, aliases: Mapping[str, str]) -> str:
    text = _text(value)
    if not text:
        raise FieldError("missing")
    try:
        return aliases[fold(text)]
    except KeyError:
        raise FieldError("invalid") from None


def _folded_aliases(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {fold(alias): canon for canon, aliases in groups.items() for alias in (canon, *aliases)}


# ---------------------------------------------------------------- normalisers


def _local_to_utc(naive: datetime) -> datetime:
    return naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def _parse_declared_at(value: object) -> datetime:
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return _local_to_utc(value) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return _local_to_utc(datetime.combine(value, time()))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        serial = float(value)
        if not 1 <= serial < 2958466:  # Excel's own range: 1900-01-01 .. 9999-12-31
            raise FieldError("invalid")
        naive = _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))
        return _local_to_utc(naive)
    text = _text(value)
    m = _DMY.fullmatch(text)
    if m:
        day, _, month, year, hh, mm, ss = m.groups()
        if hh is None:
            raise FieldError("invalid")  # a crossing needs a time of day
        try:
            naive = datetime(int(year), int(month), int(day), int(hh), int(mm), int(ss or 0))
        except ValueError:
            raise FieldError("invalid") from None
        return _local_to_utc(naive)
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise FieldError("invalid") from None
        return _local_to_utc(parsed) if parsed.tzinfo is None else parsed.astimezone(UTC)
    raise FieldError("invalid")


def normalize_declared_at(value: object, now: datetime) -> datetime:
    """Declaration time as an aware UTC datetime.

    Accepts ISO 8601 (with or without offset, "Z" included), ``dd/mm/yyyy HH:MM[:SS]`` (or with
    '-'; never mm/dd), datetime/date/pandas Timestamp objects and Excel serial numbers. Values
    without an offset are Asia/Ho_Chi_Minh local time. More than 10 minutes after ``now``
    (aware) raises ``FieldError("future")``.
    """
    if _is_blank(value):
        raise FieldError("missing")
    utc = _parse_declared_at(value)
    if utc > now + FUTURE_TOLERANCE:
        raise FieldError("future")
    return utc


def normalize_checkpoint(value: object, ref: Reference) -> int:
    """Checkpoint id from its code ("TAN_DE", "tan_de") or name in any case, with or without
    diacritics or the "Cầu" prefix ("Cầu Tân Đệ", "tan de")."""
    return _lookup(value, ref._checkpoint_by_key, _CHECKPOINT_PREFIXES)  # type: ignore[return-value]


_DIRECTIONS = _folded_aliases(
    {
        "in": ("vào", "vào tỉnh", "đi vào", "nhập tỉnh"),
        "out": ("ra", "ra tỉnh", "đi ra", "xuất tỉnh"),
    }
)


def normalize_direction(value: object) -> str:
    """ "in" or "out" from in/out, vào/ra, "Vào tỉnh"/"Ra tỉnh" (any case, with or without diacritics)."""
    return _alias(value, _DIRECTIONS)


_CHANNELS = _folded_aliases(
    {
        "paper": ("giấy", "khai giấy", "tờ khai giấy", "khai báo giấy"),
        "vhd": (
            "tokhaiyte",
            "tokhaiyte.vn",
            "Vietnam Health Declaration",
            "khai báo y tế điện tử",
            "QR",
            "QR code",
            "mã QR",
        ),
        "bluezone": (),
        "ncovi": (),
        "other": ("khác",),
    }
)


def normalize_channel(value: object) -> str:
    """Declaration channel: "paper", "vhd", "bluezone", "ncovi" or "other", from codes,
    Vietnamese words and app names ("giấy", "tokhaiyte.vn", "Vietnam Health Declaration", "QR")."""
    return _alias(value, _CHANNELS)


def is_electronic(channel: str) -> bool:
    """True for every channel except paper."""
    return channel != "paper"


_VEHICLES = _folded_aliases(
    {
        "car": ("ô tô", "xe ô tô", "xe con"),
        "motorbike": ("xe máy", "xe mô tô", "mô tô"),
        "truck": ("xe tải", "ô tô tải"),
        "bus": ("xe khách", "xe buýt", "xe bus"),
        "bicycle": ("xe đạp",),
        "pedestrian": ("đi bộ",),
        "other": ("khác",),
    }
)


def normalize_vehicle(value: object) -> str:
    """Vehicle kind (car, motorbike, truck, bus, bicycle, pedestrian, other) from English codes or
    Vietnamese words ("ô tô", "xe máy", "xe tải", "xe khách", "xe đạp", "đi bộ", "khác")."""
    return _alias(value, _VEHICLES)


def normalize_plate(value: object) -> str | None:
    """Plate upper-cased with spaces and dots removed and hyphens kept ("17a-123.45" → "17A-12345");
    None when blank; longer than 20 characters is invalid."""
    text = re.sub(r"[\s.]+", "", _text(value)).upper()
    if not text:
        return None
    if len(text) > PLATE_MAX:
        raise FieldError("invalid")
    return text


def normalize_id_number(value: object) -> str | None:
    """ID card number (CMND 9 digits or CCCD 12 digits), spaces removed; None when blank.

    Text keeps its digits as typed. A number (Excel dropped the leading zeros every CCCD and many
    CMND have) is zero-padded: 8 digits to 9, 10 or 11 digits to 12.
    """
    if _is_blank(value):
        return None
    n = _number(value)
    if n is not None and n >= 0:
        digits = str(n)
        if len(digits) == 8:
            digits = digits.zfill(9)
        elif len(digits) in (10, 11):
            digits = digits.zfill(12)
    else:
        digits = re.sub(r"\s+", "", _text(value))
    if not (digits.isascii() and digits.isdigit() and len(digits) in (9, 12)):
        raise FieldError("invalid")
    return digits


def normalize_phone(value: object) -> str | None:
    """Vietnamese mobile number as "0" + 9 digits, from +84…, 84…, 0… or 9 bare digits, with any
    spaces, dots, hyphens or brackets, or an Excel number; None when blank."""
    if _is_blank(value):
        return None
    n = _number(value)
    text = str(n) if n is not None else _text(value)
    digits = re.sub(r"[\s.\-()]+", "", text)
    for prefix in ("+84", "0084"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    else:
        if len(digits) == 11 and digits.startswith("84"):
            digits = digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        digits = digits[1:]
    if not (digits.isascii() and digits.isdigit() and len(digits) == 9) or digits[0] == "0":
        raise FieldError("invalid")
    return "0" + digits


def normalize_birth_year(value: object, now: datetime) -> int | None:
    """Birth year 1900..(local year of ``now``); None when blank."""
    if _is_blank(value):
        return None
    n = _number(value)
    if n is None:
        text = _text(value)
        if not (text.isascii() and text.isdigit()):
            raise FieldError("invalid")
        n = int(text)
    if not 1900 <= n <= now.astimezone(LOCAL_TZ).year:
        raise FieldError("invalid")
    return n


_GENDERS = _folded_aliases(
    {
        "male": ("nam", "m"),
        "female": ("nữ", "f"),
        "other": ("khác",),
    }
)


def normalize_gender(value: object) -> str | None:
    """ "male", "female" or "other" from nam/nữ/khác, male/female/other or M/F; None when blank."""
    return None if _is_blank(value) else _alias(value, _GENDERS)


def normalize_origin_province(value: object, ref: Reference) -> str:
    """GSO province code from the code ("1" → "01") or the name with or without diacritics and
    "Tỉnh"/"TP"/"Thành phố" prefix, plus everyday names ("HCM", "Sài Gòn", "HN", "Huế")."""
    n = _number(value)
    text = str(n) if n is not None else _text(value)
    if text.isascii() and text.isdigit() and len(text) <= 2:
        code = text.zfill(2)
        if any(p.code == code for p in ref.provinces):
            return code
        raise FieldError("invalid")
    return _lookup(text, ref._province_by_key, _PROVINCE_PREFIXES)  # type: ignore[return-value]


def normalize_destination_district(value: object, ref: Reference) -> str | None:
    """Thái Bình district GSO code from the code or the name with or without "Huyện"/"TP"/
    "Thành phố" prefix; None when blank."""
    if _is_blank(value):
        return None
    n = _number(value)
    text = str(n) if n is not None else _text(value)
    if text.isascii() and text.isdigit():
        code = text.zfill(3)
        if any(d.code == code for d in ref.districts):
            return code
        raise FieldError("invalid")
    return _lookup(text, ref._district_by_key, _DISTRICT_PREFIXES)  # type: ignore[return-value]


def normalize_text(value: object) -> str | None:
    """NFC text with runs of whitespace collapsed to one space; None when blank."""
    text = re.sub(r"\s+", " ", _text(value))
    return text or None


_BOOLEANS = {
    fold(k): v
    for k, v in {
        "yes": True,
        "có": True,
        "c": True,
        "x": True,
        "1": True,
        "true": True,
        "y": True,
        "✓": True,
        "✔": True,
        "no": False,
        "không": False,
        "k": False,
        "0": False,
        "false": False,
        "n": False,
    }.items()
}


def normalize_flag(value: object) -> bool:
    """Yes/no flag: yes/no, có/không, c/k, x, 1/0, true/false, y/n, "✓"; blank means False."""
    if _is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real):
        if value in (0, 1):
            return bool(value)
        raise FieldError("invalid")
    try:
        return _BOOLEANS[fold(_text(value))]
    except KeyError:
        raise FieldError("invalid") from None


def normalize_declaration_id(value: object) -> str | None:
    """Supplied declaration id as NFC text of at most 64 characters; None when blank."""
    text = _text(value)
    if len(text) > DECLARATION_ID_MAX:
        raise FieldError("invalid")
    return text or None


def derive_declaration_id(
    declared_at_utc: datetime,
    checkpoint_id: int,
    direction: str,
    id_number: str | None,
    phone: str | None,
    full_name: str | None,
) -> str:
    """Stable id for a declaration that came without one: "d-" + 32 hex digits of SHA-256 over the
    UTC time (to the second), checkpoint, direction and the first present of id number, phone
    and folded name. Rows alike in all of these get the same id (and count as duplicates)."""
    if id_number:
        person = f"id:{id_number}"
    elif phone:
        person = f"tel:{phone}"
    elif full_name and fold(full_name):
        person = f"name:{fold(full_name)}"
    else:
        person = ""
    stamp = declared_at_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    canonical = "|".join((stamp, str(checkpoint_id), direction, person))
    return "d-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------- registry

Normaliser = Callable[[object, Reference, datetime], object]


@dataclass(frozen=True)
class Field:
    """One declaration field: import name, stored column, Vietnamese header label, and the longest
    text its cell may hold (``max_length``)."""

    name: str
    column: str
    label: str
    required: bool
    pii: bool
    normalise: Normaliser
    max_length: int = CODE_TEXT_MAX


def _f(
    name: str,
    label: str,
    fn: Normaliser,
    *,
    column: str | None = None,
    required: bool = False,
    max_length: int = CODE_TEXT_MAX,
) -> Field:
    return Field(name, column or name, label, required, name in PERSONAL_FIELDS, fn, max_length)


FLAG_FIELDS = (
    ("fever", "Sốt"),
    ("cough", "Ho"),
    ("breathing_difficulty", "Khó thở"),
    ("sore_throat", "Đau họng"),
    ("loss_of_taste_smell", "Mất vị giác/khứu giác"),
    ("contact_f0", "Tiếp xúc F0"),
    ("visited_hotzone", "Đi qua vùng dịch"),
    ("bluezone_installed", "Cài Bluezone"),
    ("used_free_wifi", "Dùng Wi-Fi miễn phí"),
)
FLAG_NAMES = frozenset(name for name, _ in FLAG_FIELDS)

#: SPEC §3 fields in order.
FIELDS: tuple[Field, ...] = (
    _f(
        "declaration_id", "Mã khai báo", lambda v, r, n: normalize_declaration_id(v), max_length=DECLARATION_ID_TEXT_MAX
    ),
    _f("declared_at", "Thời gian khai báo", lambda v, r, n: normalize_declared_at(v, n), required=True),
    _f(
        "checkpoint",
        "Chốt kiểm soát",
        lambda v, r, n: normalize_checkpoint(v, r),
        column="checkpoint_id",
        required=True,
        max_length=PLACE_NAME_MAX,
    ),
    _f("direction", "Hướng", lambda v, r, n: normalize_direction(v), required=True),
    _f("channel", "Hình thức khai báo", lambda v, r, n: normalize_channel(v), required=True),
    _f("vehicle", "Phương tiện", lambda v, r, n: None if _is_blank(v) else normalize_vehicle(v)),
    _f("plate", "Biển số", lambda v, r, n: normalize_plate(v), max_length=PLATE_TEXT_MAX),
    _f("full_name", "Họ và tên", lambda v, r, n: normalize_text(v), max_length=FULL_NAME_MAX),
    _f("id_number", "Số CCCD/CMND", lambda v, r, n: normalize_id_number(v)),
    _f("phone", "Số điện thoại", lambda v, r, n: normalize_phone(v)),
    _f("birth_year", "Năm sinh", lambda v, r, n: normalize_birth_year(v, n)),
    _f("gender", "Giới tính", lambda v, r, n: normalize_gender(v)),
    _f(
        "origin_province",
        "Đi từ tỉnh",
        lambda v, r, n: normalize_origin_province(v, r),
        column="origin_province_code",
        required=True,
        max_length=PLACE_NAME_MAX,
    ),
    _f("origin_district", "Đi từ huyện", lambda v, r, n: normalize_text(v), max_length=PLACE_NAME_MAX),
    _f(
        "destination_district",
        "Nơi đến",
        lambda v, r, n: normalize_destination_district(v, r),
        column="destination_district_code",
        max_length=PLACE_NAME_MAX,
    ),
    *(_f(name, label, lambda v, r, n: normalize_flag(v)) for name, label in FLAG_FIELDS),
)
FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
OUTPUT_COLUMNS: tuple[str, ...] = tuple(f.column for f in FIELDS)
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
PII_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.pii)


def normalize_field(f: Field, value: object, ref: Reference, now: datetime) -> tuple[object, str | None]:
    """One field's stored value and error code (None if it is valid), as the import
    stores it: a field that fails is None (a flag: False). Text longer than the field's
    ``max_length`` (surrounding blanks aside) is "too_long", whatever else it is."""
    if value.__class__ is str and len(value) > f.max_length and len(value.strip()) > f.max_length:
        return (False if f.name in FLAG_NAMES else None), "too_long"
    try:
        return f.normalise(value, ref, now), None
    except FieldError as exc:
        return (False if f.name in FLAG_NAMES else None), exc.code
