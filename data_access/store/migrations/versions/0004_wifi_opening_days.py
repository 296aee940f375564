"""free Wi-Fi opening days of the first three checkpoints (June 2021) where none is recorded

The three bridges have had free Wi-Fi since their checkpoints opened in June 2021, but stores made
before the opening day was reference data recorded none unless the simulator set one. Done once here,
so that a day the IT team later clears ("this checkpoint has no free Wi-Fi") stays cleared.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The stand-in day of data_access.store.reference_data.WIFI_OPENED_ON_DEFAULT, as of this revision.
OPENED_ON = dt.date(2021, 6, 15)
CODES = ("TAN_DE", "THAI_HA", "TRIEU_DUONG")


def upgrade() -> None:
    checkpoints = sa.table("checkpoints", sa.column("code", sa.String), sa.column("wifi_opened_on", sa.Date))
    op.execute(
        checkpoints.update()
        .where(checkpoints.c.code.in_(CODES), checkpoints.c.wifi_opened_on.is_(None))
        .values(wifi_opened_on=OPENED_ON)
    )


def downgrade() -> None:
    """Nothing to undo: the days are data, and a later edit cannot be told from this one."""
