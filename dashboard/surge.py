"""The high-risk surge flag, shown on the High-risk page and on the Overview.

The rule lives in ``data_access.queries.high_risk.is_surge``; this only renders it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from data_access.queries import high_risk

from . import formatting as fmt
from .state import lang, query, tr


def surge_banner(now: dt.datetime, checkpoint_ids: Sequence[int] | None = None, *, quiet: bool = True) -> None:
    """A red banner when today's high-risk count up to now is a surge; nothing otherwise when ``quiet``
    (the Overview), a one-line reassurance otherwise (the High-risk page)."""
    surge = query(high_risk.high_risk_surge, now, checkpoint_ids=checkpoint_ids)
    values = dict(
        today=fmt.number(surge.today, lang()),
        baseline=fmt.number(round(surge.baseline, 1), lang()),
        time=fmt.local_time(now, lang(), "HH:mm"),
        days=len(surge.previous),
    )
    if surge.flag:
        st.error(tr("surge.flag", **values), icon="🚨")
    elif not quiet:
        st.caption(tr("surge.none", **values))
