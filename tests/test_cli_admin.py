"""The accounts, audit and purge commands (data_access/cli_admin.py) through their own parser, on a
store of each backend."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from data_access import accounts, cli_admin, simulator
from data_access.settings import get_settings
from data_access.store import schema
from data_access.timeutil import now_utc
from tests.support import crossings_just_now


@pytest.fixture
def cli(engine, store_url, monkeypatch):
    """Run one command line against the test store: returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    get_settings.cache_clear()
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    parser = argparse.ArgumentParser()
    cli_admin.add_parsers(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        args = parser.parse_args(argv)
        code = cli_admin.COMMANDS[args.command](args)
        return code, out.getvalue(), err.getvalue()

    yield run
    get_settings.cache_clear()


def _audited(engine, action: str) -> list:
    g = schema.audit_log.c
    with engine.connect() as conn:
        return conn.execute(select(g.username, g.details).where(g.action == action).order_by(g.id)).all()


def test_users_add_list_disable_enable_and_reset(cli, engine):
    code, out, err = cli(
        "users",
        "add",
        "Nguyen.An",
        "--role",
        "health",
        "--display-name",
        "Nguyễn Văn An",
        "--password-stdin",
        stdin="mật khẩu thật dài\nthe rest is ignored\n",
    )
    assert (code, err) == (0, "") and "nguyen.an" in out and "y tế" in out
    with engine.begin() as conn:
        assert accounts.authenticate(conn, "nguyen.an", "mật khẩu thật dài", now_utc()).role == "health"
    assert cli("users", "add", "tran.binh", "--role", "it", "--password-stdin", stdin="0123456789")[0] == 0
    code, out, _ = cli("users", "list", "--json")
    assert code == 0 and json.loads(out) == [
        {"username": "nguyen.an", "display_name": "Nguyễn Văn An", "role": "health", "enabled": True},
        {"username": "tran.binh", "display_name": None, "role": "it", "enabled": True},
    ]
    code, out, _ = cli("users", "list")
    assert out.splitlines()[0].split("\t") == ["nguyen.an", "Nguyễn Văn An", "health (Cán bộ y tế)", "đang dùng"]
    assert cli("users", "disable", "tran.binh")[0] == 0
    assert "đã khóa" in cli("users", "list")[1].splitlines()[1]
    assert cli("users", "enable", "tran.binh")[0] == 0
    code, out, _ = cli("users", "reset-password", "tran.binh", "--password-stdin", stdin="mật khẩu mới 2026\r\n")
    assert code == 0 and "tran.binh" in out
    with engine.begin() as conn:
        assert accounts.authenticate(conn, "tran.binh", "mật khẩu mới 2026", now_utc()).username == "tran.binh"
    changes = _audited(engine, "account_change")
    assert [(who, c["change"]) for who, c in changes] == [
        ("cli", "add"),
        ("cli", "add"),
        ("cli", "disable"),
        ("cli", "enable"),
        ("cli", "reset_password"),
    ]


@pytest.mark.parametrize("action", ["add", "reset-password"])
def test_a_short_password_is_refused_in_one_vietnamese_line(cli, engine, action):
    cli("users", "add", "tran.binh", "--role", "it", "--password-stdin", stdin="0123456789")
    argv = ["users", action, "tran.binh"] + (["--role", "it"] if action == "add" else []) + ["--password-stdin"]
    code, out, err = cli(*argv, stdin="ngắn\n")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("Lỗi [account.password_too_short]: ") and "10" in err
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.accounts)).scalar() == 1


def test_account_errors_are_one_line_and_exit_2(cli):
    cli("users", "add", "tran.binh", "--role", "it", "--password-stdin", stdin="0123456789")
    for argv, stdin, code_name in [
        (("users", "add", "tran.binh", "--role", "it", "--password-stdin"), "0123456789", "account.exists"),
        (("users", "add", "x", "--role", "it", "--password-stdin"), "0123456789", "account.bad_username"),
        (("users", "add", "le.cuong", "--role", "boss", "--password-stdin"), "0123456789", "account.bad_role"),
        (("users", "add", "le.cuong", "--role", "it", "--password-stdin"), "", "account.password_missing"),
        (("users", "disable", "khong.co"), "", "account.unknown"),
    ]:
        code, out, err = cli(*argv, stdin=stdin)
        assert (code, out) == (2, "") and err.startswith(f"Lỗi [{code_name}]: ") and err.count("\n") == 1


def test_audit_lists_entries_since_a_day_by_user(cli, engine):
    cli("users", "add", "tran.binh", "--role", "it", "--password-stdin", stdin="0123456789")
    with engine.begin() as conn:
        accounts.authenticate(conn, "tran.binh", "0123456789", now_utc())
    code, out, _ = cli("audit", "--json")
    entries = json.loads(out)
    assert code == 0 and [e["action"] for e in entries] == ["sign_in", "account_change"]
    code, out, _ = cli("audit", "--user", "tran.binh", "--since", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    assert code == 0 and len(out.splitlines()) == 1 and "\ttran.binh\tsign_in" in out
    code, out, _ = cli("audit", "--since", "2999-01-01")
    assert code == 0 and out.startswith("Nhật ký không có mục nào")
    code, out, err = cli("audit", "--since", "hôm qua")
    assert code == 2 and err.startswith("Lỗi [cli.bad_date]: ")


def test_purge_dry_run_then_for_real(cli, engine):
    simulator.seed(engine, days=3, seed=5, scale=0.01)
    crossings_just_now(engine)  # crossings today whatever the hour: the simulated day may be minutes old
    with engine.connect() as conn:
        d = schema.declarations.c
        named = conn.execute(select(func.count()).where(d.full_name.is_not(None))).scalar()
    code, out, _ = cli("purge", "--personal-older-than", "0", "--dry-run")
    assert code == 0 and out.startswith("Chạy thử") and not _audited(engine, "purge")
    code, out, _ = cli("purge", "--personal-older-than", "0")
    assert code == 0 and out.startswith("Đã xóa")
    [(who, details)] = _audited(engine, "purge")
    assert who == "cli" and details["declarations"] > 0
    with engine.connect() as conn:
        left = conn.execute(select(func.count()).where(d.full_name.is_not(None))).scalar()
    assert 0 < left < named
