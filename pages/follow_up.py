"""Theo dõi — the health officers' list of high-risk travellers: who to call, and what was done.

Personal fields in full (roles health and admin only); every view and export is audited. Not a live
page: a work list that refreshed under the officer's hand would move the row being edited.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard.filters import filtered_page
from dashboard.i18n import error_text
from dashboard.state import lang, query, tr, writer_engine
from dashboard.views import common
from dashboard.views import follow_up as view
from data_access import follow_up
from data_access.errors import CodedError
from data_access.queries import follow_up as follow_up_queries
from data_access.timeutil import now_utc

PAGE = "theo-doi"
PAGE_ROWS = 200
#: The export takes at most this many rows (a month of high-risk travellers is a few thousand).
EXPORT_ROWS = 50_000

checkpoints, filters = filtered_page("follow.title")
now = now_utc()
first, last, where, _colors = common.scope(filters, checkpoints, now)

left, middle, right = st.columns([3, 3, 4], vertical_alignment="bottom")
reasons = left.multiselect(
    tr("follow.reason"),
    options=list(view.REASON_KEYS),
    format_func=lambda r: view.reason_label(r, lang()),
    placeholder=tr("follow.all"),
)
statuses = middle.multiselect(
    tr("follow.status"),
    options=list(follow_up.STATUSES),
    format_func=lambda s: view.status_label(s, lang()),
    placeholder=tr("follow.all"),
)
search = right.text_input(tr("follow.search"), max_chars=50, placeholder=tr("follow.search_hint")).strip()
chosen = dict(
    first_day=first,
    last_day=last,
    now=now,
    checkpoint_ids=where["checkpoint_ids"],
    directions=where["directions"],
    reasons=reasons or None,
    statuses=statuses or None,
    search=search or None,
)

total = query(follow_up_queries.traveller_count, **chosen)
pages = max(1, -(-total // PAGE_ROWS))
page_number = 1
if pages > 1:
    page_number = int(st.number_input(tr("follow.page", pages=pages), min_value=1, max_value=pages, value=1))
frame = query(follow_up_queries.travellers, **chosen, limit=PAGE_ROWS, offset=(page_number - 1) * PAGE_ROWS)

# A view of personal fields is audited once per distinct list shown in this session.
signature = repr(sorted((k, repr(v)) for k, v in chosen.items() if k != "now")) + f"#{page_number}"
if st.session_state.get("follow_audited") != signature:
    auth.record(
        "view_personal",
        page=PAGE,
        details={"filters": auth.plain_filters(chosen), "page": page_number},
        rows=len(frame),
    )
    st.session_state["follow_audited"] = signature

st.caption(tr("follow.count", total=total, shown=len(frame), range=common.range_text(first, last, lang())))
if frame.empty:
    st.info(tr("follow.none"))
    st.stop()

event = st.dataframe(
    view.shown(frame, lang()),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="follow-table",
)

export, _ = st.columns([3, 7])
if export.button(tr("follow.export_prepare"), icon=":material/table_view:"):
    everything = query(follow_up_queries.travellers, **chosen, limit=EXPORT_ROWS)
    st.session_state["follow_export"] = view.workbook(everything, lang())
    auth.record(
        "export", page=PAGE, details={"format": "xlsx", "filters": auth.plain_filters(chosen)}, rows=len(everything)
    )
if "follow_export" in st.session_state:
    export.download_button(
        tr("follow.export"),
        data=st.session_state["follow_export"],
        file_name=f"theo-doi-{first.isoformat()}-{last.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )

selected = event.selection.rows if event is not None else []
if not selected:
    st.caption(tr("follow.pick_row"))
    st.stop()

row = frame.iloc[selected[0]]
declaration_id = int(row["id"])
st.subheader(tr("follow.traveller", name=row["full_name"] or "—"))
history = query(follow_up_queries.history, [declaration_id])
if history.empty:
    st.caption(tr("follow.no_history"))
else:
    st.dataframe(view.history_shown(history, lang()), hide_index=True, width="stretch")

with st.form(f"status-{declaration_id}", clear_on_submit=True):
    status = st.selectbox(
        tr("follow.new_status"),
        options=list(follow_up.STATUSES),
        index=list(follow_up.STATUSES).index(row["status"] or "not_contacted"),
        format_func=lambda s: view.status_label(s, lang()),
    )
    note = st.text_area(tr("follow.note"), max_chars=500)
    if st.form_submit_button(tr("follow.save"), type="primary"):
        try:
            with writer_engine().begin() as conn:
                follow_up.set_status(conn, declaration_id, status, note.strip() or None, by=auth.username())
        except CodedError as exc:
            st.error(error_text(exc, lang()))
        else:
            st.session_state.pop("follow_export", None)
            st.toast(tr("follow.saved"), icon=":material/check:")
            st.rerun()
