"""The PostgreSQL roles of a deployment (``deploy/bin/thaibinh-db-roles``): each service role can do
its part of the work — the jobs role imports and purges, the app role signs in, audits, follows up,
edits hot zones — and nothing more; the dashboard's role only reads, and never a password hash; no
role but the owner holds UPDATE, DELETE or TRUNCATE on the audit log (whose triggers refuse even the
owner); the script can be run again, and refuses to guess for a table it does not know."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from data_access import accounts, follow_up
from data_access.store import check_store, create_store_engine, schema, set_wifi_opened_on
from data_access.timeutil import local_today, now_utc
from tests.deploy.conftest import checkpoint_file, data_access

pytestmark = pytest.mark.postgres

PASSWORD = "một mật khẩu đủ dài"


def _refused(url: str, statement: str, *, read_write: bool = True) -> str:
    """Why ``url``'s role is refused ``statement`` (fails if it is allowed): ``"grant"`` for a missing
    privilege, ``"trigger"`` for the audit log's own refusal (both are SQLSTATE 42501), else the
    SQLSTATE."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if read_write:  # past the reader's read-only default: the grant itself is what is tested
                conn.execute(text("SET TRANSACTION READ WRITE"))
            with pytest.raises(DBAPIError) as refused:
                conn.execute(text(statement))
            conn.rollback()
    finally:
        engine.dispose()
    error = refused.value.orig
    if error.sqlstate == "42501":
        message = str(error)
        if "append-only" in message:
            return "trigger"
        if "permission denied" in message or "must be owner" in message:
            return "grant"
    return error.sqlstate


def _grants(url: str, prefix: str) -> list[tuple]:
    """Every table and column privilege the roles of ``prefix`` hold (from the catalogue's ACLs)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.rolname, c.relname, a.privilege_type, '' FROM pg_class c"
                " CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee"
                " WHERE c.relnamespace = 'public'::regnamespace AND starts_with(r.rolname, :p)"
                " UNION ALL SELECT r.rolname, c.relname, a.privilege_type, t.attname FROM pg_attribute t"
                " JOIN pg_class c ON c.oid = t.attrelid CROSS JOIN LATERAL aclexplode(t.attacl) a"
                " JOIN pg_roles r ON r.oid = a.grantee"
                " WHERE c.relnamespace = 'public'::regnamespace AND starts_with(r.rolname, :p)"
                " ORDER BY 1, 2, 3, 4"
            ),
            {"p": prefix + "_"},
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_each_role_does_its_part_and_nothing_more(deployment, tmp_path):
    d = deployment()

    # The jobs role imports a checkpoint's file, as the inbox timer does.
    imported = data_access("import", str(checkpoint_file(tmp_path / "tan-de.csv")), "--json", url=d.jobs)
    assert imported.returncode == 0, imported.stderr
    result = json.loads(imported.stdout)
    assert (result["accepted"], result["quarantined"]) == (4, 1)

    # The dashboard's reader sees it, and cannot write: refused by its read-only sessions, and by the
    # missing grant even in a read-write transaction.
    reader = create_store_engine(d.reader, read_only=True)
    check_store(reader, d.reader)
    with reader.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM declarations")).scalar() == 4
        with pytest.raises(DBAPIError) as read_only:
            conn.execute(
                text(
                    "INSERT INTO hot_zones (province_code, label, valid_from, created_at) VALUES"
                    " ('01', 'x', '2026-11-01', now())"
                )
            )
        assert read_only.value.orig.sqlstate == "25006"  # read_only_sql_transaction
    insert = (
        "INSERT INTO declarations (declaration_id, declared_at, local_day, local_hour, checkpoint_id, direction,"
        " channel, origin_province_code, risk_level, received_at) SELECT 'X-1', now(), current_date, 0, id, 'in',"
        " 'vhd', '01', 'low', now() FROM checkpoints LIMIT 1"
    )
    assert _refused(d.reader, insert) == "grant"
    assert _refused(d.reader, "SELECT password_hash FROM accounts") == "grant"
    assert _refused(d.reader, "DELETE FROM sign_in_sessions") == "grant"

    # The app role: accounts, sign-in, sessions, follow-up, Wi-Fi days (what the dashboard writes).
    app = create_store_engine(d.app)
    now = now_utc()
    with app.begin() as conn:
        accounts.add_account(conn, "yte.tb", "health", PASSWORD, by="test")
    with app.begin() as conn:
        account = accounts.authenticate(conn, "yte.tb", PASSWORD, now)
        token = accounts.start_session(conn, account, now)
    with app.begin() as conn:
        assert accounts.session_account(conn, token, now + dt.timedelta(minutes=2), touch=True) is not None
    with reader.connect() as conn:  # the live parts' check, through the dashboard's read-only engine
        assert accounts.session_account(conn, token, now + dt.timedelta(minutes=3), touch=False).role == "health"
    with app.begin() as conn:
        high = conn.execute(select(schema.declarations.c.id).where(schema.declarations.c.risk_level == "high"))
        follow_up.set_status(conn, high.scalar_one(), "contacted", "đã gọi", by="yte.tb")
        set_wifi_opened_on(conn, 1, dt.date(2021, 7, 1), local_today())
        accounts.end_session(conn, token, now + dt.timedelta(minutes=4))

    # A hot-zone change from the app re-classifies the declarations from Hà Nội and rebuilds their days.
    zones = tmp_path / "vung-dich.csv"
    start = (local_today() - dt.timedelta(days=10)).isoformat()
    zones.write_text(f"Tỉnh,Nhãn,Từ ngày\nHà Nội,Chỉ thị 16,{start}\n", encoding="utf-8")
    changed = data_access("hotzones", "import", str(zones), url=d.app)
    assert changed.returncode == 0, changed.stderr
    assert "phân loại lại 1 khai báo" in changed.stdout

    # Each writer keeps to its own columns and tables.
    assert _refused(d.app, "UPDATE declarations SET full_name = NULL") == "grant"  # the purge's, not the app's
    assert _refused(d.jobs, "UPDATE declarations SET risk_level = 'low'") == "grant"  # the app's
    assert _refused(d.jobs, "SELECT username FROM accounts") == "grant"
    assert _refused(d.jobs, "UPDATE sign_in_sessions SET ended_at = now()") == "grant"
    assert _refused(d.app, "CREATE TABLE scratch (i int)") == "grant"
    assert _refused(d.app, "DROP TRIGGER audit_log_no_update_delete ON audit_log") == "grant"
    # Both writers' declarations must name a stored province: the check, which locks the province as a
    # foreign key would (a lock neither role may take itself), refuses an unknown one, not the grants.
    assert _refused(d.jobs, insert.replace("'01'", "'99'")) == "23503"  # foreign_key_violation
    assert _refused(d.app, insert.replace("'01'", "'99'")) == "23503"

    # The jobs role purges old personal data (and audits it).
    purged = data_access("purge", "--personal-older-than", "1", url=d.jobs)
    assert purged.returncode == 0, purged.stderr
    owner = create_engine(d.owner)
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM declarations WHERE full_name IS NOT NULL")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM follow_ups WHERE note IS NOT NULL")).scalar() == 0
        actions = [a for (a,) in conn.execute(text("SELECT action FROM audit_log ORDER BY id"))]
    assert {"import", "account_change", "sign_in", "follow_up_status", "hot_zone_change", "purge"} <= set(actions)

    # The audit log: INSERT for the writers, no UPDATE, DELETE or TRUNCATE for any role but the owner.
    with owner.connect() as conn:
        for kind in ("app", "jobs", "reader"):
            role = f"{d.prefix}_{kind}"
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                held = conn.execute(
                    text("SELECT has_table_privilege(:r, 'audit_log', :p)"), {"r": role, "p": privilege}
                ).scalar()
                assert held is False, f"{role} holds {privilege} on audit_log"
            inserts = conn.execute(text("SELECT has_table_privilege(:r, 'audit_log', 'INSERT')"), {"r": role}).scalar()
            assert inserts is (kind != "reader")
    for url in (d.app, d.jobs, d.reader):
        for statement in ("UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
            assert _refused(url, statement) == "grant", statement
    # The owner holds the privileges (it owns the table) and is still refused by the triggers.
    for statement in ("UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        assert _refused(d.owner, statement) == "trigger", statement
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log WHERE username = 'x'")).scalar() == 0
    owner.dispose()
    reader.dispose()
    app.dispose()


def test_the_script_runs_again_unchanged_and_names_a_table_it_has_no_rule_for(deployment):
    d = deployment()
    before = _grants(d.owner, d.prefix)
    assert (f"{d.prefix}_reader", "accounts", "SELECT", "username") in before
    assert not any(g[:2] == (f"{d.prefix}_reader", "accounts") and g[3] == "password_hash" for g in before)
    again = d.roles_script()
    assert again.returncode == 0, again.stderr
    assert _grants(d.owner, d.prefix) == before

    owner = create_engine(d.owner)
    with owner.begin() as conn:
        conn.execute(text("CREATE TABLE ghi_chu_moi (id serial PRIMARY KEY, noi_dung text)"))
        conn.execute(text(f'GRANT SELECT ON ghi_chu_moi TO "{d.prefix}_reader"'))
    unknown = d.roles_script()
    assert unknown.returncode == 3
    assert "ghi_chu_moi" in unknown.stderr
    with owner.connect() as conn:
        for kind in ("app", "jobs", "reader"):
            held = conn.execute(
                text("SELECT has_table_privilege(:r, 'ghi_chu_moi', 'SELECT')"), {"r": f"{d.prefix}_{kind}"}
            ).scalar()
            assert held is False, kind
    owner.dispose()
