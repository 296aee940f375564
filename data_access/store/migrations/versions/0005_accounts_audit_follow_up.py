"""accounts, sign-in sessions, an append-only audit log, follow-up statuses, the high-risk index

SPEC §6: accounts in the store (argon2id hashes), sessions (only a hash of the cookie's token is kept),
every view or export of personal fields, sign-in and change written to an audit log the application
cannot alter, and the health officers' follow-up statuses of high-risk travellers. The audit_log of
revision 0001 was never written to (who/role/what); it is replaced by the shape the log needs.

The audit log is append-only: a trigger refuses UPDATE and DELETE on both backends (and TRUNCATE on
PostgreSQL), whoever the role; on PostgreSQL the writers' role is also granted INSERT and SELECT only
(README, "Accounts, roles and the audit log").

The follow-up list reads high-risk declarations newest first: a partial index on declared_at where
risk_level = 'high' holds a few per cent of the rows, so it costs the import little.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ROLES = ("leadership", "health", "it", "admin", "wallscreen")
STATUSES = ("not_contacted", "contacted", "home_isolation", "facility_isolation", "tested", "closed")
_HIGH = sa.text("risk_level = 'high'")
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# What an UPDATE or DELETE on the audit log meets. The message names the table so that whoever tries
# knows why.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$""",
    """CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
)


def upgrade() -> None:
    op.drop_table("audit_log")
    op.create_table(
        "audit_log",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("username", sa.String(length=100), nullable=True, comment="who; for a failed sign-in the name typed"),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("page", sa.String(length=100), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column(
            "rows", sa.Integer(), nullable=True, comment="how many rows were viewed or exported, when that applies"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_username_at", "audit_log", ["username", "at"])
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    bind = op.get_bind()
    for statement in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False, comment="lower case, [a-z0-9._-], 3-50"),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False, comment="argon2id (argon2-cffi)"),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint(_in("role", ROLES), name="ck_accounts_role"),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("username", name="uq_accounts_username"),
    )
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="sha256 hex of the cookie's token"),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True, comment="null while the session is open"),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_sign_in_sessions_token_hash"),
    )
    op.create_index("ix_sign_in_sessions_username_ended_at", "sign_in_sessions", ["username", "ended_at"])
    op.create_table(
        "follow_ups",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("declaration_id", _BIG_ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.CheckConstraint(_in("status", STATUSES), name="ck_follow_ups_status"),
        sa.ForeignKeyConstraint(
            ["declaration_id"], ["declarations.id"], name="fk_follow_ups_declaration_id_declarations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
    )
    op.create_index("ix_follow_ups_declaration_id_changed_at", "follow_ups", ["declaration_id", "changed_at"])
    op.create_index(
        "ix_declarations_high_risk", "declarations", ["declared_at"], sqlite_where=_HIGH, postgresql_where=_HIGH
    )


def downgrade() -> None:
    op.drop_index("ix_declarations_high_risk", table_name="declarations")
    op.drop_index("ix_follow_ups_declaration_id_changed_at", table_name="follow_ups")
    op.drop_table("follow_ups")
    op.drop_index("ix_sign_in_sessions_username_ended_at", table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
    op.drop_table("accounts")
    # Dropping the table drops its triggers (SQLite's implicit DELETE of a dropped table fires none);
    # the PostgreSQL function goes after them.
    op.drop_table("audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.create_table(
        "audit_log",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
