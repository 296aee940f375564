"""The one i18n catalogue: every text the UI shows, in Vietnamese (default) and English.

Keys are grouped by page; ``t(key, lang, **values)`` formats one. Texts in Vietnamese use full
diacritics. Add a key here, never a literal string in a page.
"""

from __future__ import annotations

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"

CATALOGUE: dict[str, dict[str, str]] = {
    # --- app shell --------------------------------------------------------------------------
    "app.title": {"vi": "Giám sát chốt kiểm soát dịch COVID-19 — Thái Bình",
                  "en": "COVID-19 checkpoint monitoring — Thái Bình"},
    "app.short_title": {"vi": "Chốt kiểm soát Thái Bình", "en": "Thái Bình checkpoints"},
    "app.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "app.owner": {"vi": "Tổ CNTT phòng, chống dịch Covid-19 — Sở TT&TT Thái Bình",
                  "en": "COVID-19 IT team — Thái Bình Department of Information and Communications"},
    "app.freshness": {"vi": "Cập nhật {time} · {ago}", "en": "Updated {time} · {ago}"},
    "app.freshness_empty": {"vi": "Chưa có khai báo nào trong kho", "en": "No declaration in the store yet"},
    "app.section.committee": {"vi": "Ban Chỉ đạo", "en": "Steering committee"},
    "app.section.it": {"vi": "Tổ CNTT", "en": "IT team"},
    # --- navigation -------------------------------------------------------------------------
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    # --- navigation: steering committee pages (issue 3) ---
    # --- navigation: IT team pages (issue 4) ---
    # --- store errors -----------------------------------------------------------------------
    "store.title": {"vi": "Không mở được kho dữ liệu", "en": "The data store cannot be opened"},
    "store.target": {"vi": "Kho dữ liệu: `{target}`", "en": "Data store: `{target}`"},
    "store.missing": {"vi": "Tệp kho dữ liệu không tồn tại.", "en": "The store file does not exist."},
    "store.unreachable": {"vi": "Không kết nối được máy chủ cơ sở dữ liệu.",
                          "en": "The database server cannot be reached."},
    "store.not_a_store": {"vi": "Đây không phải kho khai báo (tệp hỏng hoặc sai tệp).",
                          "en": "This is not a declaration store (a broken or wrong file)."},
    "store.not_initialised": {"vi": "Kho dữ liệu chưa được khởi tạo.", "en": "The store has not been initialised."},
    "store.outdated": {"vi": "Lược đồ kho dữ liệu cũ hơn phiên bản ứng dụng.",
                       "en": "The store's schema is older than this application."},
    "store.todo": {"vi": "Cách xử lý: kiểm tra biến môi trường `DATABASE_URL`, máy chủ cơ sở dữ liệu, rồi chạy "
                         "`python -m data_access init`. Trang sẽ tự tải lại khi kho dữ liệu sẵn sàng.",
                   "en": "What to do: check the `DATABASE_URL` variable and the database server, then run "
                         "`python -m data_access init`. This page reloads by itself once the store is back."},
    "store.retrying": {"vi": "Đang thử lại mỗi {seconds} giây…", "en": "Retrying every {seconds} seconds…"},
    # --- overview ---------------------------------------------------------------------------
    "overview.title": {"vi": "Tổng quan hôm nay", "en": "Today at a glance"},
    "overview.crossings": {"vi": "Lượt qua chốt", "en": "Crossings"},
    "overview.in": {"vi": "Vào tỉnh", "en": "Into the province"},
    "overview.out": {"vi": "Ra tỉnh", "en": "Out of the province"},
    "overview.high_risk": {"vi": "Nguy cơ cao", "en": "High risk"},
    "overview.electronic": {"vi": "Khai báo điện tử", "en": "Electronic declarations"},
    "overview.bluezone": {"vi": "Cài Bluezone", "en": "Bluezone installed"},
    "overview.deltas_note": {"vi": "Mũi tên: thay đổi so với cùng giờ hôm qua.",
                             "en": "Arrows: change against the same time yesterday."},
    "overview.delta_points": {"vi": "{delta} điểm %", "en": "{delta} pts"},
    "overview.by_checkpoint": {"vi": "Theo chốt kiểm soát (hôm nay đến {time})",
                               "en": "By checkpoint (today until {time})"},
    "overview.trend": {"vi": "Lượt qua chốt 7 ngày qua", "en": "Crossings, past 7 days"},
    "overview.trend_high": {"vi": "Lượt nguy cơ cao 7 ngày qua", "en": "High-risk crossings, past 7 days"},
    "col.checkpoint": {"vi": "Chốt", "en": "Checkpoint"},
    "col.in": {"vi": "Vào", "en": "In"},
    "col.out": {"vi": "Ra", "en": "Out"},
    "col.total": {"vi": "Tổng", "en": "Total"},
    "col.vs_yesterday": {"vi": "± cùng giờ hôm qua", "en": "± same time yesterday"},
    "col.high_risk": {"vi": "Nguy cơ cao", "en": "High risk"},
    "col.electronic_share": {"vi": "KB điện tử", "en": "Electronic"},
    "col.bluezone_share": {"vi": "Bluezone", "en": "Bluezone"},
    "col.all": {"vi": "Toàn tỉnh", "en": "All checkpoints"},
    "axis.day": {"vi": "Ngày", "en": "Day"},
    "axis.crossings": {"vi": "Lượt qua chốt", "en": "Crossings"},
    "axis.high_risk": {"vi": "Lượt nguy cơ cao", "en": "High-risk crossings"},
    # --- steering committee pages: map, traffic, high risk, adoption (issue 3) ---
    # --- IT team: import, hot zones, data quality (issue 4) ---
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` (falling back to Vietnamese), formatted with ``values``."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
