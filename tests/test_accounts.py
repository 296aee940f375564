"""Accounts, sign-in, lockout and sessions (SPEC §6), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from data_access import accounts
from data_access.accounts import AccountError, SignInError
from data_access.store import schema

T0 = dt.datetime(2026, 11, 20, 2, 0, 0)  # naive UTC: 09:00 in Thái Bình
PASSWORD = "mật khẩu đủ dài"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2id with small parameters: the production ones (64 MiB, 3 passes) cost a loaded test
    machine seconds per hash, and what is tested here is the use of the hash, not its strength."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _add(engine, name="nguyen.an", role="health", password=PASSWORD, **kw):
    with engine.begin() as conn:
        return accounts.add_account(conn, name, role, password, by="admin1", now=T0, **kw)


def _sign_in(engine, name, password, now):
    """authenticate in a transaction of its own that commits even when it refuses (as the page does:
    the failure must stay in the audit log)."""
    with engine.begin() as conn:
        try:
            return accounts.authenticate(conn, name, password, now)
        except SignInError as error:
            return error


def _actions(engine, username=None) -> list[str]:
    g = schema.audit_log.c
    stmt = select(g.action).order_by(g.id)
    if username is not None:
        stmt = stmt.where(g.username == username)
    with engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def test_an_account_is_stored_with_an_argon2id_hash_and_audited(engine):
    account = _add(engine, "  Nguyen.An ", display_name="Nguyễn Văn An")
    assert account == accounts.Account("nguyen.an", "Nguyễn Văn An", "health", True)
    with engine.connect() as conn:
        assert accounts.get_account(conn, "NGUYEN.AN") == account
        assert accounts.list_accounts(conn) == [account]
        stored = conn.execute(select(schema.accounts.c.password_hash)).scalar_one()
        details = conn.execute(select(schema.audit_log.c.details)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert details == {"change": "add", "account": "nguyen.an", "role": "health", "display_name": "Nguyễn Văn An"}
    assert _actions(engine, "admin1") == ["account_change"]


@pytest.mark.parametrize(
    ("name", "role", "password", "code"),
    [
        ("ab", "health", PASSWORD, "account.bad_username"),
        ("an an", "health", PASSWORD, "account.bad_username"),
        ("x" * 51, "health", PASSWORD, "account.bad_username"),
        ("nguyen.an", "doctor", PASSWORD, "account.bad_role"),
        ("nguyen.an", "health", "123456789", "account.password_too_short"),
    ],
)
def test_an_account_that_cannot_be_made_is_refused_with_a_code(sqlite_engine, name, role, password, code):
    with pytest.raises(AccountError) as info, sqlite_engine.begin() as conn:
        accounts.add_account(conn, name, role, password, by="admin1")
    assert info.value.code == code
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.accounts)).scalar() == 0


def test_a_name_is_taken_once_and_unknown_accounts_are_reported(engine):
    _add(engine)
    with pytest.raises(AccountError) as info, engine.begin() as conn:
        accounts.add_account(conn, "NGUYEN.AN", "it", PASSWORD, by="admin1")
    assert info.value.code == "account.exists"
    for change in (
        lambda c: accounts.set_enabled(c, "nobody", False, by="admin1"),
        lambda c: accounts.reset_password(c, "nobody", PASSWORD, by="admin1"),
    ):
        with pytest.raises(AccountError) as info, engine.begin() as conn:
            change(conn)
        assert info.value.code == "account.unknown"
    # exactly 10 characters is long enough
    with engine.begin() as conn:
        accounts.add_account(conn, "tran.binh", "it", "0123456789", by="admin1")


def test_sign_in_with_the_right_password_is_audited(engine):
    _add(engine)
    account = _sign_in(engine, "Nguyen.An", PASSWORD, T0)
    assert account == accounts.Account("nguyen.an", None, "health", True)
    assert _actions(engine, "nguyen.an") == ["sign_in"]


def test_an_unknown_name_a_wrong_password_and_a_disabled_account_fail_alike(engine):
    _add(engine)
    _add(engine, "le.cuong", role="it")
    with engine.begin() as conn:
        accounts.set_enabled(conn, "le.cuong", False, by="admin1")
    failures = [
        _sign_in(engine, "nguyen.an", "sai mật khẩu rồi", T0),
        _sign_in(engine, "khong.co.ai", PASSWORD, T0),
        _sign_in(engine, "le.cuong", PASSWORD, T0),
    ]
    assert [(type(e), e.code, e.params) for e in failures] == [(SignInError, "sign_in.failed", {})] * 3
    g = schema.audit_log.c
    with engine.connect() as conn:
        failed = conn.execute(select(g.username).where(g.action == "sign_in_failed").order_by(g.id)).scalars().all()
    assert failed == ["nguyen.an", "khong.co.ai", "le.cuong"]


def test_five_failures_in_fifteen_minutes_lock_the_name_for_fifteen_minutes(engine):
    _add(engine)
    minute = dt.timedelta(minutes=1)
    # four failures do not lock: each is the same "failed"
    for i in range(4):
        assert _sign_in(engine, "nguyen.an", "sai mật khẩu rồi", T0 + i * minute).code == "sign_in.failed"
    # the fifth within 15 minutes locks, for 15 minutes from it
    fifth = T0 + 4 * minute
    locked = _sign_in(engine, "nguyen.an", "sai mật khẩu rồi", fifth)
    assert (locked.code, locked.params) == ("sign_in.locked", {"minutes": 15})
    # the right password is refused while locked, without being checked
    during = _sign_in(engine, "nguyen.an", PASSWORD, fifth + 10 * minute + dt.timedelta(seconds=30))
    assert (during.code, during.params) == ("sign_in.locked", {"minutes": 5})
    assert _sign_in(engine, "nguyen.an", PASSWORD, fifth + 15 * minute - dt.timedelta(seconds=1)).code == (
        "sign_in.locked"
    )
    # the lock lifts 15 minutes after the fifth failure
    assert _sign_in(engine, "nguyen.an", PASSWORD, fifth + 15 * minute) == accounts.Account(
        "nguyen.an", None, "health", True
    )
    assert _actions(engine, "nguyen.an") == ["sign_in_failed"] * 5 + ["locked_out"] + ["sign_in_locked"] * 2 + [
        "sign_in"
    ]


def test_failures_spread_over_more_than_fifteen_minutes_or_broken_by_a_success_do_not_lock(engine):
    _add(engine)
    minute = dt.timedelta(minutes=1)
    for i in range(4):
        _sign_in(engine, "nguyen.an", "sai mật khẩu rồi", T0 + i * minute)
    # the fifth comes 15 minutes after the first: only four are within the window
    assert _sign_in(engine, "nguyen.an", "sai mật khẩu rồi", T0 + 15 * minute).code == "sign_in.failed"
    # a success starts the count again
    assert isinstance(_sign_in(engine, "nguyen.an", PASSWORD, T0 + 16 * minute), accounts.Account)
    for i in range(4):
        assert _sign_in(engine, "nguyen.an", "sai mật khẩu rồi", T0 + (17 + i) * minute).code == "sign_in.failed"
    assert "locked_out" not in _actions(engine)


def test_an_unknown_name_locks_the_same_way(engine):
    minute = dt.timedelta(minutes=1)
    codes = [_sign_in(engine, "Ke.Do.Tham", "whatever123", T0 + i * minute).code for i in range(6)]
    assert codes == ["sign_in.failed"] * 4 + ["sign_in.locked"] * 2
    assert _actions(engine, "ke.do.tham") == ["sign_in_failed"] * 5 + ["locked_out", "sign_in_locked"]


def _session_row(engine, token):
    s = schema.sign_in_sessions.c
    with engine.connect() as conn:
        return conn.execute(
            select(s.last_seen_at, s.ended_at).where(s.token_hash == hashlib.sha256(token.encode()).hexdigest())
        ).one()


def test_a_session_keeps_only_the_tokens_hash_and_ends_after_thirty_idle_minutes(engine):
    account = _add(engine)
    with engine.begin() as conn:
        token = accounts.start_session(conn, account, T0)
    assert len(token) >= 40
    with engine.connect() as conn:
        assert token not in conn.execute(select(schema.sign_in_sessions.c.token_hash)).scalars().all()
    minute = dt.timedelta(minutes=1)
    with engine.begin() as conn:
        assert accounts.session_account(conn, token, T0 + 30 * minute) == account  # idle exactly 30: still open
        assert accounts.session_account(conn, "not-a-token", T0) is None
    assert _session_row(engine, token).last_seen_at == T0 + 30 * minute
    with engine.begin() as conn:
        # touched less than a minute ago: not written again
        assert accounts.session_account(conn, token, T0 + 30 * minute + dt.timedelta(seconds=59)) == account
    assert _session_row(engine, token).last_seen_at == T0 + 30 * minute
    with engine.begin() as conn:
        assert accounts.session_account(conn, token, T0 + 61 * minute, touch=False) is None


def test_a_session_in_use_ends_after_eight_hours_but_the_wall_screens_does_not(engine):
    officer = _add(engine)
    wall = _add(engine, "man.hinh", role="wallscreen")
    with engine.begin() as conn:
        officer_token = accounts.start_session(conn, officer, T0)
        wall_token = accounts.start_session(conn, wall, T0)
    step = dt.timedelta(minutes=20)
    now = T0
    while now + step <= T0 + dt.timedelta(hours=8):
        now += step
        with engine.begin() as conn:
            assert accounts.session_account(conn, officer_token, now) == officer
    with engine.begin() as conn:
        assert accounts.session_account(conn, officer_token, T0 + dt.timedelta(hours=8, seconds=1)) is None
        # the wall screen, untouched for three days, is still signed in
        later = T0 + dt.timedelta(days=3)
        assert accounts.session_account(conn, wall_token, later, touch=False) == wall


def test_disabling_an_account_or_resetting_its_password_ends_its_sessions(engine):
    account = _add(engine)
    other = _add(engine, "tran.binh", role="it")
    with engine.begin() as conn:
        tokens = [accounts.start_session(conn, account, T0) for _ in range(2)]
        other_token = accounts.start_session(conn, other, T0)
        accounts.set_enabled(conn, "nguyen.an", False, by="admin1", now=T0 + dt.timedelta(minutes=1))
    with engine.begin() as conn:
        assert [accounts.session_account(conn, t, T0 + dt.timedelta(minutes=2)) for t in tokens] == [None, None]
        assert accounts.session_account(conn, other_token, T0 + dt.timedelta(minutes=2)) == other
        # enabled again, the ended sessions stay ended
        accounts.set_enabled(conn, "nguyen.an", True, by="admin1")
        assert accounts.session_account(conn, tokens[0], T0 + dt.timedelta(minutes=3)) is None
    assert all(_session_row(engine, t).ended_at == T0 + dt.timedelta(minutes=1) for t in tokens)
    with engine.begin() as conn:
        accounts.reset_password(conn, "tran.binh", "một mật khẩu mới", by="admin1", now=T0 + dt.timedelta(minutes=4))
        assert accounts.session_account(conn, other_token, T0 + dt.timedelta(minutes=5)) is None
    # the new password works, the old one not; the audit says what changed, never the password
    assert _sign_in(engine, "tran.binh", PASSWORD, T0 + dt.timedelta(minutes=6)).code == "sign_in.failed"
    assert isinstance(_sign_in(engine, "tran.binh", "một mật khẩu mới", T0 + dt.timedelta(minutes=7)), accounts.Account)
    g = schema.audit_log.c
    with engine.connect() as conn:
        changes = conn.execute(select(g.details).where(g.action == "account_change").order_by(g.id)).scalars().all()
    assert [c["change"] for c in changes] == ["add", "add", "disable", "enable", "reset_password"]
    assert changes[2]["sessions_ended"] == 2 and changes[4]["sessions_ended"] == 1
    assert "mật khẩu" not in str(changes)


def test_signing_out_ends_the_session_and_is_audited(engine):
    account = _add(engine)
    with engine.begin() as conn:
        token = accounts.start_session(conn, account, T0)
        accounts.end_session(conn, token, T0 + dt.timedelta(minutes=5))
        accounts.end_session(conn, token, T0 + dt.timedelta(minutes=6))  # again: nothing more
        assert accounts.session_account(conn, token, T0 + dt.timedelta(minutes=5)) is None
    assert _actions(engine, "nguyen.an") == ["sign_out"]


def test_a_hash_made_with_weaker_parameters_is_replaced_at_sign_in(sqlite_engine):
    _add(sqlite_engine)
    weak = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1).hash(PASSWORD)
    with sqlite_engine.begin() as conn:
        conn.execute(update(schema.accounts).values(password_hash=weak))
    assert isinstance(_sign_in(sqlite_engine, "nguyen.an", PASSWORD, T0), accounts.Account)
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(schema.accounts.c.password_hash)).scalar_one()
    assert stored != weak and stored.startswith("$argon2id$") and not accounts.HASHER.check_needs_rehash(stored)
    assert isinstance(_sign_in(sqlite_engine, "nguyen.an", PASSWORD, T0), accounts.Account)
