"""Báo cáo — the day's briefing for the Department's leadership: the deck, the workbook and the Word
report of one local day, made from the same figures as the pages (aggregates only, no personal field)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import briefing
from dashboard import auth
from dashboard.i18n import error_text
from dashboard.state import lang, query, tr
from dashboard.views.common import range_text
from data_access.errors import CodedError
from data_access.timeutil import local_today, now_utc

PAGE = "bao-cao"
FILES = "report_files"

st.title(tr("report.title"))
st.caption(tr("report.intro"))
now = now_utc()
today = local_today(now)
day = st.date_input(
    tr("report.day"), value=today - dt.timedelta(days=1), max_value=today, format="DD/MM/YYYY", key="report_day"
)
if st.button(tr("report.make"), type="primary", icon=":material/description:"):
    try:
        with st.spinner(tr("report.making")):
            figures = query(briefing.gather, day, now)
            files = briefing.briefing_bytes(figures)
    except CodedError as exc:
        st.error(error_text(exc, lang()))
    else:
        st.session_state[FILES] = (day, files)
        auth.record("export", page=PAGE, details={"day": day.isoformat(), "formats": list(files)})
made = st.session_state.get(FILES)
if made is not None:
    made_day, files = made
    st.success(tr("report.ready", day=range_text(made_day, made_day, lang())))
    for column, fmt in zip(st.columns(len(files)), files, strict=False):
        column.download_button(
            tr(f"report.download.{fmt}"),
            data=files[fmt],
            file_name=briefing.file_name(made_day, fmt),
            mime=briefing.MIME_TYPES[fmt],
            icon=":material/download:",
            width="stretch",
        )
