"""Báo cáo (/bao-cao) in the app (AppTest): it renders in both languages, the make button gives the
three files (the same figures as ``briefing.briefing_bytes(briefing.gather(...))`` for the day), the
export is audited, the people's roles may open it and the wall screen is taken to its own page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import PurePosixPath

import docx
import openpyxl
import pytest
from pptx import Presentation
from sqlalchemy import select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import briefing
from dashboard.i18n import t
from dashboard.navigation import PAGES, PEOPLE
from data_access import simulator
from data_access.settings import get_settings
from data_access.store import create_store_engine, init_store, schema
from data_access.timeutil import local_today, now_utc
from tests.support import sign_in_as

from .test_app import APP

PAGE_FILES = {spec.url_path: spec.file for spec in PAGES}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    """Three simulated days (yesterday whole), no feed: the day's figures stay put."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report-page') / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=3, seed=21, scale=0.03)
    engine.dispose()
    return url


class KeptFiles(MemoryMediaFileStorage):
    """AppTest's media storage, kept after the run: the download buttons' data by URL."""

    kept: list[KeptFiles] = []

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        KeptFiles.kept.append(self)

    @classmethod
    def file(cls, url: str) -> tuple[str | None, bytes]:
        """The file name offered and the data behind a download button's ``url``."""
        name = PurePosixPath(url).name
        for storage in reversed(cls.kept):
            try:
                found = storage.get_file(name)
            except Exception:  # noqa: BLE001 - not in this run's storage
                continue
            return found.filename, bytes(found.content)
        raise AssertionError(f"no file behind {url}")


@pytest.fixture
def kept_files(monkeypatch):
    import streamlit.testing.v1.app_test as app_test

    KeptFiles.kept = []
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", KeptFiles)
    return KeptFiles


def _open(monkeypatch, url: str, role: str, lang: str = "vi") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    sign_in_as(monkeypatch, url, role)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if lang != "vi":
        at.session_state["lang"] = lang
        at.run()
    at.switch_page(f"../pages/{PAGE_FILES['bao-cao']}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _make_button(at: AppTest, lang: str):
    return next(b for b in at.button if b.label == t("report.make", lang))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_renders_in_both_languages(monkeypatch, store_url, lang):
    at = _open(monkeypatch, store_url, "leadership", lang)
    assert [e.value for e in at.title] == [t("report.title", lang)]
    assert at.date_input[0].label == t("report.day", lang)
    assert at.date_input[0].value == local_today(now_utc()) - dt.timedelta(days=1)
    assert _make_button(at, lang)
    assert not at.download_button  # nothing made yet


def _numbers(wb) -> dict[str, list]:
    """Every numeric cell of each sheet (sheet → [(coordinate, value)])."""
    return {
        ws.title: [
            (cell.coordinate, cell.value)
            for row in ws.iter_rows()
            for cell in row
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
        ]
        for ws in wb
    }


def _chart_values(data: bytes) -> list:
    prs = Presentation(io.BytesIO(data))
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                for plot in shape.chart.plots:
                    out.append(([str(c) for c in plot.categories], [(s.name, tuple(s.values)) for s in plot.series]))
            if shape.has_table:
                out.append([[cell.text for cell in row.cells] for row in shape.table.rows])
    return out


def _doc_tables(data: bytes) -> list:
    document = docx.Document(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _audit(url: str, action: str) -> list:
    engine = create_store_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(schema.audit_log).where(schema.audit_log.c.action == action)).all()
    engine.dispose()
    return rows


def test_making_the_briefing_gives_the_three_files_with_the_days_figures(monkeypatch, store_url, kept_files):
    exports_before = len(_audit(store_url, "export"))
    at = _open(monkeypatch, store_url, "leadership")
    day = at.date_input[0].value
    _make_button(at, "vi").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = {b.label: b for b in at.download_button}
    assert set(buttons) == {t(f"report.download.{fmt}", "vi") for fmt in briefing.FORMATS}
    files = {}
    for fmt in briefing.FORMATS:
        name, files[fmt] = kept_files.file(buttons[t(f"report.download.{fmt}", "vi")].proto.url)
        assert name == briefing.file_name(day, fmt)

    engine = create_store_engine(store_url, read_only=True)
    try:
        expected = briefing.briefing_bytes(briefing.gather(engine, day))
    finally:
        engine.dispose()

    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    assert _numbers(workbook) == _numbers(openpyxl.load_workbook(io.BytesIO(expected["xlsx"])))
    assert sum(len(cells) for cells in _numbers(workbook).values()) > 20  # figures, not an empty book
    assert _chart_values(files["pptx"]) == _chart_values(expected["pptx"])
    assert any(isinstance(item, tuple) for item in _chart_values(files["pptx"]))  # native charts
    assert _doc_tables(files["docx"]) == _doc_tables(expected["docx"])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in str(_doc_tables(files["docx"]))
    made, wanted = docx.Document(io.BytesIO(files["docx"])), docx.Document(io.BytesIO(expected["docx"]))
    assert [p.text for p in made.paragraphs] == [p.text for p in wanted.paragraphs]  # sentences from the figures

    exports = _audit(store_url, "export")
    assert len(exports) == exports_before + 1
    entry = exports[-1]._mapping
    assert entry["username"] == "test-leadership"
    assert "bao-cao" in str(entry["page"])


@pytest.mark.parametrize("role", sorted(PEOPLE))
def test_the_peoples_roles_may_open_it(monkeypatch, store_url, role):
    at = _open(monkeypatch, store_url, role)
    assert [e.value for e in at.title] == [t("report.title", "vi")]
    assert not any(t("app.forbidden", "vi") in str(getattr(e, "value", "")) for e in at.markdown)


def test_the_wall_screen_is_taken_to_its_own_page(monkeypatch, store_url):
    monkeypatch.setenv("DATABASE_URL", store_url)
    get_settings.cache_clear()
    sign_in_as(monkeypatch, store_url, "wallscreen")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(f"../pages/{PAGE_FILES['bao-cao']}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    titles = [e.value for e in at.title]
    assert t("report.title", "vi") not in titles
    assert not any(b.label == t("report.make", "vi") for b in at.button)
    wall_titles = {t(key, "vi") for key in ("nav.overview", "nav.live_map", "nav.high_risk", "nav.adoption")}
    assert set(titles) & wall_titles, titles
