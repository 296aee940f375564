"""Vùng dịch — the hot-zone list: edit it in a table or replace it from a file; every change
re-classifies the affected declarations and their aggregates in one transaction and is logged
(IT team). Writes go through the writer engine, never the dashboard's read-only one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, state
from dashboard import formatting as fmt
from dashboard.i18n import error_text
from dashboard.state import lang, query, tr
from dashboard.ui import explain_refused_uploads
from dashboard.views import hot_zones as view
from data_access import hotzones, importing
from data_access.queries import hot_zones, reference
from data_access.timeutil import local_today


class _LinesRefused(Exception):
    """A hot-zone file with lines that hold no zone (:class:`hotzones.ZoneProblem`): the list stays."""

    def __init__(self, problems: list[hotzones.ZoneProblem]) -> None:
        super().__init__(len(problems))
        self.problems = problems


def _apply(action) -> None:
    """Run one change in a writer transaction and show what it did (an error in the visitor's language)."""
    try:
        with state.writer_engine().begin() as conn:
            ref = importing.load_reference(conn)
            change = action(conn, ref)
    except (hotzones.HotZoneError, importing.UnreadableFile) as exc:
        st.session_state["hz_message"] = ("error", error_text(exc, lang()))
    except _LinesRefused as exc:
        st.session_state["hz_message"] = ("error", view.problems_text(exc.problems, lang()))
    else:
        st.session_state["hz_message"] = (
            "success",
            tr(
                "it.hz.saved",
                added=change.added,
                updated=change.updated,
                deleted=change.deleted,
                reclassified=fmt.number(change.reclassified, lang()),
            ),
        )


st.title(tr("it.hz.title"))
explain_refused_uploads(tr("it.imp.refused", mb=int(st.get_option("server.maxUploadSize"))), tr("it.imp.browse"))
st.caption(tr("it.hz.help"))
if message := st.session_state.pop("hz_message", None):
    # The message may quote the file's or the form's text: shown as typed, never as Markdown.
    (st.error if message[0] == "error" else st.success)(fmt.escape_markdown(message[1]))

provinces = query(reference.provinces)
zones = query(hot_zones.list_zones, local_today())
before = pd.DataFrame(
    zones,
    columns=[
        "id",
        "province_code",
        "province_name",
        "district_name",
        "label",
        "valid_from",
        "valid_to",
        "created_by",
        "created_at",
        "active",
    ],
)
before = view.zone_frame(before, tr("it.hz.active"), tr("it.hz.inactive"))
edited = st.data_editor(
    before,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    key="zones_editor",
    column_config={
        "id": None,  # kept to tell an edited row from a new one, not shown
        "province_code": st.column_config.SelectboxColumn(
            tr("it.hz.province"),
            options=list(provinces),
            format_func=lambda c: provinces.get(str(c), str(c)),
            required=True,
        ),
        "district_name": st.column_config.TextColumn(tr("it.hz.district"), help=tr("it.hz.district_help")),
        "label": st.column_config.TextColumn(tr("it.hz.label"), required=True, max_chars=hotzones.LABEL_MAX),
        "valid_from": st.column_config.DateColumn(tr("it.hz.from"), format="DD/MM/YYYY", required=True),
        "valid_to": st.column_config.DateColumn(tr("it.hz.to"), format="DD/MM/YYYY", help=tr("it.hz.to_help")),
        "state": st.column_config.TextColumn(tr("it.hz.state"), disabled=True),
    },
)
added, changed, deleted = view.zone_edits(before, edited)
if added or changed or deleted:
    st.info(tr("it.hz.pending", added=len(added), updated=len(changed), deleted=len(deleted)))
if st.button(tr("it.hz.save"), type="primary", disabled=not (added or changed or deleted)):

    def save(conn, ref):
        total = hotzones.ZoneChange(0, 0, 0, 0)
        for zone_id in deleted:
            c = hotzones.delete_zone(conn, zone_id, changed_by=auth.username())
            total = hotzones.ZoneChange(
                total.added, total.updated, total.deleted + 1, total.reclassified + c.reclassified
            )
        for zone_id, values in changed:
            c = hotzones.update_zone(conn, zone_id, hotzones.validate_zone(values, ref), changed_by=auth.username())
            total = hotzones.ZoneChange(
                total.added, total.updated + 1, total.deleted, total.reclassified + c.reclassified
            )
        for values in added:
            c = hotzones.add_zone(conn, hotzones.validate_zone(values, ref), changed_by=auth.username())
            total = hotzones.ZoneChange(
                total.added + 1, total.updated, total.deleted, total.reclassified + c.reclassified
            )
        return total

    _apply(save)
    st.session_state.pop("zones_editor", None)
    st.rerun()

with st.expander(tr("it.hz.file"), icon=":material/upload_file:"):
    st.markdown(tr("it.hz.file_help"))
    file = st.file_uploader(tr("it.imp.file"), key="zones_file")
    if st.button(tr("it.hz.replace"), disabled=file is None):

        def replace(conn, ref):
            assert file is not None  # the button is disabled without a file
            new, problems = hotzones.read_zone_file(file.getvalue(), ref)
            if problems:
                raise _LinesRefused(problems)
            return hotzones.replace_zones(conn, new, changed_by=auth.username())

        _apply(replace)
        st.session_state.pop("zones_editor", None)
        st.rerun()

st.subheader(tr("it.hz.changes"))
changes = query(hot_zones.recent_changes, 50)
if changes:
    st.dataframe(view.changes_table(changes, provinces, lang()), hide_index=True, width="stretch")
else:
    st.info(tr("it.hz.no_changes"))
