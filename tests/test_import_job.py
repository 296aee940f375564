"""The upload page's import runs the command line's import in a child process: same counts, progress
while it runs, the spooled file removed, an unreadable file reported with the import's own reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.i18n import error_text
from data_access.importing import job as import_job
from data_access.importing.pipeline import ImportProgress, UnreadableFile
from data_access.settings import get_settings
from data_access.store import create_store_engine, init_store, schema
from tests.import_support import csv_bytes, row


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    engine = create_store_engine(url)
    init_store(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def test_an_upload_is_imported_by_a_child_process(store, tmp_path):
    data = csv_bytes(
        [row(declaration_id=f"j{i}", declared_at=f"20/11/2026 08:{i:02d}:00") for i in range(30)]
        + [row(declaration_id="bad", checkpoint="Cầu Không Có")]
    )
    path = import_job.save_upload(data)
    assert path.stat().st_mode & 0o777 == 0o600  # personal data: readable by the server's user only
    seen: list[ImportProgress] = []
    result = import_job.run_import_process(
        path, "[a](https://e.x).csv", sheet=None, created_by="dashboard", progress=seen.append
    )
    assert (result.rows_in, result.accepted, result.duplicates, result.quarantined) == (31, 30, 0, 1)
    assert result.file_name == "[a](https://e.x).csv"
    assert seen and seen[-1].rows_in == 31
    assert not path.exists()
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.declarations)).scalar() == 30
        batch = conn.execute(
            select(schema.import_batches.c.file_name, schema.import_batches.c.created_by).where(
                schema.import_batches.c.kind == "import"
            )
        ).one()
    assert tuple(batch) == ("[a](https://e.x).csv", "dashboard")
    # the same file again adds nothing
    again = import_job.run_import_process(import_job.save_upload(data), "x.csv", sheet=None, created_by="dashboard")
    assert (again.accepted, again.duplicates, again.quarantined) == (0, 30, 1)


def test_an_unreadable_upload_raises_with_the_reason(store):
    path = import_job.save_upload(b"%PDF-1.4 not a table")
    with pytest.raises(UnreadableFile) as exc:
        import_job.run_import_process(path, "scan.pdf", sheet=None, created_by="dashboard")
    assert (exc.value.code, exc.value.params) == ("file.not_table", {})
    assert not path.exists()


def test_a_missing_sheet_is_named_in_the_reason(store, tmp_path):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Danh sách"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UnreadableFile) as exc:
        import_job.run_import_process(
            import_job.save_upload(buffer.getvalue()), "a.xlsx", sheet="Tờ 2", created_by="dashboard"
        )
    # the code and parameters came through the child's JSON event, and are worded in either language
    assert (exc.value.code, exc.value.params) == ("file.sheet_missing", {"sheet": "Tờ 2", "sheets": ["Danh sách"]})
    assert error_text(exc.value, "vi") == "Không có trang tính “Tờ 2” trong tệp (các trang: Danh sách)"
    assert error_text(exc.value, "en") == "The file has no sheet “Tờ 2” (its sheets: Danh sách)"


def test_a_cell_too_long_far_down_names_its_line_in_either_language(store):
    rows = [row(declaration_id=f"L{i}") for i in range(1500)] + [row(declaration_id="L", full_name="N" * 200_000)]
    with pytest.raises(UnreadableFile) as exc:
        import_job.run_import_process(
            import_job.save_upload(csv_bytes(rows)), "l.csv", sheet=None, created_by="dashboard"
        )
    assert (exc.value.code, exc.value.params) == ("file.csv_cell_too_long", {"line": 1502, "limit": 131_072})
    assert error_text(exc.value, "vi") == "Không đọc được tệp CSV: dòng 1.502 có ô dài hơn 131.072 ký tự"
    assert (
        error_text(exc.value, "en") == "Cannot read the CSV file: line 1,502 has a cell longer than 131,072 characters"
    )


def test_a_file_name_starting_with_a_dash_is_a_name(store):
    data = csv_bytes([row(declaration_id="d1")])
    result = import_job.run_import_process(
        import_job.save_upload(data), "-danh-sach.csv", sheet="-trang", created_by="dashboard"
    )
    assert (result.file_name, result.accepted) == ("-danh-sach.csv", 1)


def test_one_import_at_a_time_from_the_dashboard(store):
    import fcntl
    import os

    fd = os.open(import_job.LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a running import holds it
    try:
        path = import_job.save_upload(csv_bytes([row(declaration_id="b1")]))
        with pytest.raises(import_job.ImportBusy) as exc:
            import_job.run_import_process(path, "b.csv", sheet=None, created_by="dashboard")
        assert (exc.value.code, exc.value.params) == ("import.busy", {})
        assert error_text(exc.value, "en").startswith("Another import is running on the dashboard")
        assert not path.exists()  # the spooled copy of personal data does not stay behind
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    # free again: the next import runs
    assert (
        import_job.run_import_process(
            import_job.save_upload(csv_bytes([row(declaration_id="b1")])), "b.csv", sheet=None, created_by="dashboard"
        ).accepted
        == 1
    )


def test_the_spooled_file_is_removed_when_the_import_process_dies(store, monkeypatch):
    from data_access.importing.pipeline import KILL_HOOK_ENV

    monkeypatch.setenv(KILL_HOOK_ENV, "1")  # the child kills itself after its first batch
    path = import_job.save_upload(csv_bytes([row(declaration_id=f"k{i}") for i in range(3)]))
    with pytest.raises(import_job.ImportFailed) as exc:
        import_job.run_import_process(path, "k.csv", sheet=None, created_by="dashboard")
    assert exc.value.code == "import.failed" and exc.value.params["returncode"] != 0
    assert not path.exists()
