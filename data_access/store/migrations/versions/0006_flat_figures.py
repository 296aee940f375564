"""minute and daily rollups, distinct vehicles per set of checkpoints, a covering declared_at index

Figures stay as fast on years of busy data as on a week of quiet data (docs/PERFORMANCE.md, "Flat to
10M declarations"):
- crossing_minutely: the partial hours at a window's edges are summed by the minute; only the
  seconds before the first whole minute and after the last are counted from the rows.
- crossing_daily, origin_daily: whole days of crossings and origins without a row per hour.
- plate_days + vehicle_daily: distinct vehicles per day for any checkpoints and directions from a
  few dozen rows a day, replacing the partial index the per-day distinct counts read
  (ix_declarations_plates), whose cost grew with the traffic.
- the declared_at index also holds the columns of the origin measures, so the partial hour of
  today's origins is read from the index alone.

The new tables are filled from the stored declarations with the rollups' own definitions
(data_access.store.rollup), as the writers fill them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MEASURES = (
    "crossings", "electronic", "channel_paper", "channel_vhd", "channel_bluezone", "channel_ncovi",
    "channel_other", "vehicle_car", "vehicle_motorbike", "vehicle_truck", "vehicle_bus", "vehicle_bicycle",
    "vehicle_pedestrian", "vehicle_other", "vehicle_unknown", "risk_high", "risk_medium", "risk_low",
    "reason_contact_f0", "reason_hotzone_origin", "reason_symptom_travel", "any_symptom", "fever", "cough",
    "breathing_difficulty", "sore_throat", "loss_of_taste_smell", "contact_f0", "visited_hotzone",
    "bluezone_installed", "free_wifi", "no_symptom",
)  # fmt: skip
ORIGIN_MEASURES = ("crossings", "risk_high", "origin_in_hotzone")
_PLATED = sa.text("plate_hash IS NOT NULL")


def _counts(names):
    return [sa.Column(f"n_{name}", sa.Integer(), server_default="0", nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        "crossing_minutely",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("local_hour", sa.SmallInteger(), nullable=False),
        sa.Column("local_minute", sa.SmallInteger(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        *_counts(MEASURES),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name="fk_crossing_minutely_checkpoint_id_checkpoints"
        ),
        sa.PrimaryKeyConstraint(
            "local_day", "local_hour", "local_minute", "checkpoint_id", "direction", name="pk_crossing_minutely"
        ),
    )
    op.create_table(
        "crossing_daily",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        *_counts(MEASURES),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name="fk_crossing_daily_checkpoint_id_checkpoints"
        ),
        sa.PrimaryKeyConstraint("local_day", "checkpoint_id", "direction", name="pk_crossing_daily"),
    )
    op.create_table(
        "origin_daily",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("origin_province_code", sa.String(length=2), nullable=False),
        *_counts(ORIGIN_MEASURES),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name="fk_origin_daily_checkpoint_id_checkpoints"
        ),
        sa.ForeignKeyConstraint(
            ["origin_province_code"], ["provinces.code"], name="fk_origin_daily_origin_province_code_provinces"
        ),
        sa.PrimaryKeyConstraint(
            "local_day", "checkpoint_id", "direction", "origin_province_code", name="pk_origin_daily"
        ),
    )
    op.create_table(
        "plate_days",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("plate_hash", sa.String(length=16), nullable=False),
        sa.Column(
            "crossed", sa.BigInteger(), nullable=False, comment="bits of the (checkpoint, direction) pairs crossed"
        ),
        sa.PrimaryKeyConstraint("local_day", "plate_hash", name="pk_plate_days"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "vehicle_daily",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column(
            "crossed", sa.BigInteger(), nullable=False, comment="a set of (checkpoint, direction) pairs, as bits"
        ),
        sa.Column(
            "vehicles",
            sa.Integer(),
            nullable=False,
            comment="plates of the day that crossed at exactly these pairs",
        ),
        sa.PrimaryKeyConstraint("local_day", "crossed", name="pk_vehicle_daily"),
    )
    op.drop_index("ix_declarations_plates", table_name="declarations")
    op.drop_index("ix_declarations_declared_at", table_name="declarations")
    op.create_index(
        "ix_declarations_declared_at_origin",
        "declarations",
        ["declared_at", "direction", "checkpoint_id", "origin_province_code", "risk_level", "origin_in_hotzone"],
    )
    _fill(op.get_bind())


def _fill(conn) -> None:
    from data_access.store import rollup

    for r in rollup.ROLLUPS:
        if r.table.name in ("crossing_minutely", "crossing_daily", "origin_daily"):
            query = r.select_from_declarations(sa.true())
            conn.execute(r.table.insert().from_select([c.name for c in query.selected_columns], query))
    rollup.rebuild_vehicles(conn)


def downgrade() -> None:
    op.drop_index("ix_declarations_declared_at_origin", table_name="declarations")
    op.create_index("ix_declarations_declared_at", "declarations", ["declared_at"])
    op.create_index(
        "ix_declarations_plates",
        "declarations",
        ["local_day", "plate_hash", "checkpoint_id", "direction"],
        sqlite_where=_PLATED,
        postgresql_where=_PLATED,
    )
    for table in ("vehicle_daily", "plate_days", "origin_daily", "crossing_daily", "crossing_minutely"):
        op.drop_table(table)
