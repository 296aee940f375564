"""The app in Streamlit's AppTest: every page renders its figures, in Vietnamese and English, and a
missing or broken store gives a clear page instead of a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.views.overview import headline
from data_access import simulator
from data_access.queries import overview
from data_access.settings import get_settings
from data_access.store import create_store_engine, init_store
from data_access.timeutil import now_utc
from tests.support import crossings_just_now, sign_in_as

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py") if p.name != "__init__.py")


def run_app(
    monkeypatch, url: str, page: str | None = None, lang: str | None = None, query_params: dict | None = None
) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    sign_in_as(monkeypatch, url)
    at = AppTest.from_file(APP, default_timeout=60)
    if query_params:
        at.query_params.update(query_params)
    at.run()
    if lang:
        at.session_state["lang"] = lang
        at.run()
    if page:
        at.switch_page(f"../pages/{page}")
        at.run()
    return at


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """A small simulated store (8 days) shared by the page tests; nothing writes to it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=8, seed=3, scale=0.05)
    crossings_just_now(engine)  # crossings today whatever the hour: the simulated day may be minutes old
    engine.dispose()
    return url


STORE_PROBLEM_TITLES = {"Không mở được kho dữ liệu", "The data store cannot be opened"}


@pytest.mark.parametrize("page", PAGE_FILES)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders(monkeypatch, demo_url, page, lang):
    # Pages may show st.error as content (a surge, an hour that dropped): only exceptions fail here.
    at = run_app(monkeypatch, demo_url, page=page, lang=lang)
    assert [e.value for e in at.exception] == []
    # a part that raised shows the guard's line instead of an exception: that is a failure too
    assert not [e.value for e in at.error if e.value == t("app.page_error", lang)]
    assert at.title, f"{page} has no title"
    assert at.title[0].value not in STORE_PROBLEM_TITLES


def test_overview_figures_are_the_store_figures(monkeypatch, demo_url):
    at = run_app(monkeypatch, demo_url)
    engine = create_store_engine(demo_url, read_only=True)
    with engine.connect() as conn:
        cards = headline(overview.today_vs_yesterday(conn, now_utc()), "vi")
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    assert [m.label for m in at.metric] == [
        "Lượt qua chốt",
        "Vào tỉnh",
        "Ra tỉnh",
        "Nguy cơ cao",
        "Khai báo điện tử",
        "Cài Bluezone",
    ]
    for card, metric in zip(cards, at.metric, strict=False):
        assert (metric.value, metric.delta or "") == (card.value, card.delta)
    assert int(shown["Lượt qua chốt"][0].replace(".", "")) > 0
    assert at.title[0].value == "Tổng quan hôm nay"
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["Cầu Tân Đệ", "Cầu Thái Hà", "Cầu Triều Dương", "Toàn tỉnh"]
    assert table.iloc[-1]["Tổng"] == shown["Lượt qua chốt"][0]


def test_english_switch(monkeypatch, demo_url):
    at = run_app(monkeypatch, demo_url, lang="en")
    assert at.title[0].value == "Today at a glance"
    assert at.metric[0].label == "Crossings"


def test_missing_store_page(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'absent.db'}"
    at = run_app(monkeypatch, url)
    assert not at.exception
    assert at.title[0].value == "Không mở được kho dữ liệu"
    assert "Tệp kho dữ liệu không tồn tại." in [e.value for e in at.error]
    assert any(str(tmp_path / "absent.db") in m.value for m in at.markdown)
    assert not (tmp_path / "absent.db").exists()


def test_broken_store_page(monkeypatch, tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"not a database " * 500)
    at = run_app(monkeypatch, f"sqlite:///{path}")
    assert not at.exception
    assert "Đây không phải kho khai báo (tệp hỏng hoặc sai tệp)." in [e.value for e in at.error]


def test_server_down_page_masks_the_password(monkeypatch):
    at = run_app(monkeypatch, "postgresql+psycopg://officer:s3cret@127.0.0.1:1/declarations")
    assert not at.exception
    assert "Không kết nối được máy chủ cơ sở dữ liệu." in [e.value for e in at.error]
    page_text = " ".join(m.value for m in at.markdown)
    assert "officer:***@127.0.0.1:1/declarations" in page_text and "s3cret" not in page_text


def _all_text(at: AppTest) -> str:
    """Every text the app tree holds, as a visitor could read it."""
    texts = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
    return "\n".join(texts)


SECRET_DETAIL = f"{ROOT}/data_access/secret_module.py, line 42, in private_function"


@pytest.mark.parametrize(
    ("page", "target"),
    [
        ("overview.py", "data_access.queries.overview.today_vs_yesterday"),  # inside the live part
        ("traffic.py", "data_access.queries.reference.checkpoint_table"),  # in the page's head, outside it
        ("imports.py", "data_access.queries.imports.batches"),  # a page without a live part
    ],
)
def test_a_failing_page_shows_one_line_and_no_detail(monkeypatch, demo_url, page, target):
    module, name = target.rsplit(".", 1)

    def fail(*_args, **_kwargs):
        raise RuntimeError(SECRET_DETAIL)

    at = run_app(monkeypatch, demo_url)
    monkeypatch.setattr(f"{module}.{name}", fail)
    at.switch_page(f"../pages/{page}")
    at.run()
    assert not at.exception
    assert "Không hiển thị được phần này do một lỗi của hệ thống." in " ".join(e.value for e in at.error)
    shown = _all_text(at)
    assert "secret_module" not in shown and "private_function" not in shown and "Traceback" not in shown
    assert str(ROOT) not in shown


def test_error_details_are_hidden_by_configuration():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # "none": no type, message nor traceback of an exception that escapes every page's guard
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True


def test_the_server_skips_streamlits_full_collection_after_each_run():
    """With the app loaded a full garbage collection holds the interpreter ~200 ms; after every viewer's
    refresh that was a fifth of the server's time with twenty viewers (docs/PERFORMANCE.md)."""
    import tomllib

    from streamlit import config as streamlit_config

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
    # the option's name is Streamlit's own: loaded from the project's file, it is off
    streamlit_config.get_config_options(force_reparse=True, options_from_flags={})
    assert streamlit_config.get_option("runner.postScriptGC") is False


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"tu": "0001-01-01", "den": "0001-01-02"}, "Khoảng ngày nằm ngoài thời gian có dữ liệu, đã hiển thị hôm nay."),
        ({"tu": "hôm qua"}, "Khoảng ngày không hợp lệ, đã hiển thị hôm nay."),
    ],
)
def test_a_corrected_address_says_so_and_is_rewritten(monkeypatch, demo_url, params, note):
    at = run_app(monkeypatch, demo_url, query_params=params)
    at.switch_page("../pages/traffic.py")
    at.query_params.clear()
    at.query_params.update(params)
    at.run()
    assert not at.exception
    assert note in [i.value for i in at.info]
    assert "tu" not in at.query_params and "den" not in at.query_params


def test_pages_without_filters_drop_them_from_the_address(monkeypatch, demo_url):
    at = run_app(monkeypatch, demo_url, query_params={"tu": "2026-01-01", "chot": "TAN_DE"})
    assert not at.exception
    assert dict(at.query_params) == {}
