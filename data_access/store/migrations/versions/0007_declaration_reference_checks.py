"""PostgreSQL: the references of declarations checked once per statement instead of once per row

A 50,000-row import statement spent about a third of its time in the three foreign keys of
declarations (checkpoint, origin province, import batch): each inserted row fired a trigger that looked
up and locked its checkpoint, its province and its batch, though a whole import names three checkpoints,
a few dozen provinces and one batch. On PostgreSQL the foreign keys are replaced by triggers that keep
the same guarantee with a check per statement:

- declarations, AFTER INSERT and AFTER UPDATE, for each statement: the distinct checkpoints, provinces
  and batches of the new rows (the statement's transition table) are looked up and locked FOR KEY SHARE,
  as the foreign keys locked them, so that a concurrent delete of one waits for this transaction; one
  that is missing fails the statement with foreign_key_violation (SQLSTATE 23503), naming the column and
  the value. The function runs as its owner (SECURITY DEFINER): locking a row needs UPDATE privilege on
  its table, which the jobs role does not hold on checkpoints and provinces, and should not.
- checkpoints, provinces, import_batches: a delete, a change of key or a TRUNCATE that would leave a
  declaration without its checkpoint, province or batch fails the same way. Deletes are checked once
  per statement against the deleted rows: through the index on (checkpoint_id, …) or
  (origin_province_code, …) for the first two, and by one scan of declarations per statement for
  batches, which no index leads with (every import would pay for one; nothing deletes batches but an
  administrator, and the foreign key itself scanned once per deleted batch).

SQLite keeps its foreign keys (they take no row locks there). schema.py still declares the three
(they are the model, and SQLite's schema); comparing the model with a PostgreSQL store leaves them out
(schema.compared_with_store).

The guarantee holds between concurrent transactions at READ COMMITTED, as every writer of the store
runs: a delete or change of key waits for the lock of a transaction that wrote declarations naming the
row, then sees them; an insert naming a row whose delete is under way waits, then finds it gone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: (declarations' column, the table it refers to, that table's key, the foreign key's name)
REFERENCES = (
    ("checkpoint_id", "checkpoints", "id", "fk_declarations_checkpoint_id_checkpoints"),
    ("origin_province_code", "provinces", "code", "fk_declarations_origin_province_code_provinces"),
    ("batch_id", "import_batches", "id", "fk_declarations_batch_id_import_batches"),
)


def _new_rows_check(column: str, table: str, key: str, name: str) -> str:
    # One row per distinct key of the statement's rows, each looked up (by primary key) and locked.
    return f"""
    SELECT min(wanted.k)::text INTO missing
      FROM (SELECT DISTINCT {column} AS k FROM new_declarations WHERE {column} IS NOT NULL) wanted
     WHERE NOT EXISTS (SELECT FROM {table} r WHERE r.{key} = wanted.k FOR KEY SHARE);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'declarations.{column} = % is not present in table "{table}"', missing
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{name}', TABLE = 'declarations',
                  COLUMN = '{column}',
                  DETAIL = format('Key ({column})=(%s) is not present in table "{table}".', missing);
    END IF;"""


def _check_function(schema: str) -> str:
    body = "".join(_new_rows_check(*reference) for reference in REFERENCES)
    # search_path fixed: a function running as its owner must not read a caller's temporary table of
    # the same name (the writers may create temporary tables).
    return f"""CREATE FUNCTION declarations_check_references() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    missing text;
BEGIN{body}
    RETURN NULL;
END $$"""


def _keep_function(column: str, table: str, key: str, name: str) -> str:
    # Row level for a change of key (a BEFORE trigger: it runs once the row is locked, so after any
    # transaction that locked it to insert declarations has finished); statement level for a delete
    # (the deleted rows' transition table) and a TRUNCATE (any declaration left with a value).
    raise_used = f"""
    IF used IS NOT NULL THEN
        RAISE EXCEPTION '{table}.{key} = % is still referenced from table "declarations" ({column})', used
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{name}', TABLE = '{table}', COLUMN = '{key}',
                  DETAIL = format('Key ({key})=(%s) is still referenced from table "declarations".', used);
    END IF;"""
    return f"""CREATE FUNCTION {table}_keep_declarations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF EXISTS (SELECT FROM declarations WHERE {column} = OLD.{key}) THEN
            used := OLD.{key}::text;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT d.{column}::text INTO used FROM declarations d
         WHERE d.{column} IN (SELECT g.{key} FROM gone g) LIMIT 1;
    ELSE
        SELECT d.{column}::text INTO used FROM declarations d WHERE d.{column} IS NOT NULL LIMIT 1;
    END IF;{raise_used}
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END $$"""


def _triggers(table: str, key: str) -> tuple[str, ...]:
    function = f"{table}_keep_declarations()"
    return (
        f"""CREATE TRIGGER {table}_key_kept BEFORE UPDATE OF {key} ON {table}
        FOR EACH ROW WHEN (OLD.{key} IS DISTINCT FROM NEW.{key}) EXECUTE FUNCTION {function}""",
        f"""CREATE TRIGGER {table}_delete_kept AFTER DELETE ON {table}
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION {function}""",
        f"""CREATE TRIGGER {table}_truncate_kept AFTER TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {function}""",
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema: str = bind.execute(sa.text("SELECT quote_ident(current_schema())")).scalar_one()
    for _column, _table, _key, name in REFERENCES:
        op.drop_constraint(name, "declarations", type_="foreignkey")
    op.execute(_check_function(schema))
    # Two triggers: PostgreSQL allows a transition table only on a trigger of one event.
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"""CREATE TRIGGER declarations_references_{event.lower()} AFTER {event} ON declarations
            REFERENCING NEW TABLE AS new_declarations FOR EACH STATEMENT
            EXECUTE FUNCTION declarations_check_references()"""
        )
    for reference in REFERENCES:
        op.execute(_keep_function(*reference))
        for statement in _triggers(reference[1], reference[2]):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for _column, table, _key, _name in REFERENCES:
        for trigger in ("key_kept", "delete_kept", "truncate_kept"):
            op.execute(f"DROP TRIGGER {table}_{trigger} ON {table}")
        op.execute(f"DROP FUNCTION {table}_keep_declarations()")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER declarations_references_{event} ON declarations")
    op.execute("DROP FUNCTION declarations_check_references()")
    for column, table, key, name in REFERENCES:
        op.create_foreign_key(name, "declarations", table, [column], [key])
