"""The rows behind a figure ("Xem danh sách"): from the high-risk page and the map's checkpoint panel,
the high-risk travellers the figure counts, with the same filters. Personal fields in full for the
health officers and admins, masked for the IT team (090****567), not offered to the leadership.
Every opening is audited with who, the page, the filters and the number of rows.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from data_access.queries import follow_up

from . import auth
from .navigation import row_access
from .state import lang, query, tr
from .views import follow_up as view

#: Rows shown in the dialog (newest first); the count above says how many there are in all.
DIALOG_ROWS = 500


def rows_button(
    *,
    key: str,
    page: str,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    checkpoint_ids: list[int] | None = None,
    directions: tuple[str, ...] | None = None,
    container=None,
) -> None:
    """A "Xem danh sách" button opening the rows behind a figure; nothing for a role without access."""
    access = row_access(auth.current_account().role)
    if access is None:
        return
    where = dict(first_day=first_day, last_day=last_day, now=now, checkpoint_ids=checkpoint_ids, directions=directions)
    if (container or st).button(tr("rows.open"), key=key, icon=":material/list:"):
        # The dialog's title is in the visitor's language, so it is made here, not at import.
        st.dialog(tr("rows.title"), width="large")(_rows)(page, where, access == "masked")


def _rows(page: str, where: dict, masked: bool) -> None:
    total = query(follow_up.traveller_count, **where)
    frame = query(follow_up.travellers, **where, limit=DIALOG_ROWS)
    auth.record(
        "view_personal",
        page=page,
        details={
            "filters": auth.plain_filters(where),
            "masked": masked,
        },
        rows=len(frame),
    )
    st.caption(tr("rows.count", shown=len(frame), total=total))
    if masked:
        st.caption(tr("rows.masked_note"))
    if frame.empty:
        st.info(tr("rows.none"))
        return
    st.dataframe(view.shown(frame, lang(), masked=masked), hide_index=True, width="stretch")
