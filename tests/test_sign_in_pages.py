"""Sign-in and roles in the app (AppTest): nothing is drawn before sign-in, the menu is the role's,
a page outside the role says so and nothing else (and is audited), and the health officers' list,
the rows behind a figure and the audit log show what each role may see."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard import auth
from dashboard.filters import PARAM_FROM, PARAM_TO
from dashboard.i18n import t
from dashboard.navigation import PAGES, may_open, pages_for
from dashboard.server import safe_next
from data_access import simulator
from data_access.store import create_store_engine, init_store, schema
from data_access.timeutil import local_today, now_utc
from tests.support import sign_in_as

from .test_app import APP

PAGE_FILES = {spec.url_path: spec.file for spec in PAGES}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    """Eight simulated days, with high-risk travellers to follow up."""
    url = f"sqlite:///{tmp_path_factory.mktemp('roles') / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=8, seed=5, scale=0.05)
    engine.dispose()
    return url


def _run(
    monkeypatch, url: str, page: str | None = None, role: str | None = "admin", params: dict[str, str] | None = None
) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    if role is not None:
        sign_in_as(monkeypatch, url, role)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page is not None:
        at.switch_page(f"../pages/{PAGE_FILES[page]}")
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _last_week() -> dict[str, str]:
    """The filters of the last seven local days: the seeded store has high-risk travellers in them at
    any hour (today alone may hold a few minutes of declarations, just after local midnight)."""
    today = local_today(now_utc())
    return {PARAM_FROM: (today - dt.timedelta(days=6)).isoformat(), PARAM_TO: today.isoformat()}


def _audit(url: str, action: str) -> list:
    engine = create_store_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(schema.audit_log).where(schema.audit_log.c.action == action)).all()
    engine.dispose()
    return rows


def test_an_anonymous_visitor_sees_nothing_but_the_way_to_sign_in(monkeypatch, store_url):
    for page in (None, "luu-luong", "theo-doi", "nhat-ky"):
        at = _run(monkeypatch, store_url, page, role=None)
        assert [e.value for e in at.title] == [t("signin.needed_title", "vi")]
        assert not at.metric and not at.dataframe and not at.sidebar.selectbox
        link = at.markdown[0].value
        assert "/dang-nhap?next=" in link


def test_the_sign_in_address_keeps_the_page_and_its_filters():
    address = auth.sign_in_address("luu-luong", {"tu": "2026-11-20", "den": "2026-11-25"})
    assert address == "/dang-nhap?next=%2Fluu-luong%3Ftu%3D2026-11-20%26den%3D2026-11-25"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/luu-luong?tu=2026-11-20", "/luu-luong?tu=2026-11-20"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/dang-xuat?t=x", "/"),
        (None, "/"),
    ],
)
def test_after_sign_in_only_addresses_of_this_server(value, expected):
    assert safe_next(value) == expected


@pytest.mark.parametrize("role", ["leadership", "health", "it", "admin"])
def test_the_menu_holds_the_roles_pages_only(monkeypatch, store_url, role):
    at = _run(monkeypatch, store_url, role=role)
    labels = [link.label for link in at.sidebar.get("page_link")]
    assert labels == [t(spec.title_key, "vi") for spec in pages_for(role)]


def test_roles_see_what_the_contract_says():
    assert [p.url_path for p in pages_for("leadership")] == [
        "tong-quan",
        "ban-do",
        "luu-luong",
        "nguy-co-cao",
        "ung-dung-cntt",
        "bao-cao",
        "trinh-chieu",
    ]
    assert may_open("health", "theo-doi") and not may_open("it", "theo-doi") and not may_open("leadership", "theo-doi")
    assert may_open("it", "nhap-du-lieu") and not may_open("health", "nhap-du-lieu")
    assert may_open("admin", "nhat-ky") and not may_open("it", "nhat-ky")
    assert [p.url_path for p in pages_for("wallscreen")] == [
        "tong-quan",
        "ban-do",
        "nguy-co-cao",
        "ung-dung-cntt",
        "trinh-chieu",
    ]


@pytest.mark.parametrize(("role", "page"), [("leadership", "theo-doi"), ("health", "nhap-du-lieu"), ("it", "nhat-ky")])
def test_a_page_outside_the_role_says_so_and_nothing_else(monkeypatch, store_url, role, page):
    before = len(_audit(store_url, "forbidden_page"))
    at = _run(monkeypatch, store_url, page, role=role)
    assert [e.value for e in at.error] == [t("app.forbidden", "vi")]
    assert not at.title and not at.dataframe and not at.metric
    after = _audit(store_url, "forbidden_page")
    assert len(after) == before + 1 and after[-1].page == page and after[-1].username == f"test-{role}"


def test_the_follow_up_list_shows_contact_details_to_health_and_is_audited(monkeypatch, store_url):
    before = len(_audit(store_url, "view_personal"))
    at = _run(monkeypatch, store_url, "theo-doi", role="health", params=_last_week())
    assert at.title[0].value == t("follow.title", "vi")
    table = at.dataframe[0].value
    assert t("follow.col.phone", "vi") in table.columns and len(table) > 0
    # full phone numbers: ten digits, no mask
    assert table[t("follow.col.phone", "vi")].str.fullmatch(r"0\d{9}|").all()
    views = _audit(store_url, "view_personal")
    assert len(views) == before + 1 and views[-1].rows == len(table) and views[-1].page == "theo-doi"


def test_the_audit_page_lists_the_entries_for_admins(monkeypatch, store_url):
    _run(monkeypatch, store_url, "theo-doi", role="health", params=_last_week())  # leaves a view_personal entry
    at = _run(monkeypatch, store_url, "nhat-ky", role="admin")
    table = at.dataframe[0].value
    actions = set(table[t("audit.col.action", "vi")])
    assert t("audit.action.view_personal", "vi") in actions
    assert "test-health" in set(table[t("audit.col.user", "vi")])


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"roles": ["health"]}, "health"),
        ({"roles": ["leadership", "admin"]}, "admin"),
        ({"roles": "it"}, "it"),
        ({"roles": ["viewer"]}, None),
        ({"groups": ["admin"]}, None),
        ({}, None),
    ],
)
def test_an_identity_providers_claim_gives_the_role(claims, role):
    assert auth.role_from_claims(claims, "roles") == role


def test_without_an_identity_provider_the_local_accounts_are_the_only_way_in(monkeypatch, store_url):
    assert not auth.identity_provider_configured()
    at = _run(monkeypatch, store_url, role=None)
    assert not at.button  # no provider button: the local sign-in form only


def test_an_admin_adds_and_disables_an_account_from_the_page(monkeypatch, store_url):
    at = _run(monkeypatch, store_url, "tai-khoan", role="admin")
    form = at.get("form")[0]
    assert form is not None
    at.text_input[0].input("canbo.moi")
    at.text_input[1].input("Cán bộ mới")
    next(b for b in at.selectbox if b.label == t("accounts.col.role", "vi")).select("health")
    at.text_input[2].input("mot-mat-khau-dai")
    at.button(key="FormSubmitter:account-add-Thêm").click().run()
    assert [s.value for s in at.success] == [t("accounts.added", "vi")]
    table = at.dataframe[0].value
    assert "canbo.moi" in set(table[t("accounts.col.username", "vi")])
    changes = _audit(store_url, "account_change")
    assert changes[-1].username == "test-admin"
    next(b for b in at.selectbox if b.label == t("accounts.col.username", "vi")).select("canbo.moi")
    at.button(key="FormSubmitter:account-change-Khóa").click().run()
    engine = create_store_engine(store_url)
    with engine.connect() as conn:
        from data_access import accounts

        assert accounts.get_account(conn, "canbo.moi").enabled is False
    engine.dispose()
    # a short password is refused in words, nothing created
    at.text_input[0].input("ngan")
    at.text_input[2].input("ngắn")
    at.button(key="FormSubmitter:account-add-Thêm").click().run()
    assert at.error and "10" in at.error[0].value


@pytest.mark.parametrize(("role", "offered"), [("leadership", False), ("health", True), ("it", True), ("admin", True)])
def test_the_rows_behind_the_high_risk_figure_are_offered_by_role(monkeypatch, store_url, role, offered):
    at = _run(monkeypatch, store_url, "nguy-co-cao", role=role)
    labels = [b.label for b in at.button]
    assert (t("rows.open", "vi") in labels) is offered


def test_the_it_team_sees_the_rows_behind_a_figure_masked_and_the_view_is_audited(monkeypatch, store_url):
    before = len(_audit(store_url, "view_personal"))
    at = _run(monkeypatch, store_url, "nguy-co-cao", role="it", params=_last_week())
    at.button(key="rows-high-risk").click().run()
    phones = [
        v
        for frame in at.dataframe
        if t("follow.col.phone", "vi") in frame.value.columns
        for v in frame.value[t("follow.col.phone", "vi")]
        if v
    ]
    assert phones and all("****" in v for v in phones)
    views = _audit(store_url, "view_personal")
    assert len(views) == before + 1 and views[-1].username == "test-it" and views[-1].page == "nguy-co-cao"
