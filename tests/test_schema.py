"""Schema, migrations, reference data and opening the store."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from data_access.store import (
    StoreError,
    check_store,
    create_store_engine,
    head_revision,
    init_store,
    reference_data,
    schema,
)


def _counts(conn) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in schema.metadata.sorted_tables}


def _comparison(conn) -> MigrationContext:
    """A migration context comparing the model with the store as autogenerate does (on PostgreSQL
    without the foreign keys its triggers check instead)."""
    return MigrationContext.configure(conn, opts={"include_object": schema.compared_with_store(conn.dialect.name)})


def test_init_creates_every_table_and_reference_data(engine):
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {t.name for t in schema.metadata.sorted_tables} <= tables
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        codes = set(conn.execute(select(schema.checkpoints.c.code)).scalars())
        assert codes == {cp["code"] for cp in reference_data.CHECKPOINTS}
        provinces = conn.execute(select(schema.provinces.c.code, schema.provinces.c.name)).all()
        assert len(provinces) == 63 and ("34", "Thái Bình") in provinces
        assert conn.execute(select(func.count()).select_from(schema.districts)).scalar() == 8
    check_store(engine)


def test_init_on_a_current_store_changes_nothing_and_keeps_corrections(engine):
    with engine.begin() as conn:
        conn.execute(update(schema.checkpoints).where(schema.checkpoints.c.code == "TAN_DE").values(lat=20.4567))
        before = _counts(conn)
    init_store(engine)
    with engine.connect() as conn:
        assert _counts(conn) == before
        lat = conn.execute(select(schema.checkpoints.c.lat).where(schema.checkpoints.c.code == "TAN_DE")).scalar()
    assert lat == pytest.approx(20.4567)


def test_migrations_match_the_model(engine):
    """The migration creates exactly the tables, columns and indexes schema.py declares."""
    with engine.connect() as conn:
        diff = compare_metadata(_comparison(conn), schema.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(engine):
    from alembic import command

    from data_access.store.engine import _alembic_config

    with engine.begin() as conn:
        cfg = _alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        assert "declarations" not in inspect(conn).get_table_names()
    init_store(engine)
    check_store(engine)


def test_sqlite_pragmas(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_read_only_engine_cannot_write(store_url, engine):
    reader = create_store_engine(store_url, read_only=True)
    with reader.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.checkpoints)).scalar() == 3
    with pytest.raises(DBAPIError):
        with reader.begin() as conn:
            conn.execute(update(schema.checkpoints).values(lat=0))
    reader.dispose()


def test_missing_sqlite_file_is_reported(tmp_path):
    url = f"sqlite:///{tmp_path / 'nothing.db'}"
    with pytest.raises(StoreError) as info:
        create_store_engine(url, read_only=True)
    assert info.value.kind == "missing"
    assert not (tmp_path / "nothing.db").exists()


def test_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a text file, not a database" * 100)
    url = f"sqlite:///{path}"
    with pytest.raises(StoreError) as info:
        check_store(create_store_engine(url, read_only=True), url)
    assert info.value.kind == "not_a_store"


def test_an_empty_database_is_not_initialised(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.commit()
    with pytest.raises(StoreError) as info:
        check_store(create_store_engine(f"sqlite:///{path}", read_only=True))
    assert info.value.kind == "not_initialised"


def test_a_server_that_is_down_is_unreachable_and_password_masked():
    url = "postgresql+psycopg://officer:s3cret@127.0.0.1:1/declarations"
    with pytest.raises(StoreError) as info:
        check_store(create_store_engine(url, read_only=True), url)
    assert info.value.kind == "unreachable"
    assert "s3cret" not in info.value.target and "***" in info.value.target


def test_init_upgrades_a_store_of_the_first_revision(engine):
    """A store left at revision 0001 (with data) is brought to head by ``init``, data kept."""
    from alembic import command

    from data_access.store.engine import _alembic_config

    with engine.begin() as conn:
        cfg = _alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with pytest.raises(StoreError) as info:
        check_store(engine)
    assert info.value.kind == "outdated"
    init_store(engine)
    check_store(engine)
    with engine.connect() as conn:
        assert compare_metadata(_comparison(conn), schema.metadata) == []
        assert conn.execute(select(func.count()).select_from(schema.checkpoints)).scalar() == 3


def test_init_sets_free_wifi_opening_days_and_keeps_edited_ones(engine):
    """Every checkpoint has had free Wi-Fi since June 2021: init records it; a day the IT team entered,
    or cleared ("no free Wi-Fi"), survives a later init."""
    cp = schema.checkpoints.c
    with engine.connect() as conn:
        days = dict(conn.execute(select(cp.code, cp.wifi_opened_on)).all())
    assert days == {c["code"]: reference_data.WIFI_OPENED_ON_DEFAULT for c in reference_data.CHECKPOINTS}
    assert reference_data.WIFI_OPENED_ON_DEFAULT.year == 2021 and reference_data.WIFI_OPENED_ON_DEFAULT.month == 6
    with engine.begin() as conn:
        conn.execute(update(schema.checkpoints).where(cp.code == "THAI_HA").values(wifi_opened_on=dt.date(2021, 6, 20)))
        conn.execute(update(schema.checkpoints).where(cp.code == "TAN_DE").values(wifi_opened_on=None))
    init_store(engine)
    with engine.connect() as conn:
        days = dict(conn.execute(select(cp.code, cp.wifi_opened_on)).all())
    assert days["THAI_HA"] == dt.date(2021, 6, 20)
    assert days["TAN_DE"] is None


def test_a_store_made_before_wifi_days_were_reference_data_gets_them_once(engine):
    """A store at revision 0003 whose checkpoints have no Wi-Fi day gets June 2021 on upgrade; a store
    already at head is left as it is."""
    from alembic import command

    from data_access.store.engine import _alembic_config

    cp = schema.checkpoints.c
    with engine.begin() as conn:
        cfg = _alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
        conn.execute(update(schema.checkpoints).values(wifi_opened_on=None))
        conn.execute(update(schema.checkpoints).where(cp.code == "THAI_HA").values(wifi_opened_on=dt.date(2021, 7, 1)))
    init_store(engine)
    with engine.connect() as conn:
        days = dict(conn.execute(select(cp.code, cp.wifi_opened_on)).all())
    assert days == {"TAN_DE": dt.date(2021, 6, 15), "THAI_HA": dt.date(2021, 7, 1), "TRIEU_DUONG": dt.date(2021, 6, 15)}
