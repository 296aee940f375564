"""Self-test of the browser harness against tiny throwaway Streamlit scripts.

Does not touch the real dashboard: it proves that the server fixture starts and
stops ``streamlit run``, that system chromium renders the page (Vietnamese text
included), that a ``run_every`` fragment refreshes in place, and that
``assert_no_exception`` really catches ``stException`` boxes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import assert_no_exception, open_app, wait_for_app

pytestmark = pytest.mark.browser

METRIC_LABEL = "Lượt qua chốt hôm nay"

LIVE_METRIC_APP = """\
from pathlib import Path

import streamlit as st

COUNT_FILE = Path({count_file!r})

st.title("Kiểm tra bộ khung thử nghiệm")


@st.fragment(run_every=1)
def live_count():
    st.metric({label!r}, int(COUNT_FILE.read_text(encoding="utf-8").strip()))


live_count()
"""

FAILING_APP = """\
import streamlit as st

st.write("Trước lỗi")
raise RuntimeError("lỗi cố ý để thử assert_no_exception")
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _metric_value(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def _digits(text: str) -> str:
    """Drop grouping separators ("1.234", "1,234", "1 234") from a rendered number."""
    return "".join(ch for ch in text if ch.isdigit())


def test_fragment_metric_refreshes_without_reload(browser, streamlit_server, tmp_path):
    count_file = _write(tmp_path / "count.txt", "1234\n")
    script = _write(
        tmp_path / "live_metric.py",
        LIVE_METRIC_APP.format(count_file=str(count_file), label=METRIC_LABEL),
    )
    server = streamlit_server(script)

    page = open_app(browser, server.url)
    try:
        wait_for_app(page)
        assert_no_exception(page)
        label = page.locator('[data-testid="stMetricLabel"]').first.inner_text().strip()
        assert label == METRIC_LABEL
        assert _digits(_metric_value(page)) == "1234"

        page.evaluate("window.__marker = 1")
        _write(count_file, "5678\n")
        page.wait_for_function(
            """() => {
                const el = document.querySelector('[data-testid="stMetricValue"]');
                return el !== null && el.innerText.replace(/\\D/g, '') === '5678';
            }""",
            timeout=15_000,
        )
        assert _digits(_metric_value(page)) == "5678"
        assert page.evaluate("window.__marker") == 1, "the page was reloaded"
        assert_no_exception(page)
    finally:
        page.context.close()

    assert "Traceback" not in server.log_text()


def test_assert_no_exception_catches_script_errors(app_page, streamlit_server, tmp_path):
    script = _write(tmp_path / "failing.py", FAILING_APP)
    server = streamlit_server(script)

    page = app_page(server.url, viewport=(1280, 800))
    page.locator('[data-testid="stException"]').first.wait_for(timeout=15_000)
    with pytest.raises(AssertionError, match="1 Streamlit exception"):
        assert_no_exception(page)
    # The project's configuration (showErrorDetails = "none") keeps the message and the traceback
    # in the server's log: the visitor sees neither.
    body = page.locator("body").inner_text()
    assert "lỗi cố ý" not in body and "Traceback" not in body and ".py" not in body
    assert "lỗi cố ý" in server.log_text()


def test_server_stops_on_teardown(streamlit_server, tmp_path):
    script = _write(tmp_path / "hello.py", 'import streamlit as st\nst.write("Xin chào")\n')
    server = streamlit_server(script)
    assert server.running
    server.stop()
    assert not server.running
