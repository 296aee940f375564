"""Fixtures of the deployment's tests: a PostgreSQL database set up as ``docs/DEPLOYMENT.md`` says
(``deploy/bin/thaibinh-db-roles``, then ``init`` as the owner, then the roles script again), under
role names of this test run only (roles are global to the cluster), dropped afterwards."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import TEST_POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
ROLES_SCRIPT = ROOT / "deploy" / "bin" / "thaibinh-db-roles"


def run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """A command of the deployment, from the project folder, its output captured."""
    return subprocess.run(
        [str(a) for a in args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def data_access(*args: str, url: str) -> subprocess.CompletedProcess:
    """``python -m data_access ARGS`` with ``DATABASE_URL=url``."""
    return run(sys.executable, "-m", "data_access", *args, env={"DATABASE_URL": url})


@dataclass
class Deployment:
    """A database prepared as in production, and the URL of each of its roles."""

    database: str
    prefix: str
    admin: str
    owner: str
    app: str
    jobs: str
    reader: str

    def roles_script(self) -> subprocess.CompletedProcess:
        """Run ``deploy/bin/thaibinh-db-roles`` for this database, as the test server's superuser."""
        return run(
            sys.executable,
            ROLES_SCRIPT,
            "--admin-url",
            self.admin,
            "--database",
            self.database,
            "--prefix",
            self.prefix,
        )


@pytest.fixture
def deployment(postgres_admin) -> Iterator[Callable[[], Deployment]]:
    """Factory: a new database with its four roles, migrated by the owner, grants applied."""
    made: list[Deployment] = []

    def make() -> Deployment:
        prefix = f"tbt{uuid.uuid4().hex[:8]}"
        base = make_url(TEST_POSTGRES_URL)
        database = f"{prefix}_db"

        def url(kind: str, password: str) -> str:
            return base.set(username=f"{prefix}_{kind}", password=password, database=database).render_as_string(
                hide_password=False
            )

        passwords = {kind: secrets.token_urlsafe(12) for kind in ("owner", "app", "jobs", "reader")}
        found = Deployment(
            database=database,
            prefix=prefix,
            admin=TEST_POSTGRES_URL,
            **{kind: url(kind, pw) for kind, pw in passwords.items()},
        )
        made.append(found)
        first = found.roles_script()
        assert first.returncode == 0, first.stderr
        # What an administrator does with \password: the services log in with a password.
        with postgres_admin.connect() as conn:
            for kind, password in passwords.items():
                conn.execute(text(f"ALTER ROLE \"{prefix}_{kind}\" PASSWORD '{password}'"))
        init = data_access("init", url=found.owner)
        assert init.returncode == 0, init.stderr
        again = found.roles_script()
        assert again.returncode == 0, again.stderr
        return found

    yield make
    with postgres_admin.connect() as conn:
        for found in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{found.database}" WITH (FORCE)'))
            for kind in ("owner", "app", "jobs", "reader"):
                conn.execute(text(f'DROP ROLE IF EXISTS "{found.prefix}_{kind}"'))


def checkpoint_file(path: Path, *, days_ago: int = 2) -> Path:
    """A checkpoint's export as the IT team drops it: four declarations ``days_ago`` local days back
    (one high-risk: contact with a case; one from Hà Nội), one row that must be quarantined."""
    import datetime as dt

    from data_access.timeutil import LOCAL_TZ
    from tests.import_support import csv_bytes, row

    day = (dt.datetime.now(LOCAL_TZ) - dt.timedelta(days=days_ago)).strftime("%d/%m/%Y")
    rows = [
        row(declaration_id="TD-1", declared_at=f"{day} 07:05:00", full_name="Nguyễn Văn An", phone="0912345678"),
        row(declaration_id="TD-2", declared_at=f"{day} 07:40:00", contact_f0="có", phone="0987654321"),
        row(declaration_id="TD-3", declared_at=f"{day} 08:10:00", origin_province="Hà Nội", direction="Ra"),
        row(declaration_id="TD-4", declared_at=f"{day} 09:30:00", checkpoint="Cầu Thái Hà", channel="giấy"),
        row(declaration_id="TD-5", declared_at="không rõ"),
    ]
    path.write_bytes(csv_bytes(rows))
    return path
