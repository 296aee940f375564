"""Store fixtures: a fresh SQLite file, or a fresh PostgreSQL database, migrated and seeded with
reference data. Tests that take ``engine`` run on both backends."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access.store import create_store_engine, init_store
from tests.committee_store import store  # noqa: F401 - the committee pages' store, for their query tests
from tests.support import unavailable

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


@pytest.fixture(scope="session")
def postgres_admin():
    """An AUTOCOMMIT engine on the PostgreSQL test server (creates and drops test databases)."""
    if not TEST_POSTGRES_URL:
        unavailable("TEST_POSTGRES_URL is not set (e.g. postgresql+psycopg://root@127.0.0.1:5432/test)")
    admin = create_engine(TEST_POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means the server is not usable here
        unavailable(
            f"PostgreSQL at {make_url(TEST_POSTGRES_URL).render_as_string(hide_password=True)} "
            f"is not reachable: {str(exc).splitlines()[0]}"
        )
    yield admin
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_admin):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(TEST_POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with postgres_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(tmp_path):
    """The URL of a new SQLite file in the test's folder."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request):
    """An empty store URL, once per backend."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def engine(store_url):
    """A writer engine on an initialised store (schema and reference data), on each backend."""
    eng = create_store_engine(store_url)
    init_store(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url):
    """A writer engine on an initialised SQLite store only (for tests where the backend does not matter)."""
    eng = create_store_engine(sqlite_url)
    init_store(eng)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch):
    """Settings are read once per process (``get_settings`` is cached): a test that changes the
    environment sees its own values, and the next test sees the environment as it was."""
    from data_access.settings import get_settings

    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
