"""Text that comes from files, forms and store rows is shown as text on every page that shows it: a
Markdown link, a Markdown image, bold and an <img onerror> never become a link, an image, a request
or a script, whether they sit in a file name, a typed sheet name, a hot-zone label, a checkpoint name,
a quarantined row or a warning."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select, update

from data_access import hotzones, importing
from data_access.risk import HotZoneIndex
from data_access.store import create_store_engine, init_store, schema, write_declarations
from data_access.timeutil import now_utc
from tests.browser.conftest import assert_no_exception, wait_for_app
from tests.import_support import csv_bytes, row
from tests.support import declaration

pytestmark = pytest.mark.browser

LINK, IMAGE, BOLD, IMG_TAG = "[a](https://e.x/l)", "![](https://e.x/p.png)", "**x**", "<img src=x onerror=alert(1)>"
#: "<img onerror>" spelled with JavaScript escapes: a template literal would turn it into markup.
JS_ESCAPED = r"\x3cimg src=x onerror=alert(1)\x3e 16\unknown"
HOSTILE = f"{BOLD} {LINK} {IMAGE} {IMG_TAG} {JS_ESCAPED}"
PAGES = [
    "tong-quan",
    "ban-do",
    "luu-luong",
    "nguy-co-cao",
    "ung-dung-cntt",
    "chat-luong-du-lieu",
    "nhap-du-lieu",
    "vung-dich",
]


@pytest.fixture
def hostile_store(tmp_path):
    """Declarations today at a checkpoint whose name is hostile, hot zones labelled with each payload."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    with engine.begin() as conn:
        c = schema.checkpoints.c
        cp = conn.execute(select(c.id).where(c.code == "TAN_DE")).scalar_one()
        conn.execute(update(schema.checkpoints).where(c.id == cp).values(name=f"Cầu Tân Đệ {HOSTILE}"))
        now = now_utc().replace(tzinfo=dt.UTC)
        write_declarations(
            conn,
            [
                declaration(cp, now - dt.timedelta(minutes=3 * i), origin_province_code="24", contact_f0=i % 2 == 0)
                for i in range(10)
            ],
            HotZoneIndex([]),
        )
        ref = importing.load_reference(conn)
        for label in (BOLD, LINK, IMAGE, IMG_TAG, JS_ESCAPED):
            zone = hotzones.validate_zone(
                {"province": "24", "label": label, "valid_from": (dt.date.today() - dt.timedelta(days=2)).isoformat()},
                ref,
            )
            hotzones.add_zone(conn, zone, changed_by=f"it {LINK}")
    yield url, engine
    engine.dispose()


def _hostile_upload(tmp_path):
    path = tmp_path / f"{IMAGE}.csv".replace("/", "_")
    path.write_bytes(
        csv_bytes(
            [
                row(declaration_id="ok1", gender=f"{BOLD} {IMAGE}", origin_district=HOSTILE),
                row(declaration_id="bad1", declared_at=LINK, full_name=IMG_TAG, phone="0912345678"),
            ]
        )
    )
    return path


def _assert_only_text(page, requests: list[str]) -> None:
    links = page.locator('a[href*="e.x"]')
    assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())]
    assert page.locator('img[src*="e.x"], img[src="x"], [onerror]').count() == 0
    for frame in page.frames:  # the map is a component in an iframe
        assert frame.locator('a[href*="e.x"], img[src*="e.x"], [onerror]').count() == 0
    assert [r for r in requests if "e.x" in r] == []
    assert_no_exception(page)


def test_user_text_is_never_markup(streamlit_server, app_page, hostile_store, tmp_path):
    url, _engine = hostile_store
    server = streamlit_server(env={"DATABASE_URL": url})
    page = app_page(f"{server.url}/nhap-du-lieu")
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # a hostile file name and hostile cells, through the upload
    upload = _hostile_upload(tmp_path)
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.locator('[data-testid="stFileChip"]').first.wait_for(timeout=15_000)
    wait_for_app(page)
    page.get_by_role("button", name="Nhập tệp").click()
    page.get_by_text("Lô nhập #1: 2 dòng — nhận 1, trùng 0, cách ly 1").wait_for(timeout=60_000)
    wait_for_app(page)
    assert upload.name in page.get_by_text("Đã nhập xong").inner_text().replace("\u2060", "")  # as typed
    _assert_only_text(page, requests)

    # a hostile typed sheet name: the error quotes it as text
    book = openpyxl.Workbook()
    book.active.title = "Danh sách"
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = tmp_path / "danh-sach.xlsx"
    xlsx.write_bytes(buffer.getvalue())
    page.locator("input[type=file]").first.set_input_files(str(xlsx))
    page.get_by_text("danh-sach.xlsx").first.wait_for(timeout=15_000)
    wait_for_app(page)
    page.get_by_role("textbox", name="Trang tính (XLSX, để trống = trang đầu)").fill("![](https://e.x/s.png)")
    page.get_by_role("button", name="Nhập tệp").click()
    said = page.get_by_text("Không có trang tính “", exact=False)
    said.wait_for(timeout=60_000)
    # shown as typed (an invisible word joiner keeps the address from becoming a link)
    assert "Không có trang tính “![](https://e.x/s.png)”" in said.inner_text().replace("\u2060", "")
    _assert_only_text(page, requests)

    for path in PAGES:  # every page that shows names, labels, reasons or file names
        page.goto(f"{server.url}/{path}")
        wait_for_app(page)
        page.wait_for_timeout(1000)  # the map's iframe paints its layers
        _assert_only_text(page, requests)
    assert dialogs == []
    # the hostile checkpoint name is shown, as typed, where the map panel names it
    page.goto(f"{server.url}/ban-do")
    wait_for_app(page)
    shown = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
    assert f"Cầu Tân Đệ {HOSTILE}" in shown
