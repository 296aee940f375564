"""The store's tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them.

Conventions: timestamps are naive UTC ``DateTime`` values on every backend; ``local_day`` and
``local_hour`` are the declaration's day and hour in Asia/Ho_Chi_Minh, stored so that grouping by
the local day needs no time-zone function in SQL (Vietnam has no daylight saving, so a local hour is
always one UTC hour).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    not_,
    or_,
    text,
    true,
)

from ..domain import (
    CHANNELS,
    FLAGS,
    FOLLOW_UP_STATUSES,
    OPTIONAL_FIELDS,
    RISK_LEVELS,
    ROLES,
    SYMPTOMS,
    VEHICLES,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("road", String(200)),
    Column("links", String(200)),
    Column("district_code", String(3)),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("wifi_opened_on", Date, comment="local date the free Wi-Fi opened; null = none"),
    Column("active", Boolean, nullable=False, server_default=true()),
)

provinces = Table(
    "provinces",
    metadata,
    Column("code", String(2), primary_key=True),
    Column("name", String(80), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)

districts = Table(
    "districts",
    metadata,
    Column("code", String(3), primary_key=True),
    Column("province_code", String(2), ForeignKey("provinces.code"), nullable=False),
    Column("name", String(80), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
)

hot_zones = Table(
    "hot_zones",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("province_code", String(2), ForeignKey("provinces.code"), nullable=False),
    Column("district_name", String(100), comment="null = the whole province"),
    Column("label", String(100), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, comment="inclusive; null = still active"),
    Column("created_by", String(100), nullable=False, server_default="system"),
    Column("created_at", DateTime, nullable=False),
)

hot_zone_changes = Table(
    "hot_zone_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("changed_at", DateTime, nullable=False),
    Column("changed_by", String(100), nullable=False),
    Column("action", String(10), nullable=False),
    Column("zone_id", Integer),
    Column("before", JSON),
    Column("after", JSON),
    Column("reclassified", Integer, nullable=False, server_default="0"),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False, comment="seed | feed | import"),
    Column("file_name", String(255)),
    Column("checksum", String(64)),
    Column("created_by", String(100), nullable=False, server_default="system"),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(10), nullable=False, server_default="running"),
    Column("rows_in", Integer, nullable=False, server_default="0"),
    Column("accepted", Integer, nullable=False, server_default="0"),
    Column("duplicates", Integer, nullable=False, server_default="0"),
    Column("quarantined", Integer, nullable=False, server_default="0"),
    Column("warnings", Integer, nullable=False, server_default="0"),
    Column("last_line", Integer, nullable=False, server_default="0", comment="last source line committed"),
    Index(None, "checksum"),
)

#: The foreign keys of declarations that a PostgreSQL store checks with triggers instead of constraints
#: (migration 0007): a constraint looked up and locked the checkpoint, province and batch of every imported
#: row, the triggers do it once per statement for the few distinct ones. Same guarantee; SQLite keeps the
#: constraints, and the model declares them for both (joins, and what a declaration refers to).
TRIGGER_CHECKED_FOREIGN_KEYS = frozenset(
    {
        "fk_declarations_checkpoint_id_checkpoints",
        "fk_declarations_origin_province_code_provinces",
        "fk_declarations_batch_id_import_batches",
    }
)

declarations = Table(
    "declarations",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("declaration_id", String(64), nullable=False, unique=True),
    Column("declared_at", DateTime, nullable=False, comment="UTC"),
    Column("local_day", Date, nullable=False),
    Column("local_hour", SmallInteger, nullable=False),
    Column("checkpoint_id", Integer, ForeignKey("checkpoints.id"), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("vehicle", String(12)),
    Column("plate", String(20)),
    Column("plate_hash", String(16), comment="hash of plate, for distinct-vehicle aggregates"),
    Column("full_name", String(200)),
    Column("id_number", String(12)),
    Column("phone", String(10)),
    Column("birth_year", SmallInteger),
    Column("gender", String(6)),
    Column("origin_province_code", String(2), ForeignKey("provinces.code"), nullable=False),
    Column("origin_district", String(100)),
    Column("destination_district_code", String(3)),
    *(Column(name, Boolean, nullable=False, server_default=false()) for name in SYMPTOMS + FLAGS),
    Column("origin_in_hotzone", Boolean, nullable=False, server_default=false()),
    Column("risk_level", String(6), nullable=False),
    Column("risk_reason", String(24)),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("received_at", DateTime, nullable=False),
    # Every index costs each imported row a B-tree insert (1M rows at 50k rows/s, docs/PERFORMANCE.md), so only
    # those the figures and the hot-zone re-classification read are kept.
    # The seconds at a window's edges are counted from the rows through this index. It also holds the
    # columns of the origin measures, so an origin count of a partial hour reads the index alone.
    Index(
        "ix_declarations_declared_at_origin",
        "declared_at",
        "direction",
        "checkpoint_id",
        "origin_province_code",
        "risk_level",
        "origin_in_hotzone",
    ),
    Index(None, "checkpoint_id", "declared_at"),
    Index(None, "origin_province_code", "local_day"),
    # The health officers' follow-up list: high-risk declarations newest first (a few per cent of the rows,
    # so cheap for the import). Queries must say risk_level = 'high' as a literal for SQLite to use it.
    Index(
        "ix_declarations_high_risk",
        "declared_at",
        sqlite_where=text("risk_level = 'high'"),
        postgresql_where=text("risk_level = 'high'"),
    ),
)

quarantined_rows = Table(
    "quarantined_rows",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("reasons", JSON, nullable=False, comment="[{field, code, raw}]"),
    Column("raw", JSON, nullable=False, comment="the row as read, header -> text"),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("batch_id", "line_number"),
)

import_warnings = Table(
    "import_warnings",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("declaration_id", String(64), nullable=False),
    Column("field", String(40), nullable=False),
    Column("code", String(20), nullable=False),
    Column("raw_value", Text),
    Index(None, "batch_id"),
    Index(None, "field"),
)

duplicate_rows = Table(
    "duplicate_rows",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("declaration_id", String(64), nullable=False),
    UniqueConstraint("batch_id", "line_number"),
)

# Who may sign in to the dashboard (SPEC §6). Passwords only as argon2id hashes.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(50), nullable=False, unique=True, comment="lower case, [a-z0-9._-], 3-50"),
    Column("display_name", String(200)),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False, comment="argon2id (argon2-cffi)"),
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("changed_at", DateTime),
    Column("changed_by", String(100)),
    CheckConstraint("role IN ({})".format(", ".join(f"'{r}'" for r in ROLES)), name="role"),
)

sign_in_sessions = Table(
    "sign_in_sessions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True, comment="sha256 hex of the cookie's token"),
    Column("username", String(50), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("ended_at", DateTime, comment="null while the session is open"),
    # Ending a person's open sessions when the account is disabled or its password reset.
    Index(None, "username", "ended_at"),
)

# Append-only for the application: triggers (migration 0005) refuse UPDATE and DELETE on both backends,
# and on PostgreSQL the writers' role is granted INSERT and SELECT only (README).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, comment="UTC"),
    Column("username", String(100), comment="who; for a failed sign-in the name typed"),
    Column("action", String(40), nullable=False),
    Column("page", String(100)),
    Column("details", JSON),
    Column("rows", Integer, comment="how many rows were viewed or exported, when that applies"),
    Index(None, "at"),
    Index(None, "username", "at"),
    Index(None, "action", "at"),
)

# Every change is a row: the history is all rows of a declaration, its current status the latest.
follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column(
        "declaration_id", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("declarations.id"), nullable=False
    ),
    Column("status", String(20), nullable=False),
    Column("note", String(500)),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", DateTime, nullable=False, comment="UTC"),
    CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in FOLLOW_UP_STATUSES)), name="status"),
    Index(None, "declaration_id", "changed_at"),
)

# --- Aggregates -------------------------------------------------------------------------------
# Each measure is a predicate over one declaration; the hourly rollup keeps, per local hour,
# checkpoint and direction, how many declarations satisfy it. Dashboard figures are sums of these
# columns, so they cost a few hundred rows whatever the size of the declarations table.
_d = declarations.c
_any_symptom = or_(*(_d[name] for name in SYMPTOMS))

MEASURES = {
    "crossings": true(),
    "electronic": _d.channel != "paper",
    **{f"channel_{c}": _d.channel == c for c in CHANNELS},
    **{f"vehicle_{v}": _d.vehicle == v for v in VEHICLES},
    "vehicle_unknown": _d.vehicle.is_(None),
    **{f"risk_{level}": _d.risk_level == level for level in RISK_LEVELS},
    # Reasons of high risk, each counted on its own (one traveller can have several).
    "reason_contact_f0": _d.contact_f0,
    "reason_hotzone_origin": _d.origin_in_hotzone,
    "reason_symptom_travel": and_(_any_symptom, _d.visited_hotzone),
    "any_symptom": _any_symptom,
    **{name: _d[name] for name in SYMPTOMS},
    "contact_f0": _d.contact_f0,
    "visited_hotzone": _d.visited_hotzone,
    "bluezone_installed": _d.bluezone_installed,
    "free_wifi": _d.used_free_wifi,
    "no_symptom": not_(_any_symptom),
}

ROLLUP_KEYS = ("local_day", "local_hour", "checkpoint_id", "direction")

crossing_hourly = Table(
    "crossing_hourly",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("local_hour", SmallInteger, primary_key=True),
    Column("checkpoint_id", Integer, ForeignKey("checkpoints.id"), primary_key=True),
    Column("direction", String(3), primary_key=True),
    *(Column(f"n_{name}", Integer, nullable=False, server_default="0") for name in MEASURES),
)

# The minutes of a window's partial edge hours: a whole hour of rows is thousands at busy hours, its
# minutes a few hundred rollup rows whatever the traffic. local_minute is the minute of declared_at
# (the same in UTC and in local time: Vietnam's offset is whole hours).
MINUTE_KEYS = ("local_day", "local_hour", "local_minute", "checkpoint_id", "direction")

crossing_minutely = Table(
    "crossing_minutely",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("local_hour", SmallInteger, primary_key=True),
    Column("local_minute", SmallInteger, primary_key=True),
    Column("checkpoint_id", Integer, ForeignKey("checkpoints.id"), primary_key=True),
    Column("direction", String(3), primary_key=True),
    *(Column(f"n_{name}", Integer, nullable=False, server_default="0") for name in MEASURES),
)

# Whole days of crossings: ranges of weeks, months or the years since a Wi-Fi opened, read as a row per
# day, checkpoint and direction instead of one per hour.
DAILY_KEYS = ("local_day", "checkpoint_id", "direction")

crossing_daily = Table(
    "crossing_daily",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("checkpoint_id", Integer, ForeignKey("checkpoints.id"), primary_key=True),
    Column("direction", String(3), primary_key=True),
    *(Column(f"n_{name}", Integer, nullable=False, server_default="0") for name in MEASURES),
)

ORIGIN_KEYS = ROLLUP_KEYS + ("origin_province_code",)
ORIGIN_MEASURES = {"crossings": true(), "risk_high": _d.risk_level == "high", "origin_in_hotzone": _d.origin_in_hotzone}

origin_hourly = Table(
    "origin_hourly",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("local_hour", SmallInteger, primary_key=True),
    Column("checkpoint_id", Integer, ForeignKey("checkpoints.id"), primary_key=True),
    Column("direction", String(3), primary_key=True),
    Column("origin_province_code", String(2), ForeignKey("provinces.code"), primary_key=True),
    *(Column(f"n_{name}", Integer, nullable=False, server_default="0") for name in ORIGIN_MEASURES),
)

# Whole days of origins: a day of origin_hourly holds a row per hour, checkpoint, direction and
# province seen, thousands at busy times; a day here at most a row per checkpoint, direction and province.
ORIGIN_DAILY_KEYS = ("local_day", "checkpoint_id", "direction", "origin_province_code")

origin_daily = Table(
    "origin_daily",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("checkpoint_id", Integer, ForeignKey("checkpoints.id"), primary_key=True),
    Column("direction", String(3), primary_key=True),
    Column("origin_province_code", String(2), ForeignKey("provinces.code"), primary_key=True),
    *(Column(f"n_{name}", Integer, nullable=False, server_default="0") for name in ORIGIN_MEASURES),
)

# Distinct vehicles per day, for any choice of checkpoints and directions. A distinct count does not
# add up over groups, so each plate seen on a day keeps the set of (checkpoint, direction) it crossed
# at, as bits (plate_days.crossed; bit 2 * (checkpoint_id - 1) for "in", the next one for "out"), and
# vehicle_daily counts the plates of each day per such set. The vehicles at some checkpoints and
# directions are then the plates whose set meets theirs: a sum over a few dozen rows a day.
plate_days = Table(
    "plate_days",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("plate_hash", String(16), primary_key=True),
    Column("crossed", BigInteger, nullable=False, comment="bits of the (checkpoint, direction) pairs crossed"),
    # one B-tree keyed by (day, plate): every write looks its plates up and upserts them
    sqlite_with_rowid=False,
)

vehicle_daily = Table(
    "vehicle_daily",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("crossed", BigInteger, primary_key=True, comment="a set of (checkpoint, direction) pairs, as bits"),
    Column("vehicles", Integer, nullable=False, comment="plates of the day that crossed at exactly these pairs"),
)

#: The highest checkpoint id the vehicle bits can hold (two bits per checkpoint in a signed 64-bit integer).
MAX_VEHICLE_CHECKPOINT_ID = 31


QUALITY_KEYS = ("local_day", "checkpoint_id", "channel")
QUALITY_MEASURES = {"crossings": true(), **{f"filled_{f}": _d[f].is_not(None) for f in OPTIONAL_FIELDS}}
quality_daily = Table(
    "quality_daily",
    metadata,
    Column("local_day", Date, primary_key=True),
    Column("checkpoint_id", Integer, ForeignKey("checkpoints.id"), primary_key=True),
    Column("channel", String(10), primary_key=True),
    *(Column(f"n_{name}", Integer, nullable=False, server_default="0") for name in QUALITY_MEASURES),
)


def compared_with_store(dialect: str) -> Callable[..., bool]:
    """alembic's ``include_object`` for comparing this model with a store on ``dialect`` (autogenerate,
    the schema tests): every object, but on PostgreSQL not the foreign keys its triggers check instead
    (:data:`TRIGGER_CHECKED_FOREIGN_KEYS`)."""

    def include(_obj, name, type_, _reflected, _compare_to) -> bool:
        return not (
            dialect == "postgresql" and type_ == "foreign_key_constraint" and name in TRIGGER_CHECKED_FOREIGN_KEYS
        )

    return include
