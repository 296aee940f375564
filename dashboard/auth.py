"""Who is looking: the signed-in account of a browser session, from its HttpOnly session cookie.

The cookie is set by the sign-in form (``dashboard/server.py``, a plain HTTP POST: only a server
response can set an HttpOnly cookie, which page scripts cannot read). It holds a random token; the
store keeps only its hash, with the session's start and last activity, so a session ends by itself
after ``SESSION_HOURS`` or ``SESSION_IDLE_MINUTES`` idle, at sign-out, or when the account is
disabled. Streamlit hands the app the cookies of the page load (``st.context.cookies``), so a reload
keeps the session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from urllib.parse import quote, urlencode

import streamlit as st

from data_access import accounts, audit
from data_access.accounts import Account
from data_access.settings import get_settings
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


#: When a claim names several roles, the one that sees most wins.
ROLE_PRECEDENCE = ("admin", "it", "health", "leadership", "wallscreen")


def role_from_claims(claims: dict, claim: str) -> str | None:
    """The dashboard role an identity provider's ``claim`` (a role name, or a list of them) gives,
    or None when it names none of ours."""
    value = claims.get(claim)
    named = {value} if isinstance(value, str) else set(value) if isinstance(value, (list, tuple)) else set()
    return next((role for role in ROLE_PRECEDENCE if role in named), None)


def identity_provider_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` configures an identity provider (``[auth]``, for ``st.login``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file: no provider
        return False


def identity_provider_account() -> Account | None:
    """The account of a visitor signed in with the identity provider (``st.login``), its role from
    the ``OIDC_ROLE_CLAIM`` claim; None when there is no provider, no sign-in, or no role of ours."""
    if not identity_provider_configured() or not st.user.is_logged_in:
        return None
    claims = dict(st.user.to_dict())
    role = role_from_claims(claims, get_settings().oidc_role_claim)
    if role is None:
        return None
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub"))
    shown = claims.get("name")
    account = Account(username=name, display_name=shown if isinstance(shown, str) else None, role=role, enabled=True)
    if not st.session_state.get("idp_audited"):
        with writer_engine().begin() as conn:
            audit.record(conn, "sign_in", username=name, details={"via": "identity provider"})
        st.session_state["idp_audited"] = True
    st.session_state["account"] = account
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


def plain_filters(filters: dict) -> dict:
    """A page's filters as the audit log keeps them: dates as ISO text, lists as lists, no ``now``."""
    out: dict = {}
    for key, value in filters.items():
        if key == "now" or value is None:
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, (list, tuple, set)):
            value = list(value)
        out[key] = value
    return out


def record(action: str, *, page: str | None = None, details: dict | None = None, rows: int | None = None) -> None:
    """Write one audit entry for the signed-in account."""
    with writer_engine().begin() as conn:
        audit.record(conn, action, username=username(), page=page, details=details, rows=rows)
