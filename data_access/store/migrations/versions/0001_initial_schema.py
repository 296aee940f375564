"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("road", sa.String(length=200), nullable=True),
        sa.Column("links", sa.String(length=200), nullable=True),
        sa.Column("district_code", sa.String(length=3), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("wifi_opened_on", sa.Date(), nullable=True, comment="local date the free Wi-Fi opened; null = none"),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkpoints")),
        sa.UniqueConstraint("code", name=op.f("uq_checkpoints_code")),
    )
    op.create_table(
        "hot_zone_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reclassified", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_zone_changes")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="seed | feed | import"),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=100), server_default="system", nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="running", nullable=False),
        sa.Column("rows_in", sa.Integer(), server_default="0", nullable=False),
        sa.Column("accepted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("duplicates", sa.Integer(), server_default="0", nullable=False),
        sa.Column("quarantined", sa.Integer(), server_default="0", nullable=False),
        sa.Column("warnings", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_line", sa.Integer(), server_default="0", nullable=False, comment="last source line committed"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_checksum"), ["checksum"], unique=False)

    op.create_table(
        "provinces",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_provinces")),
    )
    op.create_table(
        "crossing_hourly",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("local_hour", sa.SmallInteger(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("n_crossings", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_electronic", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_channel_paper", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_channel_vhd", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_channel_bluezone", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_channel_ncovi", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_channel_other", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_car", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_motorbike", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_truck", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_bus", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_bicycle", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_pedestrian", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_other", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_vehicle_unknown", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_risk_high", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_risk_medium", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_risk_low", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_reason_contact_f0", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_reason_hotzone_origin", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_reason_symptom_travel", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_any_symptom", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_fever", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_cough", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_breathing_difficulty", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_sore_throat", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_loss_of_taste_smell", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_contact_f0", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_visited_hotzone", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_bluezone_installed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_free_wifi", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_no_symptom", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name=op.f("fk_crossing_hourly_checkpoint_id_checkpoints")
        ),
        sa.PrimaryKeyConstraint(
            "local_day", "local_hour", "checkpoint_id", "direction", name=op.f("pk_crossing_hourly")
        ),
    )
    op.create_table(
        "declarations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.Column("declared_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("local_hour", sa.SmallInteger(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("vehicle", sa.String(length=12), nullable=True),
        sa.Column("plate", sa.String(length=20), nullable=True),
        sa.Column(
            "plate_hash", sa.String(length=16), nullable=True, comment="hash of plate, for distinct-vehicle aggregates"
        ),
        sa.Column("full_name", sa.String(length=200), nullable=True),
        sa.Column("id_number", sa.String(length=12), nullable=True),
        sa.Column("phone", sa.String(length=10), nullable=True),
        sa.Column("birth_year", sa.SmallInteger(), nullable=True),
        sa.Column("gender", sa.String(length=6), nullable=True),
        sa.Column("origin_province_code", sa.String(length=2), nullable=False),
        sa.Column("origin_district", sa.String(length=100), nullable=True),
        sa.Column("destination_district_code", sa.String(length=3), nullable=True),
        sa.Column("fever", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("cough", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("breathing_difficulty", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sore_throat", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("loss_of_taste_smell", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("contact_f0", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("visited_hotzone", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("bluezone_installed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("used_free_wifi", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("origin_in_hotzone", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("risk_level", sa.String(length=6), nullable=False),
        sa.Column("risk_reason", sa.String(length=24), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_declarations_batch_id_import_batches")
        ),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name=op.f("fk_declarations_checkpoint_id_checkpoints")
        ),
        sa.ForeignKeyConstraint(
            ["origin_province_code"], ["provinces.code"], name=op.f("fk_declarations_origin_province_code_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
        sa.UniqueConstraint("declaration_id", name=op.f("uq_declarations_declaration_id")),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declarations_checkpoint_id_declared_at"), ["checkpoint_id", "declared_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_declarations_declared_at"), ["declared_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_declarations_local_day_checkpoint_id"), ["local_day", "checkpoint_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_declarations_origin_province_code_local_day"),
            ["origin_province_code", "local_day"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_declarations_risk_level_local_day"), ["risk_level", "local_day"], unique=False
        )

    op.create_table(
        "districts",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], name=op.f("fk_districts_province_code_provinces")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_districts")),
    )
    op.create_table(
        "duplicate_rows",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_duplicate_rows_batch_id_import_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_rows")),
        sa.UniqueConstraint("batch_id", "line_number", name=op.f("uq_duplicate_rows_batch_id_line_number")),
    )
    op.create_table(
        "hot_zones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("district_name", sa.String(length=100), nullable=True, comment="null = the whole province"),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="inclusive; null = still active"),
        sa.Column("created_by", sa.String(length=100), server_default="system", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], name=op.f("fk_hot_zones_province_code_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_zones")),
    )
    op.create_table(
        "import_warnings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("raw_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_import_warnings_batch_id_import_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_warnings")),
    )
    with op.batch_alter_table("import_warnings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_warnings_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_warnings_field"), ["field"], unique=False)

    op.create_table(
        "origin_hourly",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("local_hour", sa.SmallInteger(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("origin_province_code", sa.String(length=2), nullable=False),
        sa.Column("n_crossings", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_risk_high", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_origin_in_hotzone", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name=op.f("fk_origin_hourly_checkpoint_id_checkpoints")
        ),
        sa.ForeignKeyConstraint(
            ["origin_province_code"], ["provinces.code"], name=op.f("fk_origin_hourly_origin_province_code_provinces")
        ),
        sa.PrimaryKeyConstraint(
            "local_day",
            "local_hour",
            "checkpoint_id",
            "direction",
            "origin_province_code",
            name=op.f("pk_origin_hourly"),
        ),
    )
    op.create_table(
        "plate_daily",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("plate_hash", sa.String(length=16), nullable=False),
        sa.Column("n_crossings", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name=op.f("fk_plate_daily_checkpoint_id_checkpoints")
        ),
        sa.PrimaryKeyConstraint("local_day", "checkpoint_id", "direction", "plate_hash", name=op.f("pk_plate_daily")),
    )
    op.create_table(
        "quality_daily",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("n_crossings", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_vehicle", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_plate", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_full_name", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_id_number", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_phone", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_birth_year", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_gender", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_origin_district", sa.Integer(), server_default="0", nullable=False),
        sa.Column("n_filled_destination_district_code", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoints.id"], name=op.f("fk_quality_daily_checkpoint_id_checkpoints")
        ),
        sa.PrimaryKeyConstraint("local_day", "checkpoint_id", "channel", name=op.f("pk_quality_daily")),
    )
    op.create_table(
        "quarantined_rows",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False, comment="[{field, code, raw}]"),
        sa.Column("raw", sa.JSON(), nullable=False, comment="the row as read, header -> text"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_quarantined_rows_batch_id_import_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_rows")),
        sa.UniqueConstraint("batch_id", "line_number", name=op.f("uq_quarantined_rows_batch_id_line_number")),
    )


def downgrade() -> None:

    op.drop_table("quarantined_rows")
    op.drop_table("quality_daily")
    op.drop_table("plate_daily")
    op.drop_table("origin_hourly")
    with op.batch_alter_table("import_warnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_warnings_field"))
        batch_op.drop_index(batch_op.f("ix_import_warnings_batch_id"))

    op.drop_table("import_warnings")
    op.drop_table("hot_zones")
    op.drop_table("duplicate_rows")
    op.drop_table("districts")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_risk_level_local_day"))
        batch_op.drop_index(batch_op.f("ix_declarations_origin_province_code_local_day"))
        batch_op.drop_index(batch_op.f("ix_declarations_local_day_checkpoint_id"))
        batch_op.drop_index(batch_op.f("ix_declarations_declared_at"))
        batch_op.drop_index(batch_op.f("ix_declarations_checkpoint_id_declared_at"))

    op.drop_table("declarations")
    op.drop_table("crossing_hourly")
    op.drop_table("provinces")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_checksum"))

    op.drop_table("import_batches")
    op.drop_table("hot_zone_changes")
    op.drop_table("checkpoints")
    op.drop_table("audit_log")
