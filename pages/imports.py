"""Nhập dữ liệu — upload a declaration file (the same import as the command line, run in a process of
its own), the imports with their counts, the quarantined rows with their reasons (a page at a time; to
download, fix and import again), and the duplicates. Personal fields are masked; columns the import did
not recognise are never shown."""

from __future__ import annotations

import math

import streamlit as st

from dashboard import auth
from dashboard import formatting as fmt
from dashboard.i18n import error_text
from dashboard.state import lang, query, tr
from dashboard.ui import explain_refused_uploads, log, table_or_note
from dashboard.views import common
from dashboard.views import imports as view
from data_access import importing, masking
from data_access.importing import job
from data_access.queries import imports, quality

#: Quarantined rows per page of the table, and at most in one download (newest first).
QUARANTINE_PAGE_ROWS = 100
QUARANTINE_EXPORT_ROWS = 20_000
#: Excel's own limit on a sheet name.
SHEET_NAME_MAX = 31

st.title(tr("it.imp.title"))
upload_limit_mb = int(st.get_option("server.maxUploadSize"))
explain_refused_uploads(tr("it.imp.refused", mb=upload_limit_mb), tr("it.imp.browse"))


# The quarantine's reasons and counts read every quarantined row's reasons (seconds on a large
# quarantine): cached, and shared by every session since they hold counts only, no row. ``stamp`` (the
# newest batch and the totals) changes with every import, and with it the cache key.
@st.cache_data(ttl=300, show_spinner=False, max_entries=8)
def quarantine_reasons(stamp: tuple):
    """Quarantine reasons by field and problem, as of ``stamp``."""
    return query(quality.quarantine_reasons)


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def quarantine_count(stamp: tuple, batch_id: int | None, field: str | None) -> int:
    """How many quarantined rows the filters keep, as of ``stamp``."""
    return query(imports.quarantine_count, batch_id=batch_id, field=field)


def n(value: int) -> str:
    """A count in the user's language."""
    return fmt.number(value, lang())


def run_upload(uploaded, sheet: str) -> None:
    """Import an uploaded file in its own process, with a progress bar, and say how it ended."""
    name = fmt.escape_markdown(uploaded.name)
    if uploaded.size > upload_limit_mb * 1024 * 1024:
        st.error(tr("it.imp.too_large", name=name, mb=upload_limit_mb))
        return
    bar = st.progress(0.0, text=tr("it.imp.reading", name=name))

    def progress(p: importing.ImportProgress) -> None:
        bar.progress(min(max(p.fraction, 0.0), 1.0), text=tr("it.imp.progress", rows=n(p.rows_in), name=name))

    path = job.save_upload(uploaded.getbuffer())
    try:
        result = job.run_import_process(
            path, uploaded.name, sheet=sheet.strip() or None, created_by=auth.username(), progress=progress
        )
    except importing.UnreadableFile as exc:
        bar.empty()
        st.error(tr("it.imp.unreadable", name=name, reason=fmt.escape_markdown(error_text(exc, lang()))))
    except job.ImportBusy as exc:
        bar.empty()
        st.warning(error_text(exc, lang()))
    except job.ImportFailed:
        bar.empty()
        log.exception("import of an uploaded file failed")  # the error's code and parameters
        st.error(tr("it.imp.failed", name=name))
    else:
        bar.progress(1.0, text=tr("it.imp.done", name=name))
        st.success(
            tr(
                "it.imp.result",
                batch=result.batch_id,
                rows=n(result.rows_in),
                accepted=n(result.accepted),
                duplicates=n(result.duplicates),
                quarantined=n(result.quarantined),
                warnings=n(result.warnings),
            )
        )
        if result.unrecognised_columns:
            st.warning(
                tr(
                    "it.imp.unrecognised",
                    columns=", ".join(fmt.escape_markdown(c) for c in result.unrecognised_columns),
                )
            )
        if result.ids_derived:
            st.info(tr("it.imp.ids_derived"))


# --- upload: a separate process writes through the writers' URL, never the dashboard's reader ------
with st.form("upload", clear_on_submit=False, border=True):
    st.markdown(tr("it.imp.help"))
    uploaded = st.file_uploader(tr("it.imp.file"), accept_multiple_files=False)
    st.caption(tr("it.imp.limit", mb=upload_limit_mb))
    sheet = st.text_input(tr("it.imp.sheet"), help=tr("it.imp.sheet_help"), max_chars=SHEET_NAME_MAX)
    submitted = st.form_submit_button(tr("it.imp.start"), type="primary")
if submitted and uploaded is not None:
    run_upload(uploaded, sheet)
elif submitted:
    st.warning(tr("it.imp.choose"))

# --- imports -------------------------------------------------------------------------------------
st.subheader(tr("it.imp.batches"))
batches = query(imports.batches, 100)
total = query(imports.summary)
if batches.empty:
    st.info(tr("it.imp.none"))
else:
    st.caption(tr("it.imp.totals", **{k: n(v) for k, v in total.items()}))
    st.dataframe(view.imports_table(batches, lang()), hide_index=True, width="stretch")

# --- quarantine: a page at a time, so that a large quarantine never floods the browser -------------
st.subheader(tr("it.imp.quarantine"))
stamp = (int(batches["id"].max()) if not batches.empty else None, tuple(sorted(total.items())))
reasons = quarantine_reasons(stamp)
left, middle, right = st.columns([2, 2, 1])
batch_ids = [None] + [int(b) for b, q in zip(batches.get("id", []), batches.get("quarantined", []), strict=False) if q]
batch = left.selectbox(
    tr("it.imp.filter_batch"), batch_ids, format_func=lambda b: tr("it.imp.all_batches") if b is None else f"#{b}"
)
fields = [None] + sorted(set(reasons["field"])) if not reasons.empty else [None]
field = middle.selectbox(
    tr("it.imp.filter_field"),
    fields,
    format_func=lambda f: tr("it.imp.all_fields") if f is None else common.field_label(f, lang()),
)
count = quarantine_count(stamp, batch, field)
pages = max(1, math.ceil(count / QUARANTINE_PAGE_ROWS))
page = int(right.number_input(tr("it.imp.page"), min_value=1, max_value=pages, value=1, step=1))
if count == 0:
    st.info(tr("it.q.no_quarantine"))
else:
    rows = query(
        imports.quarantine,
        batch_id=batch,
        field=field,
        limit=QUARANTINE_PAGE_ROWS,
        offset=(page - 1) * QUARANTINE_PAGE_ROWS,
    )
    st.caption(tr("it.imp.quarantine_page", n=n(count), page=n(page), pages=n(pages)))
    st.caption(tr("it.imp.quarantine_note"))
    st.dataframe(view.quarantine_table(rows, lang()), hide_index=True, width="stretch", height=320)

    def export():
        return view.quarantine_export(
            query(imports.quarantine, batch_id=batch, field=field, limit=QUARANTINE_EXPORT_ROWS)
        )

    a, b = st.columns(2)
    # Built when clicked, at most QUARANTINE_EXPORT_ROWS rows, neutralised against formula injection.
    a.download_button(
        tr("it.imp.download_csv"), lambda: masking.csv_bytes(export()), "cach-ly.csv", "text/csv", on_click="ignore"
    )
    b.download_button(
        tr("it.imp.download_xlsx"),
        lambda: masking.xlsx_bytes(export(), "Cách ly"),
        "cach-ly.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    if count > QUARANTINE_EXPORT_ROWS:
        st.caption(tr("it.imp.export_cap", n=n(QUARANTINE_EXPORT_ROWS)))

# --- duplicates ----------------------------------------------------------------------------------
st.subheader(tr("it.imp.duplicates"))
table_or_note(
    st,
    query(imports.duplicates, 500),
    tr("it.imp.no_duplicates"),
    lambda frame: frame.rename(
        columns={
            "batch_id": tr("it.col.batch"),
            "file_name": tr("it.col.file"),
            "line_number": tr("it.col.line"),
            "declaration_id": tr("it.col.decl_id"),
        }
    ),
    height=240,
)
