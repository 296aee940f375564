"""index plate_daily by day and plate hash (distinct vehicles over several days)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_plate_daily_local_day_plate_hash", "plate_daily", ["local_day", "plate_hash"])


def downgrade() -> None:
    op.drop_index("ix_plate_daily_local_day_plate_hash", table_name="plate_daily")
