"""The dashboard's Streamlit app, served by ``dashboard/server.py`` (``streamlit run dashboard/server.py``).

Nothing is drawn before the visitor is signed in: a visitor without a session is sent to the sign-in
form, which brings them back to the address they asked for. The menu holds the pages of the
account's role (``dashboard/navigation.py``); any other page opened by address says so and nothing
else, and the attempt is audited. If the store cannot be used, the store page shows instead.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import auth
from dashboard.filters import drop_filters_from_address
from dashboard.i18n import LANGUAGES
from dashboard.navigation import PAGES, WALL_SCREEN, may_open, pages_for
from dashboard.state import reader_engine, tr
from dashboard.ui import page_error, store_problem_page, store_still_usable
from data_access.store import StoreError

#: Pages with the filter bar (the map: its checkpoint part); elsewhere filters are dropped from the address.
FILTERED_PAGES = ("ban-do", "luu-luong", "nguy-co-cao", "ung-dung-cntt", "theo-doi")
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

st.set_page_config(page_title=tr("app.short_title"), page_icon="🛡️", layout="wide")
if "lang" not in st.session_state:
    # The language chosen on the sign-in form carries over.
    chosen = st.context.cookies.get("tb_lang") if st.context.cookies else None
    if chosen in LANGUAGES:
        st.session_state["lang"] = chosen


def _signed_out_page(url_path: str) -> None:
    """No session: nothing but the way to the sign-in form, which comes back here afterwards."""
    address = auth.sign_in_address(url_path, st.query_params.to_dict())
    st.title(tr("signin.needed_title"))
    if auth.identity_provider_configured():
        # An identity provider is offered beside the local accounts, which stay the default.
        if st.button(tr("signin.with_provider"), type="primary"):
            st.login()
        st.markdown(f"[{tr('signin.go')}]({address})")
        return
    st.markdown(f"[{tr('signin.go')}]({address})")
    auth.go_to(address)


def _sidebar(account, pages: dict) -> None:
    with st.sidebar:
        sections: dict[str, list] = {}
        for spec in pages_for(account.role):
            sections.setdefault(spec.section, []).append(spec)
        for section, specs in sections.items():
            st.caption(tr(section))
            for spec in specs:
                st.page_link(pages[spec.url_path], label=tr(spec.title_key), icon=spec.icon)
        st.divider()
        st.selectbox(tr("app.language"), options=list(LANGUAGES), format_func=lambda code: LANGUAGES[code], key="lang")
        st.caption(
            tr("app.signed_in_as", name=account.display_name or account.username, role=tr(f"role.{account.role}"))
        )
        if st.button(tr("app.sign_out"), icon=":material/logout:", key="sign_out"):
            if auth.identity_provider_configured() and st.user.is_logged_in:
                st.logout()
            auth.go_to(auth.sign_out_address())  # in this tab: the server ends the session, clears the cookie
        st.caption(tr("app.owner"))


try:
    reader_engine()
except StoreError as error:
    store_problem_page(error)
else:
    pages = {
        spec.url_path: st.Page(
            PAGES_DIR / spec.file,
            title=tr(spec.title_key),
            url_path=spec.url_path,
            icon=spec.icon,
            default=spec.default,
        )
        for spec in PAGES
    }
    # Every page is known to the navigation, so that an address outside the role is answered (not
    # silently replaced by the first page); the menu is drawn from the role's pages only.
    navigation = st.navigation(list(pages.values()), position="hidden")
    url_path = next(path for path, page in pages.items() if page is navigation)
    account = auth.identity_provider_account() or auth.signed_in(touch=True)
    if account is None:
        _signed_out_page("" if url_path == PAGES[0].url_path else url_path)
        st.stop()
    if account.role == "wallscreen" and url_path != WALL_SCREEN:
        st.switch_page(pages[WALL_SCREEN])  # the wall screen's account shows the wall screen only
    if account.role != "wallscreen":
        _sidebar(account, pages)
    if not may_open(account.role, url_path):
        st.error(tr("app.forbidden"), icon=":material/block:")
        auth.record("forbidden_page", page=url_path)
        st.stop()
    if url_path not in FILTERED_PAGES:
        drop_filters_from_address()
    try:
        navigation.run()
    except (StoreError, SQLAlchemyError):
        if not store_still_usable():
            st.rerun()  # the store went away during this run: the next run shows the store page
        page_error(url_path)
    except Exception:
        # Whatever a page did not expect: one clear line, the details only in the server log.
        page_error(url_path)
