"""Tài khoản — the accounts (admins): who may sign in with which role; add one, disable or enable it,
set a new password. Every change is in the audit log (by the store's account functions)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.i18n import error_text
from dashboard.state import lang, tr, writer_engine
from data_access import accounts
from data_access.errors import CodedError


def _apply(change, done_key: str) -> None:
    """Run one account change in a transaction; say how it went on the next run."""
    try:
        with writer_engine().begin() as conn:
            change(conn)
    except CodedError as exc:
        st.session_state["accounts_message"] = ("error", error_text(exc, lang()))
    else:
        st.session_state["accounts_message"] = ("success", tr(done_key))
    st.rerun()


st.title(tr("accounts.title"))
if message := st.session_state.pop("accounts_message", None):
    kind, text = message
    (st.error if kind == "error" else st.success)(text)

with writer_engine().connect() as conn:
    existing = accounts.list_accounts(conn)
st.dataframe(
    pd.DataFrame(
        {
            tr("accounts.col.username"): [a.username for a in existing],
            tr("accounts.col.display_name"): [a.display_name or "" for a in existing],
            tr("accounts.col.role"): [tr(f"role.{a.role}") for a in existing],
            tr("accounts.col.enabled"): [tr("accounts.on") if a.enabled else tr("accounts.off") for a in existing],
        }
    ),
    hide_index=True,
    width="stretch",
)

me = auth.username()
left, right = st.columns(2)
with left.form("account-add", clear_on_submit=True):
    st.subheader(tr("accounts.add"))
    name = st.text_input(tr("accounts.col.username"), max_chars=50)
    shown = st.text_input(tr("accounts.col.display_name"), max_chars=100)
    role = st.selectbox(tr("accounts.col.role"), options=list(accounts.ROLES), format_func=lambda r: tr(f"role.{r}"))
    password = st.text_input(tr("signin.password"), type="password", max_chars=200)
    if st.form_submit_button(tr("accounts.add_submit"), type="primary"):
        _apply(
            lambda conn: accounts.add_account(conn, name, role, password, display_name=shown.strip() or None, by=me),
            "accounts.added",
        )
with right.form("account-change"):
    st.subheader(tr("accounts.change"))
    names = [a.username for a in existing if a.username != me]  # an admin does not lock themself out
    chosen = st.selectbox(tr("accounts.col.username"), options=names)
    new_password = st.text_input(tr("accounts.new_password"), type="password", max_chars=200)
    disable, enable, reset = st.columns(3)
    if disable.form_submit_button(tr("accounts.disable")) and chosen:
        _apply(lambda conn: accounts.set_enabled(conn, chosen, False, by=me), "accounts.changed")
    if enable.form_submit_button(tr("accounts.enable")) and chosen:
        _apply(lambda conn: accounts.set_enabled(conn, chosen, True, by=me), "accounts.changed")
    if reset.form_submit_button(tr("accounts.reset")) and chosen:
        _apply(lambda conn: accounts.reset_password(conn, chosen, new_password, by=me), "accounts.changed")
st.caption(tr("accounts.note"))
