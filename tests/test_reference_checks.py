"""A declaration always refers to a stored checkpoint, origin province and (when it has one) import batch.

SQLite checks this with foreign keys; PostgreSQL with triggers that check each statement's rows at once
(migration 0007: a foreign key cost each imported row a lookup and a lock). The same tests run on both:
a write naming an unknown checkpoint, province or batch is refused whole, an update to one is refused,
and a checkpoint, province or batch that a declaration names cannot be deleted or given another key.
The PostgreSQL tests below them check what only its triggers do: the error's code and words, TRUNCATE,
and the locks that keep the guarantee between concurrent transactions.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import case, delete, func, insert, inspect, literal, select, text, update
from sqlalchemy.exc import DBAPIError

from data_access.risk import HotZoneIndex
from data_access.store import ROW_COLUMNS, new_batch, prepare_row, schema, write_declarations
from tests.support import declaration

D = schema.declarations
WHEN = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)
#: (the column, a value nothing in the store has) of each reference a declaration makes
UNKNOWN = {"checkpoint_id": 99, "origin_province_code": "99", "batch_id": 999}


def _refused(engine) -> tuple[type[Exception], ...]:
    """What a refused write raises: SQLAlchemy's IntegrityError, or the driver's own when the write went
    through the driver's connection (the store's fast insert paths)."""
    from sqlalchemy.exc import IntegrityError

    return (IntegrityError, engine.dialect.loaded_dbapi.IntegrityError)


def _row(batch_id: int | None = None, **overrides) -> dict:
    """One declaration as the declarations table takes it (no rollup is written with it)."""
    values = declaration(overrides.pop("checkpoint_id", 1), WHEN, **overrides)
    row = dict(zip(ROW_COLUMNS, prepare_row(values, HotZoneIndex([]), WHEN), strict=True))
    return {**row, "batch_id": batch_id}


def _counts(conn) -> tuple[int, int]:
    return (
        conn.execute(select(func.count()).select_from(D)).scalar_one(),
        conn.execute(select(func.count()).select_from(schema.crossing_hourly)).scalar_one(),
    )


@pytest.mark.parametrize("column", list(UNKNOWN))
def test_a_write_naming_an_unknown_reference_is_refused_whole(engine, column):
    """The store's write path (the feed's and the import's insert: on PostgreSQL one INSERT … SELECT of
    the staged rows) refuses the whole write when one row is wrong, leaving neither rows nor rollups.
    (The rollups' own foreign keys would refuse an unknown checkpoint or province too; the tests below
    write declarations alone.)"""
    with engine.begin() as conn:
        batch = new_batch(conn, "import")
    good = [declaration(1, WHEN), declaration(2, WHEN, origin_province_code="01")]
    bad = {**declaration(1, WHEN), **({column: UNKNOWN[column]} if column != "batch_id" else {})}
    with pytest.raises(_refused(engine)):
        with engine.begin() as conn:
            write_declarations(
                conn, [*good, bad], HotZoneIndex([]), batch_id=UNKNOWN["batch_id"] if column == "batch_id" else batch
            )
    with engine.connect() as conn:
        assert _counts(conn) == (0, 0)
    # The same rows with every reference known are written.
    with engine.begin() as conn:
        written = write_declarations(conn, [*good, declaration(3, WHEN)], HotZoneIndex([]), batch_id=batch)
    assert len(written.ids) == 3


@pytest.mark.parametrize("column", list(UNKNOWN))
def test_single_and_multi_row_inserts_of_an_unknown_reference_are_refused(engine, column):
    with pytest.raises(_refused(engine)), engine.begin() as conn:
        conn.execute(insert(D).values(**_row(**{column: UNKNOWN[column]})))
    with engine.begin() as conn:
        conn.execute(insert(D), [_row(), _row(checkpoint_id=2), _row(checkpoint_id=3)])
    # INSERT … SELECT of copies of the stored rows under new ids, the last one naming the unknown value.
    last = select(func.max(D.c.id)).scalar_subquery()
    copies = select(
        (literal("copy-") + D.c.declaration_id).label("declaration_id"),
        *(D.c[c] for c in (*ROW_COLUMNS, "batch_id") if c not in ("declaration_id", column)),
        case((D.c.id == last, literal(UNKNOWN[column])), else_=D.c[column]).label(column),
    )
    names = [c.name for c in copies.selected_columns]
    with pytest.raises(_refused(engine)), engine.begin() as conn:
        conn.execute(insert(D).from_select(names, copies))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(D)).scalar_one() == 3


@pytest.mark.parametrize("column", list(UNKNOWN))
def test_an_update_to_an_unknown_reference_is_refused(engine, column):
    with engine.begin() as conn:
        batch = new_batch(conn, "import")
        conn.execute(insert(D), [_row(batch), _row(batch, checkpoint_id=2)])
    with pytest.raises(_refused(engine)), engine.begin() as conn:
        conn.execute(update(D).where(D.c.checkpoint_id == 2).values({column: UNKNOWN[column]}))
    with engine.begin() as conn:
        rows = conn.execute(select(D.c.checkpoint_id, D.c.origin_province_code, D.c.batch_id).order_by(D.c.id)).all()
        assert rows == [(1, "36", batch), (2, "36", batch)]
        # An update to known references, and one that leaves them alone, go through.
        conn.execute(update(D).where(D.c.checkpoint_id == 2).values(checkpoint_id=3, origin_province_code="01"))
        conn.execute(update(D).values(risk_level="high"))


NEW_CHECKPOINT = {"id": 40, "code": "MOI", "name": "Chốt mới", "lat": 20.5, "lon": 106.3}
#: (table, its key column, the value the stored declarations name, a row of that table none names)
REFERENCED = {
    "checkpoints": (schema.checkpoints, "id", 1, NEW_CHECKPOINT),
    "provinces": (
        schema.provinces,
        "code",
        "36",
        {"code": "98", "name": "Tỉnh thử", "kind": "Tỉnh", "lat": 1, "lon": 1},
    ),
    "import_batches": (schema.import_batches, "id", None, None),  # both made by the test
}


@pytest.mark.parametrize("name", list(REFERENCED))
def test_a_referenced_row_cannot_be_deleted_or_rekeyed_an_unreferenced_one_can(engine, name):
    table, key, used, new = REFERENCED[name]
    with engine.begin() as conn:
        batch = new_batch(conn, "import")
        spare = new_batch(conn, "import")
        if name == "import_batches":
            used, new = batch, None
        else:
            conn.execute(insert(table).values(**new))
        # Declarations alone (no rollup row): only the declarations' reference protects the row.
        conn.execute(insert(D), [_row(batch), _row(batch, checkpoint_id=2)])
    for statement in (
        delete(table).where(table.c[key] == used),
        update(table).where(table.c[key] == used).values({key: _other_key(name)}),
    ):
        with pytest.raises(_refused(engine)), engine.begin() as conn:
            conn.execute(statement)
    with engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(table).where(table.c[key] == used)).scalar_one() == 1
        # A row no declaration names: its key changes, then it goes.
        other = spare if name == "import_batches" else new[key]
        conn.execute(update(table).where(table.c[key] == other).values({key: _other_key(name)}))
        conn.execute(delete(table).where(table.c[key] == _other_key(name)))
        assert conn.execute(select(func.count()).select_from(table).where(table.c[key] == other)).scalar_one() == 0
        # Deleting the declarations frees their rows.
        conn.execute(delete(D))
        conn.execute(delete(table).where(table.c[key] == used))


def _other_key(name: str):
    return "97" if name == "provinces" else 77


def test_downgrade_restores_the_foreign_keys_and_upgrade_replaces_them(engine):
    from alembic import command

    from data_access.store.engine import _alembic_config

    def foreign_keys(conn) -> set[str]:
        return {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("declarations")}

    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        assert foreign_keys(conn) == (set() if postgres else {"checkpoints", "provinces", "import_batches"})
        cfg = _alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        assert foreign_keys(conn) == {"checkpoints", "provinces", "import_batches"}
        if postgres:
            triggers = "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%kept' OR tgname LIKE 'declarations_ref%'"
            assert conn.execute(text(triggers)).scalar() == 0
        command.upgrade(cfg, "head")
        assert foreign_keys(conn) == (set() if postgres else {"checkpoints", "provinces", "import_batches"})


# --- PostgreSQL: what only its triggers do ---------------------------------------------------------


@pytest.fixture
def pg_engine(postgres_url):
    from data_access.store import create_store_engine, init_store

    eng = create_store_engine(postgres_url)
    init_store(eng)
    yield eng
    eng.dispose()


@pytest.mark.postgres
def test_postgres_names_the_column_and_the_value_as_a_foreign_key_would(pg_engine):
    with pytest.raises(DBAPIError) as refused, pg_engine.begin() as conn:
        conn.execute(insert(D), [_row(), _row(checkpoint_id=99)])
    error = refused.value.orig
    assert error.sqlstate == "23503"  # foreign_key_violation
    assert error.diag.column_name == "checkpoint_id"
    assert error.diag.constraint_name == "fk_declarations_checkpoint_id_checkpoints"
    assert 'declarations.checkpoint_id = 99 is not present in table "checkpoints"' in str(error)
    with pg_engine.begin() as conn:
        conn.execute(insert(D).values(**_row()))
    with pytest.raises(DBAPIError) as refused, pg_engine.begin() as conn:
        conn.execute(delete(schema.provinces).where(schema.provinces.c.code == "36"))
    assert refused.value.orig.sqlstate == "23503"
    assert 'provinces.code = 36 is still referenced from table "declarations"' in str(refused.value.orig)


@pytest.mark.postgres
def test_postgres_refuses_a_truncate_that_would_leave_declarations_without_their_rows(pg_engine):
    with pg_engine.begin() as conn:
        batch = new_batch(conn, "import")
        conn.execute(insert(D).values(**_row(batch)))
    # CASCADE empties the tables whose foreign keys name it (rollups, districts…), not the declarations.
    for table in ("checkpoints", "provinces", "import_batches"):
        with pytest.raises(DBAPIError) as refused, pg_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))
        assert refused.value.orig.sqlstate == "23503", table
    with pg_engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(D)).scalar_one() == 1
        conn.execute(text("TRUNCATE declarations, import_batches CASCADE"))  # together: nothing is left dangling


@pytest.mark.postgres
def test_postgres_a_delete_waits_for_an_insert_that_names_the_row_and_the_other_way_round(pg_engine):
    """A transaction that wrote a declaration holds its checkpoint (FOR KEY SHARE, as a foreign key
    would), so a delete of the checkpoint waits for it and then sees the declaration; a transaction that
    deleted a checkpoint makes an insert naming it wait, then fail."""
    with pg_engine.begin() as conn:
        conn.execute(insert(schema.checkpoints).values(**NEW_CHECKPOINT))
    writer, other = pg_engine.connect(), pg_engine.connect()
    try:
        writer.execute(insert(D).values(**_row(checkpoint_id=40)))  # not committed
        other.execute(text("SET LOCAL lock_timeout = '200ms'"))
        with pytest.raises(DBAPIError) as waited:
            other.execute(delete(schema.checkpoints).where(schema.checkpoints.c.id == 40))
        assert waited.value.orig.sqlstate == "55P03"  # lock_not_available: it waited for the writer
        other.rollback()
        writer.commit()
        with pytest.raises(DBAPIError) as refused:
            other.execute(delete(schema.checkpoints).where(schema.checkpoints.c.id == 40))
        assert refused.value.orig.sqlstate == "23503"
        other.rollback()

        writer.execute(delete(D))
        writer.commit()
        writer.execute(delete(schema.checkpoints).where(schema.checkpoints.c.id == 40))  # not committed
        other.execute(text("SET LOCAL lock_timeout = '200ms'"))
        with pytest.raises(DBAPIError) as waited:
            other.execute(insert(D).values(**_row(checkpoint_id=40)))
        assert waited.value.orig.sqlstate == "55P03"
        other.rollback()
        writer.commit()
        with pytest.raises(DBAPIError) as refused:
            other.execute(insert(D).values(**_row(checkpoint_id=40)))
        assert refused.value.orig.sqlstate == "23503"
        other.rollback()
    finally:
        writer.close()
        other.close()
