"""Who is looking: the signed-in account of a browser session, from its HttpOnly session cookie.

The cookie is set by the sign-in form (``dashboard/server.py``, a plain HTTP POST: only a server
response can set an HttpOnly cookie, which page scripts cannot read). It holds a random token; the
store keeps only its hash, with the session's start and last activity, so a session ends by itself
after ``SESSION_HOURS`` or ``SESSION_IDLE_MINUTES`` idle, at sign-out, or when the account is
disabled. Streamlit hands the app the cookies of the page load (``st.context.cookies``), so a reload
keeps the session.
"""

from __future__ import annotations

import hashlib
import json
import logging
from urllib.parse import quote, urlencode

import streamlit as st

from data_access import accounts, audit
from data_access.accounts import Account
from data_access.timeutil import now_utc

from .state import query, writer_engine

SESSION_COOKIE = "tb_session"
SIGN_IN_PATH = "/dang-nhap"
SIGN_OUT_PATH = "/dang-xuat"
log = logging.getLogger("dashboard")


def session_token() -> str | None:
    """The session token of this browser session's page load, if it has one."""
    try:
        token = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there are no cookies
        return None
    return token if isinstance(token, str) and token else None


def sign_out_check(token: str) -> str:
    """The value the sign-out address carries, so that only this session's own page can end it."""
    return hashlib.sha256(f"sign-out:{token}".encode()).hexdigest()[:20]


def signed_in(*, touch: bool) -> Account | None:
    """The account signed in on this browser session, or None (no cookie, unknown, expired, ended,
    disabled). ``touch`` records activity (a full run: the visitor did something); the live parts'
    refreshes check without touching, so an unattended page still ends after the idle time."""
    token = session_token()
    if token is None:
        return None
    if touch:
        with writer_engine().begin() as conn:
            account = accounts.session_account(conn, token, now_utc(), touch=True)
    else:  # a check only: the read-only engine
        account = query(accounts.session_account, token, now_utc(), touch=False)
    if account is not None:
        st.session_state["account"] = account
    else:
        st.session_state.pop("account", None)
    return account


def current_account() -> Account:
    """The account of this run (the entry checked it before any page ran)."""
    account = st.session_state.get("account")
    if account is None:  # a page run without the entry (cannot happen through the app)
        raise RuntimeError("no signed-in account")
    return account


def username() -> str:
    """Who is doing what this run does, for the audit log and the import and hot-zone records."""
    return current_account().username


def sign_in_address(path: str, query: dict[str, str] | None = None) -> str:
    """The sign-in form's address, asked to come back to ``path`` with ``query`` afterwards."""
    target = "/" + path.lstrip("/")
    if query:
        target += "?" + urlencode(query)
    return f"{SIGN_IN_PATH}?{urlencode({'next': target})}"


def sign_out_address() -> str:
    """This session's sign-out address."""
    token = session_token() or ""
    return f"{SIGN_OUT_PATH}?t={quote(sign_out_check(token))}"


def go_to(address: str) -> None:
    """Send the browser to ``address`` (a page of this server), at once."""
    st.html(
        f"<script>window.location.replace({json.dumps(address)});</script>",
        unsafe_allow_javascript=True,
    )


def record(action: str, *, page: str | None = None, details: dict | None = None, rows: int | None = None) -> None:
    """Write one audit entry for the signed-in account."""
    with writer_engine().begin() as conn:
        audit.record(conn, action, username=username(), page=page, details=details, rows=rows)
