"""Entry of the dashboard: ``streamlit run dashboard/app.py``.

Sets up the page, the language switch and the navigation; if the store cannot be used, shows the
store page instead of any page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.filters import drop_filters_from_address
from dashboard.i18n import LANGUAGES
from dashboard.state import reader_engine, tr
from dashboard.ui import page_error, store_problem_page, store_still_usable
from data_access.store import StoreError

#: Pages with the filter bar (the map: its checkpoint part); elsewhere filters are dropped from the address.
FILTERED_PAGES = ("ban-do", "luu-luong", "nguy-co-cao", "ung-dung-cntt")
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

st.set_page_config(page_title=tr("app.short_title"), page_icon="🛡️", layout="wide")

with st.sidebar:
    st.selectbox(tr("app.language"), options=list(LANGUAGES), format_func=lambda code: LANGUAGES[code], key="lang")
    st.caption(tr("app.owner"))


def _page(file: str, title_key: str, url_path: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES_DIR / file, title=tr(title_key), url_path=url_path, icon=icon, default=default)


try:
    reader_engine()
except StoreError as error:
    store_problem_page(error)
else:
    committee = [
        _page("overview.py", "nav.overview", "tong-quan", ":material/dashboard:", default=True),
        _page("live_map.py", "nav.live_map", "ban-do", ":material/map:"),
        _page("traffic.py", "nav.traffic", "luu-luong", ":material/directions_car:"),
        _page("high_risk.py", "nav.high_risk", "nguy-co-cao", ":material/warning:"),
        _page("adoption.py", "nav.adoption", "ung-dung-cntt", ":material/smartphone:"),
    ]
    it_team = [
        _page("quality.py", "nav.it_quality", "chat-luong-du-lieu", ":material/fact_check:"),
        _page("imports.py", "nav.it_imports", "nhap-du-lieu", ":material/upload_file:"),
        _page("hot_zones.py", "nav.it_hot_zones", "vung-dich", ":material/coronavirus:"),
    ]
    navigation = st.navigation(
        {
            section: pages
            for section, pages in ((tr("app.section.committee"), committee), (tr("app.section.it"), it_team))
            if pages
        }
    )
    if navigation.url_path not in FILTERED_PAGES:
        drop_filters_from_address()
    try:
        navigation.run()
    except (StoreError, SQLAlchemyError):
        if not store_still_usable():
            st.rerun()  # the store went away during this run: the next run shows the store page
        page_error(navigation.url_path or "page")
    except Exception:
        # Whatever a page did not expect: one clear line, the details only in the server log.
        page_error(navigation.url_path or "page")
