"""Every page of the dashboard, where it lives, and which roles may open it (SPEC §6).

One list for the entry's navigation, the sidebar menu, the sign-in redirect and the tests: a page's
address, file, title and icon, its section, and its roles. A role sees only its pages in the menu;
opened by address, any other page says "Không có quyền xem trang này" and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_access.accounts import ROLES

#: Roles that see the committee's aggregate pages (every role: the wall screen shows them in turn).
EVERYONE = frozenset(ROLES)
#: People at desks (the wall-screen account shows the committee pages and nothing else).
PEOPLE = frozenset(ROLES) - {"wallscreen"}
HEALTH_ROLES = frozenset({"health", "admin"})
IT_ROLES = frozenset({"it", "admin"})
ADMIN_ROLES = frozenset({"admin"})


@dataclass(frozen=True)
class PageSpec:
    """One page: address (``url_path``), module in ``pages/``, catalogue key of its title, icon,
    section (catalogue key) and the roles that may open it."""

    url_path: str
    file: str
    title_key: str
    icon: str
    section: str
    roles: frozenset[str]
    default: bool = False


COMMITTEE = "app.section.committee"
HEALTH = "app.section.health"
IT_TEAM = "app.section.it"
ADMIN = "app.section.admin"

PAGES: tuple[PageSpec, ...] = (
    PageSpec("tong-quan", "overview.py", "nav.overview", ":material/dashboard:", COMMITTEE, EVERYONE, default=True),
    PageSpec("ban-do", "live_map.py", "nav.live_map", ":material/map:", COMMITTEE, EVERYONE),
    PageSpec("luu-luong", "traffic.py", "nav.traffic", ":material/directions_car:", COMMITTEE, PEOPLE),
    PageSpec("nguy-co-cao", "high_risk.py", "nav.high_risk", ":material/warning:", COMMITTEE, EVERYONE),
    PageSpec("ung-dung-cntt", "adoption.py", "nav.adoption", ":material/smartphone:", COMMITTEE, EVERYONE),
    PageSpec("bao-cao", "report.py", "nav.report", ":material/description:", COMMITTEE, PEOPLE),
    PageSpec("trinh-chieu", "wall_screen.py", "nav.wall", ":material/tv:", COMMITTEE, EVERYONE),
    PageSpec("theo-doi", "follow_up.py", "nav.follow_up", ":material/contact_phone:", HEALTH, HEALTH_ROLES),
    PageSpec("chat-luong-du-lieu", "quality.py", "nav.it_quality", ":material/fact_check:", IT_TEAM, IT_ROLES),
    PageSpec("nhap-du-lieu", "imports.py", "nav.it_imports", ":material/upload_file:", IT_TEAM, IT_ROLES),
    PageSpec("vung-dich", "hot_zones.py", "nav.it_hot_zones", ":material/coronavirus:", IT_TEAM, IT_ROLES),
    PageSpec("tai-khoan", "accounts.py", "nav.accounts", ":material/manage_accounts:", ADMIN, ADMIN_ROLES),
    PageSpec("nhat-ky", "audit.py", "nav.audit", ":material/history:", ADMIN, ADMIN_ROLES),
)  # fmt: skip

PAGES_BY_PATH = {page.url_path: page for page in PAGES}


#: Where the wall-screen account always is: it shows the committee's views in turn, nothing else.
WALL_SCREEN = "trinh-chieu"


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` may open, in menu order."""
    return [page for page in PAGES if role in page.roles]


def may_open(role: str, url_path: str) -> bool:
    """Whether ``role`` may open the page at ``url_path`` (an unknown address: no)."""
    page = PAGES_BY_PATH.get(url_path)
    return page is not None and role in page.roles


#: Which rows behind a figure each role may see: personal fields in full, masked, or none at all.
ROW_ACCESS = {"health": "full", "admin": "full", "it": "masked"}


def row_access(role: str) -> str | None:
    """ "full", "masked" or None (rows are not offered) for ``role``."""
    return ROW_ACCESS.get(role)
