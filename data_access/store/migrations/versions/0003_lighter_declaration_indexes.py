"""distinct vehicles from a partial index on declarations; drop plate_daily and two unread indexes

Issue 4 (1M rows imported at 50k rows/s): every index on declarations costs each imported row a
B-tree insert, and plate_daily cost one upsert per plated row. Distinct vehicles per day are now read
from a partial index on declarations (local_day, plate_hash, checkpoint_id, direction) that always
agrees with the rows; (local_day, checkpoint_id) and (risk_level, local_day) were read by no query
(rollups are rebuilt by declared_at range).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_PLATED = sa.text("plate_hash IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_declarations_local_day_checkpoint_id", table_name="declarations")
    op.drop_index("ix_declarations_risk_level_local_day", table_name="declarations")
    op.create_index(
        "ix_declarations_plates",
        "declarations",
        ["local_day", "plate_hash", "checkpoint_id", "direction"],
        sqlite_where=_PLATED,
        postgresql_where=_PLATED,
    )
    op.drop_index("ix_plate_daily_local_day_plate_hash", table_name="plate_daily")
    op.drop_table("plate_daily")


def downgrade() -> None:
    op.create_table(
        "plate_daily",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("plate_hash", sa.String(length=16), nullable=False),
        sa.Column("n_crossings", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["checkpoint_id"], ["checkpoints.id"], name="fk_plate_daily_checkpoint_id_checkpoints"),
        sa.PrimaryKeyConstraint("local_day", "checkpoint_id", "direction", "plate_hash", name="pk_plate_daily"),
    )
    op.create_index("ix_plate_daily_local_day_plate_hash", "plate_daily", ["local_day", "plate_hash"])
    op.execute(
        "INSERT INTO plate_daily (local_day, checkpoint_id, direction, plate_hash, n_crossings)"
        " SELECT local_day, checkpoint_id, direction, plate_hash, count(*) FROM declarations"
        " WHERE plate_hash IS NOT NULL GROUP BY local_day, checkpoint_id, direction, plate_hash"
    )
    op.drop_index("ix_declarations_plates", table_name="declarations")
    op.create_index("ix_declarations_risk_level_local_day", "declarations", ["risk_level", "local_day"])
    op.create_index("ix_declarations_local_day_checkpoint_id", "declarations", ["local_day", "checkpoint_id"])
