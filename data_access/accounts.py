"""Accounts, sign-in and sessions (SPEC §6).

Accounts live in the store, passwords only as argon2id hashes (argon2-cffi). A sign-in session is a
random token in the visitor's cookie; the store keeps only its SHA-256, so a copy of the store opens
no session. Every account change, sign-in, failed sign-in, lockout and sign-out is written to the
audit log (:mod:`data_access.audit`) in the caller's transaction.

Lockout: after ``LOCKOUT_FAILURES`` failed sign-ins of one name within ``LOCKOUT_MINUTES``, the name
is locked for ``LOCKOUT_MINUTES`` from the last of them. The failures are counted from the audit log,
so the lock holds whichever server process the next attempt reaches, and a name that is no account
locks the same way (nothing tells a visitor whether an account exists).

Every function takes a connection and writes in the caller's transaction (``engine.begin()``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, func, insert, select, update

from . import audit
from .domain import ROLES
from .errors import CodedError
from .settings import get_settings
from .store import schema
from .timeutil import now_utc

__all__ = [
    "HASHER",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "Account",
    "AccountError",
    "SignInError",
    "add_account",
    "authenticate",
    "end_session",
    "end_sessions_of",
    "get_account",
    "list_accounts",
    "reset_password",
    "session_account",
    "set_enabled",
    "start_session",
]

MIN_PASSWORD_LENGTH = 10
#: Passwords longer than this are refused: argon2 hashes any length, but a megabyte "password" is a
#: way to make the server work for nothing.
MAX_PASSWORD_LENGTH = 1024
USERNAME_PATTERN = re.compile(r"[a-z0-9._-]{3,50}")
#: How often a session's last_seen_at is written at most: every page run would otherwise be a write.
TOUCH_EVERY = dt.timedelta(minutes=1)
#: A typed name is kept in the audit log at most this long (the column's width).
TYPED_NAME_CHARS = 100

#: argon2id with the library's recommended parameters (RFC 9106's second choice: 64 MiB, 3 passes).
HASHER = PasswordHasher()


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when the name is no account (or a disabled one), so that the answer
    takes as long as for a real account: the time of a refusal does not tell whether it exists."""
    return hasher.hash(secrets.token_urlsafe(16))


class AccountError(CodedError, ValueError):
    """An account change that cannot be made: ``account.bad_username``, ``account.bad_role``,
    ``account.exists``, ``account.unknown``, ``account.password_too_short`` (``min_length``),
    ``account.password_too_long`` (``max_length``)."""


class SignInError(CodedError):
    """A refused sign-in: ``sign_in.failed`` (whatever the reason: unknown name, wrong password,
    disabled account) or ``sign_in.locked`` (``minutes``: how long until the name may try again)."""


@dataclass(frozen=True)
class Account:
    """A person (or the wall screen) who may sign in."""

    username: str
    display_name: str | None
    role: str
    enabled: bool


def _account(row: Any) -> Account:
    return Account(row.username, row.display_name, row.role, bool(row.enabled))


def normalise_username(name: str) -> str:
    """A typed user name as accounts are keyed: surrounding spaces dropped, lower case."""
    return name.strip().lower()


def _typed_name(name: str) -> str:
    """What the audit log keeps of a typed name (a failed sign-in may type anything, of any length)."""
    return normalise_username(name)[:TYPED_NAME_CHARS]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("account.password_too_short", min_length=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("account.password_too_long", max_length=MAX_PASSWORD_LENGTH)


def _row(conn: Connection, username: str) -> Any:
    a = schema.accounts.c
    return conn.execute(select(schema.accounts).where(a.username == username)).first()


def _require(conn: Connection, username: str) -> Any:
    row = _row(conn, normalise_username(username))
    if row is None:
        raise AccountError("account.unknown", username=username)
    return row


# --- Accounts ----------------------------------------------------------------------------------


def add_account(
    conn: Connection,
    username: str,
    role: str,
    password: str,
    *,
    display_name: str | None = None,
    by: str,
    now: dt.datetime | None = None,
) -> Account:
    """Create an enabled account; ``by`` is who creates it (a user name, or "cli").

    The name is stored lower case and must be 3–50 characters of a–z, 0–9, ".", "_", "-"; the
    password at least :data:`MIN_PASSWORD_LENGTH` characters. Raises :class:`AccountError`.
    """
    name = normalise_username(username)
    if not USERNAME_PATTERN.fullmatch(name):
        raise AccountError("account.bad_username", username=username)
    if role not in ROLES:
        raise AccountError("account.bad_role", role=role, roles=list(ROLES))
    _check_password(password)
    if _row(conn, name) is not None:
        raise AccountError("account.exists", username=name)
    display = display_name.strip() if display_name and display_name.strip() else None
    now = now or now_utc()
    conn.execute(
        insert(schema.accounts).values(
            username=name,
            display_name=display,
            role=role,
            password_hash=HASHER.hash(password),
            enabled=True,
            created_at=now,
            created_by=by,
        )
    )
    audit.record(
        conn,
        "account_change",
        username=by,
        details={"change": "add", "account": name, "role": role, "display_name": display},
        at=now,
    )
    return Account(name, display, role, True)


def list_accounts(conn: Connection) -> list[Account]:
    """Every account, by user name."""
    a = schema.accounts.c
    return [_account(r) for r in conn.execute(select(schema.accounts).order_by(a.username))]


def get_account(conn: Connection, username: str) -> Account | None:
    """The account of ``username`` (any case), or None."""
    row = _row(conn, normalise_username(username))
    return None if row is None else _account(row)


def set_enabled(conn: Connection, username: str, enabled: bool, *, by: str, now: dt.datetime | None = None) -> Account:
    """Enable or disable an account. Disabling ends its open sessions at once. Raises
    :class:`AccountError` ``account.unknown``."""
    row = _require(conn, username)
    now = now or now_utc()
    a = schema.accounts.c
    conn.execute(update(schema.accounts).where(a.id == row.id).values(enabled=enabled, changed_at=now, changed_by=by))
    ended = 0 if enabled else end_sessions_of(conn, row.username, now)
    audit.record(
        conn,
        "account_change",
        username=by,
        details={
            "change": "enable" if enabled else "disable",
            "account": row.username,
            "was_enabled": bool(row.enabled),
            "sessions_ended": ended,
        },
        at=now,
    )
    return Account(row.username, row.display_name, row.role, enabled)


def reset_password(conn: Connection, username: str, password: str, *, by: str, now: dt.datetime | None = None) -> None:
    """Give an account a new password and end its open sessions (whoever held the old one is out).
    Raises :class:`AccountError` (``account.unknown``, ``account.password_too_short``)."""
    row = _require(conn, username)
    _check_password(password)
    now = now or now_utc()
    a = schema.accounts.c
    conn.execute(
        update(schema.accounts)
        .where(a.id == row.id)
        .values(password_hash=HASHER.hash(password), changed_at=now, changed_by=by)
    )
    ended = end_sessions_of(conn, row.username, now)
    # What changed, never the password or its hash.
    audit.record(
        conn,
        "account_change",
        username=by,
        details={"change": "reset_password", "account": row.username, "sessions_ended": ended},
        at=now,
    )


# --- Sign-in -----------------------------------------------------------------------------------


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _last_at(
    conn: Connection, name: str, actions: tuple[str, ...], since: dt.datetime, now: dt.datetime
) -> dt.datetime | None:
    """When ``name`` last met one of ``actions`` in the audit log, after ``since`` and up to ``now``."""
    g = schema.audit_log.c
    return conn.execute(
        select(func.max(g.at)).where(g.username == name, g.action.in_(actions), g.at > since, g.at <= now)
    ).scalar()


def _locked_until(conn: Connection, name: str, now: dt.datetime, minutes: dt.timedelta) -> dt.datetime | None:
    locked_at = _last_at(conn, name, ("locked_out",), now - minutes, now)
    return None if locked_at is None else locked_at + minutes


def _minutes_left(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def authenticate(conn: Connection, username: str, password: str, now: dt.datetime) -> Account:
    """The account whose name and password these are, after writing "sign_in" to the audit log.

    Raises :class:`SignInError`: ``sign_in.failed`` for an unknown name, a wrong password or a
    disabled account alike (audited as "sign_in_failed" with the name typed); ``sign_in.locked``
    while the name is locked (audited as "sign_in_locked", the password not even checked), and on
    the failure that locks it (also audited as "locked_out"). ``now`` is naive UTC.

    The audit entries are written in ``conn``'s transaction: the caller commits it when this raises
    too, or the failures would not count towards the lockout.
    """
    settings = get_settings()
    window = dt.timedelta(minutes=settings.lockout_minutes)
    name = _typed_name(username)
    until = _locked_until(conn, name, now, window)
    if until is not None and now < until:
        audit.record(conn, "sign_in_locked", username=name, at=now)
        raise SignInError("sign_in.locked", minutes=_minutes_left(until, now))
    row = _row(conn, name) if USERNAME_PATTERN.fullmatch(name) else None
    # Always one argon2 verification, whether or not the account exists or is enabled.
    ok = _verify(row.password_hash if row is not None else _dummy_hash(HASHER), password)
    if row is not None and ok and row.enabled:
        if HASHER.check_needs_rehash(row.password_hash):
            # Hashed with weaker parameters than today's: hash again now that the password is at hand.
            a = schema.accounts.c
            conn.execute(update(schema.accounts).where(a.id == row.id).values(password_hash=HASHER.hash(password)))
        audit.record(conn, "sign_in", username=row.username, details={"role": row.role}, at=now)
        return _account(row)
    audit.record(conn, "sign_in_failed", username=name, at=now)
    # Failures count within the window, since the name's last success or lock: a lock that has
    # lifted, or a sign-in that worked, starts the count again.
    g = schema.audit_log.c
    since = _last_at(conn, name, ("sign_in", "locked_out"), now - window, now) or (now - window)
    failures = int(
        conn.execute(
            select(func.count()).where(g.username == name, g.action == "sign_in_failed", g.at > since, g.at <= now)
        ).scalar()
        or 0
    )
    if failures >= settings.lockout_failures:
        audit.record(conn, "locked_out", username=name, details={"failures": failures}, at=now)
        raise SignInError("sign_in.locked", minutes=_minutes_left(now + window, now))
    raise SignInError("sign_in.failed")


# --- Sessions ----------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(conn: Connection, account: Account, now: dt.datetime) -> str:
    """Open a session for ``account``: returns the token for the visitor's cookie (the store keeps
    only its SHA-256)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(schema.sign_in_sessions).values(
            token_hash=_token_hash(token), username=account.username, started_at=now, last_seen_at=now
        )
    )
    return token


def session_account(conn: Connection, token: str, now: dt.datetime, *, touch: bool = True) -> Account | None:
    """The account of an open session, or None: unknown token, session ended, account disabled, or
    (except for the wall screen) older than ``SESSION_HOURS`` or idle longer than
    ``SESSION_IDLE_MINUTES``. ``touch`` records this run as the session's last activity, at most
    once a minute (so idleness is measured to within a minute)."""
    if not token:
        return None
    s, a = schema.sign_in_sessions.c, schema.accounts.c
    row = conn.execute(
        select(s.id, s.started_at, s.last_seen_at, s.ended_at, a.username, a.display_name, a.role, a.enabled)
        .join_from(schema.sign_in_sessions, schema.accounts, a.username == s.username)
        .where(s.token_hash == _token_hash(token))
    ).first()
    if row is None or row.ended_at is not None or not row.enabled:
        return None
    if row.role != "wallscreen":
        settings = get_settings()
        if now - row.started_at > dt.timedelta(hours=settings.session_hours):
            return None
        if now - row.last_seen_at > dt.timedelta(minutes=settings.session_idle_minutes):
            return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        conn.execute(update(schema.sign_in_sessions).where(s.id == row.id).values(last_seen_at=now))
    return _account(row)


def end_session(conn: Connection, token: str, now: dt.datetime) -> None:
    """Sign out: end the session of ``token`` (audited as "sign_out"); nothing for an unknown or
    already ended one."""
    s = schema.sign_in_sessions.c
    row = conn.execute(select(s.id, s.username).where(s.token_hash == _token_hash(token), s.ended_at.is_(None))).first()
    if row is None:
        return
    conn.execute(update(schema.sign_in_sessions).where(s.id == row.id).values(ended_at=now))
    audit.record(conn, "sign_out", username=row.username, at=now)


def end_sessions_of(conn: Connection, username: str, now: dt.datetime) -> int:
    """End every open session of ``username``; returns how many were open."""
    s = schema.sign_in_sessions.c
    result = conn.execute(
        update(schema.sign_in_sessions)
        .where(s.username == normalise_username(username), s.ended_at.is_(None))
        .values(ended_at=now)
    )
    return int(result.rowcount or 0)
