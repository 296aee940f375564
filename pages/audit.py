"""Nhật ký — the audit log (admins): who signed in, viewed or exported personal data, changed a
follow-up status, an account, the hot zones, or imported a file; filtered by user, action and day."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.state import lang, query, tr
from dashboard.views import audit as view
from data_access import audit
from data_access.queries import audit as audit_queries
from data_access.timeutil import local_today, now_utc

SHOWN = 1000

st.title(tr("audit.title"))
today = local_today(now_utc())
left, middle, right = st.columns([3, 3, 3], vertical_alignment="bottom")
days = left.date_input(
    tr("audit.days"), value=(today - dt.timedelta(days=6), today), max_value=today, format="DD/MM/YYYY"
)
picked = tuple(days) if isinstance(days, (tuple, list)) else (days,)
since = picked[0] if picked else None
until = picked[-1] if picked else None
user = middle.text_input(tr("audit.user"), max_chars=50).strip().lower() or None
action = right.selectbox(
    tr("audit.action"),
    options=[None, *audit.ACTIONS],
    format_func=lambda a: tr("audit.all_actions") if a is None else view.action_label(a, lang()),
)
entries = query(audit_queries.entries, since=since, until=until, username=user, action=action, limit=SHOWN)
st.caption(tr("audit.count", shown=len(entries), limit=SHOWN))
if entries.empty:
    st.info(tr("audit.none"))
else:
    st.dataframe(view.shown(entries, lang()), hide_index=True, width="stretch")
