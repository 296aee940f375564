"""Nhập dữ liệu — upload a declaration file (the same import as the command line), the imports with
their counts, the quarantined rows with their reasons (to download, fix and import again), and the
duplicates (IT team, issue 4). Personal fields are masked (SPEC §6)."""

from __future__ import annotations

import streamlit as st

from dashboard import it_team
from dashboard import formatting as fmt
from dashboard.state import lang, query, tr
from dashboard.ui import table_or_note
from data_access import importer, masking, quality

st.title(tr("it.imp.title"))

# --- upload: writes through the writer engine, never the dashboard's read-only one ---------------
with st.form("upload", clear_on_submit=False, border=True):
    st.markdown(tr("it.imp.help"))
    uploaded = st.file_uploader(tr("it.imp.file"), accept_multiple_files=False)
    sheet = st.text_input(tr("it.imp.sheet"), help=tr("it.imp.sheet_help"))
    submitted = st.form_submit_button(tr("it.imp.start"), type="primary")
if submitted and uploaded is not None:
    bar = st.progress(0.0, text=tr("it.imp.reading", name=uploaded.name))

    def progress(p: importer.ImportProgress) -> None:
        bar.progress(min(max(p.fraction, 0.0), 1.0),
                     text=tr("it.imp.progress", rows=fmt.number(p.rows_in, lang()), name=uploaded.name))

    try:
        result = importer.import_file(it_team.writer_engine(), uploaded.getvalue(), uploaded.name,
                                      sheet=sheet.strip() or None, created_by=it_team.UI_USER, progress=progress)
    except importer.UnreadableFile as exc:
        bar.empty()
        st.error(tr("it.imp.unreadable", name=uploaded.name, reason=str(exc)))
    else:
        bar.progress(1.0, text=tr("it.imp.done", name=uploaded.name))
        n = lambda v: fmt.number(v, lang())  # noqa: E731
        st.success(tr("it.imp.result", batch=result.batch_id, rows=n(result.rows_in), accepted=n(result.accepted),
                      duplicates=n(result.duplicates), quarantined=n(result.quarantined),
                      warnings=n(result.warnings)))
elif submitted:
    st.warning(tr("it.imp.choose"))

# --- imports -------------------------------------------------------------------------------------
st.subheader(tr("it.imp.batches"))
batches = query(quality.imports, 100)
if batches.empty:
    st.info(tr("it.imp.none"))
else:
    total = query(quality.summary)
    st.caption(tr("it.imp.totals", **{k: fmt.number(v, lang()) for k, v in total.items()}))
    st.dataframe(it_team.imports_table(batches, lang()), hide_index=True, width="stretch")

# --- quarantine ----------------------------------------------------------------------------------
st.subheader(tr("it.imp.quarantine"))
reasons = query(quality.quarantine_reasons)
left, right = st.columns(2)
batch_ids = [None] + [int(b) for b, q in zip(batches.get("id", []), batches.get("quarantined", [])) if q]
batch = left.selectbox(tr("it.imp.filter_batch"), batch_ids,
                       format_func=lambda b: tr("it.imp.all_batches") if b is None else f"#{b}")
fields = [None] + sorted(set(reasons["field"])) if not reasons.empty else [None]
field = right.selectbox(tr("it.imp.filter_field"), fields,
                        format_func=lambda f: tr("it.imp.all_fields") if f is None else it_team.field_label(f, lang()))
rows = query(quality.quarantine, batch_id=batch, field=field, limit=5000)
if rows.empty:
    st.info(tr("it.q.no_quarantine"))
else:
    st.caption(tr("it.imp.quarantine_note", n=fmt.number(len(rows), lang())))
    st.dataframe(it_team.quarantine_table(rows, lang()), hide_index=True, width="stretch", height=320)
    export = it_team.quarantine_export(rows)
    a, b = st.columns(2)
    # Downloads are neutralised against formula injection (masking.safe_cell).
    a.download_button(tr("it.imp.download_csv"), masking.csv_bytes(export), "cach-ly.csv", "text/csv")
    b.download_button(tr("it.imp.download_xlsx"), masking.xlsx_bytes(export, "Cách ly"), "cach-ly.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# --- duplicates ----------------------------------------------------------------------------------
st.subheader(tr("it.imp.duplicates"))
table_or_note(st, query(quality.duplicates, 500), tr("it.imp.no_duplicates"),
              lambda frame: frame.rename(columns={"batch_id": tr("it.col.batch"), "file_name": tr("it.col.file"),
                                                  "line_number": tr("it.col.line"),
                                                  "declaration_id": tr("it.col.decl_id")}), height=240)
