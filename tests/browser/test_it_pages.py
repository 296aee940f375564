"""The IT team's pages in a real browser: they render without exception, the upload imports a hostile
file through the writer engine (the page shows its text as text, personal fields masked), and the
hot-zone editor saves a change that re-classifies declarations."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data_access.queries import hot_zones
from data_access.risk import HotZoneIndex
from data_access.store import create_store_engine, init_store, schema, write_declarations
from data_access.timeutil import now_utc
from tests.browser.conftest import TEST_USER, assert_no_exception, wait_for_app
from tests.import_support import HEADER_VI, csv_bytes, row
from tests.support import declaration

pytestmark = pytest.mark.browser


@pytest.fixture
def store(tmp_path):
    """A small store: a few declarations today at Tân Đệ from Bắc Giang; no hot zone."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    with engine.begin() as conn:
        cp = conn.execute(select(schema.checkpoints.c.id).where(schema.checkpoints.c.code == "TAN_DE")).scalar_one()
        now = now_utc().replace(tzinfo=dt.UTC)
        write_declarations(
            conn,
            [declaration(cp, now - dt.timedelta(minutes=5 * i), origin_province_code="24") for i in range(6)],
            HotZoneIndex([]),
        )
    yield url, engine
    engine.dispose()


@pytest.mark.parametrize(
    "path, title",
    [
        ("chat-luong-du-lieu", "Chất lượng dữ liệu"),
        ("nhap-du-lieu", "Nhập dữ liệu khai báo"),
        ("vung-dich", "Danh sách vùng dịch"),
    ],
)
def test_it_pages_render(streamlit_server, app_page, store, path, title):
    server = streamlit_server(env={"DATABASE_URL": store[0]})
    page = app_page(f"{server.url}/{path}")
    assert page.get_by_role("heading", name=title).count() >= 1
    assert_no_exception(page)


def test_upload_imports_a_hostile_file_and_shows_it_as_text(streamlit_server, app_page, store, tmp_path):
    url, engine = store
    path = tmp_path / "hostile.csv"
    path.write_bytes(
        csv_bytes(
            [
                row(declaration_id="ok1", declared_at="20/11/2026 08:00", origin_district="<b>Gò Vấp</b>") + ["x"],
                row(
                    declaration_id="bad1",
                    origin_province="<script>alert(1)</script>",
                    full_name="Nguyễn Văn An",
                    phone="0912345678",
                )
                + [""],
            ],
            header=[*HEADER_VI, "Ghi chú"],
        )
    )
    # IMPORT_PARALLEL_BYTES=0: even this small file goes through a worker process, as a large upload
    # would, proving that multiprocessing works from inside the Streamlit server.
    server = streamlit_server(env={"DATABASE_URL": url, "IMPORT_PARALLEL_BYTES": "0"})
    page = app_page(f"{server.url}/nhap-du-lieu")
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.get_by_text("hostile.csv").wait_for(timeout=15_000)  # the upload reached the server
    page.get_by_role("button", name="Nhập tệp").click()
    page.get_by_text("Lô nhập #1: 2 dòng — nhận 1, trùng 0, cách ly 1").wait_for(timeout=30_000)
    wait_for_app(page)
    assert "Cột không nhận diện, đã bỏ qua: Ghi chú" in page.locator('[data-testid="stMain"]').inner_text()
    assert_no_exception(page)
    # the script is text in a table cell, never a live element; the phone is masked
    assert page.locator("script:has-text('alert(1)')").count() == 0
    assert page.evaluate("() => document.body.innerHTML.includes('<b>Gò Vấp</b>')") is False
    with engine.connect() as conn:
        d = schema.declarations.c
        assert conn.execute(select(d.origin_district).where(d.declaration_id == "ok1")).scalar() == "<b>Gò Vấp</b>"
        b = conn.execute(
            select(schema.import_batches.c.created_by, schema.import_batches.c.quarantined).where(
                schema.import_batches.c.kind == "import"
            )
        ).one()
    assert tuple(b) == (TEST_USER, 1)  # the signed-in account, not a generic name


def test_replacing_hot_zones_from_the_page_reclassifies(streamlit_server, app_page, store, tmp_path):
    url, engine = store
    path = tmp_path / "vung-dich.csv"
    today = dt.date.today()
    path.write_bytes(
        csv_bytes(
            [["Bắc Giang", "", "Chỉ thị 16", (today - dt.timedelta(days=3)).strftime("%d/%m/%Y"), ""]],
            header=["Tỉnh", "Huyện", "Nhãn", "Từ ngày", "Đến ngày"],
        )
    )
    server = streamlit_server(env={"DATABASE_URL": url})
    page = app_page(f"{server.url}/vung-dich")
    page.get_by_text("Thay danh sách bằng tệp CSV/XLSX").click()
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.get_by_text("vung-dich.csv").wait_for(timeout=15_000)  # the upload reached the server
    wait_for_app(page)
    page.get_by_role("button", name="Thay danh sách", exact=True).click()
    page.get_by_text("phân loại lại 6 khai báo").wait_for(timeout=30_000)
    assert_no_exception(page)
    with engine.connect() as conn:
        assert hot_zones.recent_changes(conn)[0]["changed_by"] == TEST_USER
        d = schema.declarations.c
        assert set(conn.execute(select(d.risk_level)).scalars()) == {"high"}


def test_an_upload_over_the_limit_is_refused_in_vietnamese(streamlit_server, app_page, store, tmp_path):
    url, engine = store
    big = tmp_path / "lon.csv"
    big.write_bytes(b"a,b,c\n" * 400_000)  # 2.4 MB, over a 1 MB limit
    server = streamlit_server(env={"DATABASE_URL": url, "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "1"})
    page = app_page(f"{server.url}/nhap-du-lieu")
    assert page.get_by_text("Tệp CSV hoặc XLSX, tối đa 1 MB.", exact=False).count() == 1
    page.locator("input[type=file]").first.set_input_files(str(big))
    page.locator('[data-testid="stFileChip"][aria-invalid="true"]').wait_for(timeout=15_000)
    said = page.evaluate("""() => getComputedStyle(
        document.querySelector('[data-testid="stFileUploader"]'), '::after').content""")
    assert "Tệp bị từ chối: quá 1 MB" in said
    page.get_by_role("button", name="Nhập tệp").click()
    page.get_by_text("Hãy chọn một tệp trước.").wait_for(timeout=15_000)  # nothing reached the server
    with engine.connect() as conn:
        assert (
            conn.execute(select(schema.import_batches.c.id).where(schema.import_batches.c.kind == "import")).first()
            is None
        )


def test_an_upload_error_is_worded_in_the_visitors_language(streamlit_server, app_page, store, tmp_path):
    """The reason an upload is refused comes as a code from the import process and is worded on the
    page: in Vietnamese by default, in English once the visitor chooses English."""
    url, _ = store
    scan = tmp_path / "scan.csv"
    scan.write_bytes(b"%PDF-1.4 not a table")
    server = streamlit_server(env={"DATABASE_URL": url})
    page = app_page(f"{server.url}/nhap-du-lieu")
    page.locator("input[type=file]").first.set_input_files(str(scan))
    page.get_by_text("scan.csv").first.wait_for(timeout=15_000)
    wait_for_app(page)
    page.get_by_role("button", name="Nhập tệp").click()
    page.get_by_text("Không đọc được tệp: không phải CSV hoặc XLSX", exact=False).wait_for(timeout=60_000)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="English").click()
    page.get_by_role("button", name="Import", exact=True).wait_for(timeout=15_000)
    wait_for_app(page)
    # the uploader's label changed with the language: a new widget, the file chosen again
    page.locator("input[type=file]").first.set_input_files(str(scan))
    page.get_by_text("scan.csv").first.wait_for(timeout=15_000)
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    said = page.get_by_text("Cannot read the file: it is neither CSV nor XLSX", exact=False)
    said.wait_for(timeout=60_000)
    assert said.inner_text().replace("\u2060", "").startswith("Cannot read scan")
    assert "Không" not in said.inner_text()
    assert_no_exception(page)
