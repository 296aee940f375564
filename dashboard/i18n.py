"""The one i18n catalogue: every text the UI shows, in Vietnamese (default) and English.

Keys are grouped by page; ``t(key, lang, **values)`` formats one. Texts in Vietnamese use full
diacritics. Add a key here, never a literal string in a page.

The errors of ``data_access`` and ``briefing`` carry a code and parameters (:mod:`data_access.errors`);
their words are here too, under ``"error." + code``, and :func:`error_text` formats them. The command
line takes its Vietnamese words from here as well (:func:`data_access.cli.error_line`): this module
imports nothing of streamlit, and nothing heavier than the dashboard's number and date formats.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data_access.errors import CodedError

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"

CATALOGUE: dict[str, dict[str, str]] = {
    # --- app shell --------------------------------------------------------------------------
    "app.title": {
        "vi": "Giám sát chốt kiểm soát dịch COVID-19 — Thái Bình",
        "en": "COVID-19 checkpoint monitoring — Thái Bình",
    },
    "app.short_title": {"vi": "Chốt kiểm soát Thái Bình", "en": "Thái Bình checkpoints"},
    "app.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "app.owner": {
        "vi": "Tổ CNTT phòng, chống dịch Covid-19 — Sở TT&TT Thái Bình",
        "en": "COVID-19 IT team — Thái Bình Department of Information and Communications",
    },
    "app.freshness": {"vi": "Cập nhật {time} · {ago}", "en": "Updated {time} · {ago}"},
    "app.page_error": {
        "vi": (
            "Không hiển thị được phần này do một lỗi của hệ thống. Lỗi đã được ghi lại cho Tổ CNTT; hãy tải lại "
            "trang sau ít phút."
        ),
        "en": (
            "This part could not be shown because of a system error. It has been logged for the IT team; reload the "
            "page in a few minutes."
        ),
    },
    "filter.corrected.dates_invalid": {
        "vi": "Khoảng ngày không hợp lệ, đã hiển thị hôm nay.",
        "en": "The date range was not valid; showing today.",
    },
    "filter.corrected.dates_reversed": {
        "vi": "Ngày bắt đầu sau ngày kết thúc, đã đổi chỗ hai ngày.",
        "en": "The start date was after the end date; the two were swapped.",
    },
    "filter.corrected.dates_future": {
        "vi": "Không có số liệu cho ngày trong tương lai, đã hiển thị đến hôm nay.",
        "en": "There are no figures for future days; showing up to today.",
    },
    "filter.corrected.dates_before_data": {
        "vi": "Khoảng ngày nằm ngoài thời gian có dữ liệu, đã hiển thị hôm nay.",
        "en": "The date range lies outside the data; showing today.",
    },
    "filter.corrected.dates_clamped": {
        "vi": "Chỉ xem được tối đa một năm gần nhất, đã hiển thị từ ngày đầu tiên có thể.",
        "en": "At most the past year can be shown; showing from the first day available.",
    },
    "filter.corrected.checkpoints_unknown": {
        "vi": "Địa chỉ có mã chốt không tồn tại, đã bỏ qua mã đó.",
        "en": "The address named an unknown checkpoint code; it was ignored.",
    },
    "filter.corrected.direction_invalid": {
        "vi": "Hướng đi không hợp lệ, đã hiển thị cả hai hướng.",
        "en": "The direction was not valid; showing both directions.",
    },
    "app.freshness_empty": {"vi": "Chưa có khai báo nào trong kho", "en": "No declaration in the store yet"},
    "app.section.committee": {"vi": "Ban Chỉ đạo", "en": "Steering committee"},
    "app.section.it": {"vi": "Tổ CNTT", "en": "IT team"},
    # --- navigation -------------------------------------------------------------------------
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    # --- navigation: steering committee pages ---
    "nav.live_map": {"vi": "Bản đồ trực tiếp", "en": "Live map"},
    "nav.traffic": {"vi": "Lưu lượng", "en": "Traffic"},
    "nav.high_risk": {"vi": "Nguy cơ cao", "en": "High risk"},
    "nav.adoption": {"vi": "Ứng dụng CNTT", "en": "App adoption"},
    # --- navigation: IT team pages ---
    "nav.it_quality": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "nav.it_imports": {"vi": "Nhập dữ liệu", "en": "Imports"},
    "nav.it_hot_zones": {"vi": "Vùng dịch", "en": "Hot zones"},
    # --- store errors -----------------------------------------------------------------------
    "store.title": {"vi": "Không mở được kho dữ liệu", "en": "The data store cannot be opened"},
    "store.target": {"vi": "Kho dữ liệu: `{target}`", "en": "Data store: `{target}`"},
    "store.missing": {"vi": "Tệp kho dữ liệu không tồn tại.", "en": "The store file does not exist."},
    "store.unreachable": {
        "vi": "Không kết nối được máy chủ cơ sở dữ liệu.",
        "en": "The database server cannot be reached.",
    },
    "store.not_a_store": {
        "vi": "Đây không phải kho khai báo (tệp hỏng hoặc sai tệp).",
        "en": "This is not a declaration store (a broken or wrong file).",
    },
    "store.not_initialised": {"vi": "Kho dữ liệu chưa được khởi tạo.", "en": "The store has not been initialised."},
    "store.outdated": {
        "vi": "Lược đồ kho dữ liệu cũ hơn phiên bản ứng dụng.",
        "en": "The store's schema is older than this application.",
    },
    "store.todo": {
        "vi": "Cách xử lý: kiểm tra biến môi trường `DATABASE_URL`, máy chủ cơ sở dữ liệu, rồi chạy "
        "`python -m data_access init`. Trang sẽ tự tải lại khi kho dữ liệu sẵn sàng.",
        "en": "What to do: check the `DATABASE_URL` variable and the database server, then run "
        "`python -m data_access init`. This page reloads by itself once the store is back.",
    },
    "store.retrying": {"vi": "Đang thử lại mỗi {seconds} giây…", "en": "Retrying every {seconds} seconds…"},
    # --- overview ---------------------------------------------------------------------------
    "overview.title": {"vi": "Tổng quan hôm nay", "en": "Today at a glance"},
    "overview.crossings": {"vi": "Lượt qua chốt", "en": "Crossings"},
    "overview.in": {"vi": "Vào tỉnh", "en": "Into the province"},
    "overview.out": {"vi": "Ra tỉnh", "en": "Out of the province"},
    "overview.high_risk": {"vi": "Nguy cơ cao", "en": "High risk"},
    "overview.electronic": {"vi": "Khai báo điện tử", "en": "Electronic declarations"},
    "overview.bluezone": {"vi": "Cài Bluezone", "en": "Bluezone installed"},
    "overview.deltas_note": {
        "vi": "Mũi tên: thay đổi so với cùng giờ hôm qua.",
        "en": "Arrows: change against the same time yesterday.",
    },
    "overview.delta_points": {"vi": "{delta} điểm %", "en": "{delta} pts"},
    "overview.by_checkpoint": {
        "vi": "Theo chốt kiểm soát (hôm nay đến {time})",
        "en": "By checkpoint (today until {time})",
    },
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
    # --- steering committee pages: map, traffic, high risk, adoption ---
    "page.range": {"vi": "Số liệu ngày {range}", "en": "Figures for {range}"},
    "filter.days": {"vi": "Ngày", "en": "Dates"},
    "filter.checkpoints": {"vi": "Chốt kiểm soát", "en": "Checkpoints"},
    "filter.all_checkpoints": {"vi": "Tất cả các chốt", "en": "All checkpoints"},
    "filter.direction": {"vi": "Hướng", "en": "Direction"},
    "filter.direction.both": {"vi": "Cả hai hướng", "en": "Both"},
    "filter.direction.in": {"vi": "Vào tỉnh", "en": "Into the province"},
    "filter.direction.out": {"vi": "Ra tỉnh", "en": "Out of the province"},
    "axis.count": {"vi": "Số lượng", "en": "Count"},
    "axis.share": {"vi": "Tỷ lệ", "en": "Share"},
    "col.day": {"vi": "Ngày", "en": "Day"},
    "col.hour": {"vi": "Khung giờ", "en": "Hour"},
    "map.title": {"vi": "Bản đồ trực tiếp các chốt kiểm soát", "en": "Checkpoints live map"},
    "map.layer_checkpoints": {"vi": "Chốt kiểm soát", "en": "Checkpoints"},
    "map.layer_origins": {"vi": "Nơi đi của người vào tỉnh hôm nay", "en": "Where today's arrivals come from"},
    "map.legend": {
        "vi": "**Chốt:** :blue[●] bình thường · :red[●] cần chú ý: người nguy cơ cao đến chốt trong 1 giờ qua "
        "nhiều hơn thường lệ (từ 1,5 lần trung bình cùng giờ 7 ngày trước và hơn ít nhất 5 người), "
        "hoặc có người tiếp xúc F0 đến chốt trong 15 phút qua · :gray[●] mất tín hiệu (không có khai "
        "báo trong {minutes} phút); chấm càng lớn, càng nhiều lượt trong 1 giờ qua.  \n"
        "**Nơi đi của người vào tỉnh hôm nay:** :green[●] mỗi vòng là một tỉnh, thành phố, vòng càng "
        "lớn càng nhiều người · :red[▨] tỉnh có vùng dịch: gạch chéo đỏ, vòng viền đỏ (viền đứt: vùng "
        "dịch là một phần của tỉnh).",
        "en": "**Checkpoints:** :blue[●] normal · :red[●] attention: more high-risk arrivals in the last "
        "hour than usual (at least 1.5 times the same hour's average over the previous 7 days, and "
        "at least 5 more), or an arrival who had contact with a confirmed case in the last 15 "
        "minutes · :gray[●] silent (no declaration for {minutes} minutes); the larger, the more "
        "crossings in the last hour.  \n**Where today's arrivals come from:** :green[●] one circle "
        "per province, the larger the more travellers · :red[▨] province with a hot zone: red "
        "hatching, red ring (dashed: part of the province).",
    },
    "map.view_province": {"vi": "Thái Bình", "en": "Thái Bình"},
    "map.view_province_title": {"vi": "Xem tỉnh Thái Bình và ba cầu", "en": "Show Thái Bình and the three bridges"},
    "map.view_country": {"vi": "Cả nước", "en": "Vietnam"},
    "map.view_country_title": {
        "vi": "Xem cả nước: nơi đi của người vào tỉnh hôm nay",
        "en": "Show Vietnam: where today's arrivals come from",
    },
    "map.geo_attribution": {
        "vi": "Ranh giới tỉnh: Natural Earth · Sông: GSHHG (LGPL), đã giản lược",
        "en": "Provinces: Natural Earth · Rivers: GSHHG (LGPL), simplified",
    },
    "map.base_legend": {
        "vi": "**Nền bản đồ:** tỉnh Thái Bình (nền vàng) và các tỉnh lân cận; sông Hồng, sông Luộc, "
        "sông Trà Lý; :gray[●] trung tâm các huyện (vị trí gần đúng, không phải ranh giới). "
        "Nút **Cả nước** ở góc bản đồ: xem nơi đi của người vào tỉnh trên toàn quốc.",
        "en": "**Base map:** Thái Bình (yellow) and the neighbouring provinces; the Red, Luộc and Trà "
        "Lý rivers; :gray[●] district seats (approximate places, not boundaries). The "
        "**Vietnam** button on the map shows where arrivals come from across the country.",
    },
    "map.top_origins": {"vi": "Người vào tỉnh hôm nay đến từ", "en": "Today's arrivals come from"},
    "map.no_origins": {"vi": "Chưa có người vào tỉnh hôm nay.", "en": "No arrivals yet today."},
    "map.hot_zone_mark": {"vi": "vùng dịch", "en": "hot zone"},
    "map.pick": {
        "vi": "Bấm vào một chốt trên bản đồ để xem chi tiết.",
        "en": "Click a checkpoint on the map for its details.",
    },
    "map.state": {"vi": "Trạng thái", "en": "State"},
    "map.state.normal": {"vi": "Bình thường", "en": "Normal"},
    "map.state.attention": {"vi": "Cần chú ý", "en": "Attention"},
    "map.attention.surge": {
        "vi": "Nguy cơ cao nhiều hơn thường lệ: {n} người trong 1 giờ qua, thường lệ {usual}",
        "en": "More high-risk arrivals than usual: {n} in the last hour, usually {usual}",
    },
    "map.attention.contact_f0": {
        "vi": "Có người tiếp xúc F0 đến chốt trong 15 phút qua",
        "en": "An arrival who had contact with a confirmed case in the last 15 minutes",
    },
    "map.state.silent": {"vi": "Mất tín hiệu", "en": "Silent"},
    "map.last_hour": {"vi": "Lượt qua chốt 1 giờ qua", "en": "Crossings, last hour"},
    "map.last_hour_n": {"vi": "{n} lượt trong 1 giờ qua", "en": "{n} crossings in the last hour"},
    "map.today_in_out": {"vi": "Hôm nay vào / ra", "en": "Today in / out"},
    "map.today_high_risk": {"vi": "Nguy cơ cao hôm nay", "en": "High risk today"},
    "map.today_electronic": {"vi": "Khai báo điện tử hôm nay", "en": "Electronic today"},
    "map.today_wifi": {"vi": "Dùng Wi-Fi miễn phí hôm nay", "en": "Free Wi-Fi today"},
    "map.last_declaration": {"vi": "Khai báo gần nhất", "en": "Last declaration"},
    "map.origin_travellers": {"vi": "Người vào tỉnh hôm nay", "en": "Arrivals today"},
    "map.origin_high_risk": {"vi": "Trong đó nguy cơ cao", "en": "Of whom high risk"},
    "map.origin_hot_zone": {"vi": "Vùng dịch", "en": "Hot zone"},
    "traffic.title": {"vi": "Lưu lượng qua chốt", "en": "Traffic through the checkpoints"},
    "traffic.total": {"vi": "Tổng lượt qua chốt", "en": "Total crossings"},
    "traffic.busiest_hour": {"vi": "Giờ đông nhất", "en": "Busiest hour"},
    "traffic.crossings_n": {"vi": "{n} lượt", "en": "{n} crossings"},
    "traffic.by_hour": {"vi": "Lượt qua chốt theo giờ", "en": "Crossings by hour"},
    "traffic.by_day": {"vi": "Lượt qua chốt theo ngày", "en": "Crossings by day"},
    "traffic.by_direction": {"vi": "Vào và ra tỉnh theo ngày", "en": "In and out by day"},
    "traffic.by_vehicle": {"vi": "Theo loại phương tiện", "en": "By vehicle type"},
    "traffic.people_vehicles": {"vi": "Người và phương tiện theo ngày", "en": "People and vehicles by day"},
    "traffic.people": {"vi": "Lượt người", "en": "People (crossings)"},
    "traffic.vehicles": {"vi": "Phương tiện (biển số khác nhau)", "en": "Vehicles (distinct plates)"},
    "traffic.vehicles_note": {
        "vi": "Phương tiện: số biển số khác nhau trong ngày (xe không có biển số không được tính).",
        "en": "Vehicles: distinct plates seen that day (vehicles without a plate are not counted).",
    },
    "traffic.peak_hours": {"vi": "Các khung giờ cao điểm", "en": "Peak hours"},
    "vehicle.car": {"vi": "Ô tô con", "en": "Car"},
    "vehicle.motorbike": {"vi": "Xe máy", "en": "Motorbike"},
    "vehicle.truck": {"vi": "Xe tải", "en": "Truck"},
    "vehicle.bus": {"vi": "Xe khách", "en": "Bus"},
    "vehicle.bicycle": {"vi": "Xe đạp", "en": "Bicycle"},
    "vehicle.pedestrian": {"vi": "Đi bộ", "en": "On foot"},
    "vehicle.other": {"vi": "Khác", "en": "Other"},
    "vehicle.unknown": {"vi": "Không ghi", "en": "Not given"},
    "risk.title": {"vi": "Người qua chốt có nguy cơ cao", "en": "High-risk travellers"},
    "risk.high": {"vi": "Nguy cơ cao", "en": "High risk"},
    "risk.medium": {"vi": "Nguy cơ trung bình", "en": "Medium risk"},
    "risk.of_crossings": {"vi": "{share} số lượt qua chốt", "en": "{share} of crossings"},
    "risk.reason_contact_f0": {"vi": "Tiếp xúc F0", "en": "Contact with a case"},
    "risk.reason_hotzone_origin": {"vi": "Đến từ vùng dịch", "en": "From a hot zone"},
    "risk.reason_symptom_travel": {"vi": "Triệu chứng + vùng dịch", "en": "Symptoms + hot-zone travel"},
    "risk.reasons_note": {
        "vi": "Một người có thể có nhiều lý do nguy cơ cao nên các lý do cộng lại có thể lớn hơn số người nguy cơ cao.",
        "en": "One traveller can have several reasons, so the reasons may add up to more than the high-risk count.",
    },
    "risk.by_checkpoint_day": {"vi": "Nguy cơ cao theo chốt và ngày", "en": "High risk by checkpoint and day"},
    "risk.by_reason_day": {"vi": "Nguy cơ cao theo lý do", "en": "High risk by reason"},
    "risk.by_level_day": {"vi": "Theo mức nguy cơ", "en": "By risk level"},
    "risk.by_checkpoint": {"vi": "Theo chốt kiểm soát", "en": "By checkpoint"},
    "risk.origins": {"vi": "Nơi đi của người nguy cơ cao", "en": "Where the high-risk travellers come from"},
    "risk.origin_hot": {"vi": "Tỉnh có vùng dịch", "en": "Province with a hot zone"},
    "risk.origin_other": {"vi": "Tỉnh khác", "en": "Other province"},
    "risk.no_high_risk": {
        "vi": "Không có người nguy cơ cao trong khoảng thời gian này.",
        "en": "No high-risk traveller in this period.",
    },
    "surge.flag": {
        "vi": "Tăng đột biến: {today} lượt nguy cơ cao hôm nay đến {time}, trung bình cùng giờ "
        "{days} ngày trước là {baseline}.",
        "en": "Surge: {today} high-risk crossings today until {time}, against an average of "
        "{baseline} over the same hours of the previous {days} days.",
    },
    "surge.none": {
        "vi": "Không có tăng đột biến: {today} lượt nguy cơ cao hôm nay đến {time}, trung bình cùng giờ "
        "{days} ngày trước là {baseline}.",
        "en": "No surge: {today} high-risk crossings today until {time}, against an average of "
        "{baseline} over the same hours of the previous {days} days.",
    },
    "adoption.title": {"vi": "Ứng dụng CNTT trong khai báo y tế", "en": "IT adoption in health declarations"},
    "adoption.target_is": {"vi": "Mục tiêu {target}", "en": "Target {target}"},
    "adoption.target_line": {"vi": "Mục tiêu {target}", "en": "Target {target}"},
    "adoption.lagging": {"vi": "Thấp nhất: {checkpoint}", "en": "Lagging: {checkpoint}"},
    "adoption.lag_note": {"vi": "còn thiếu {gap} điểm %", "en": "{gap} pts below the target"},
    "adoption.behind_best": {"vi": "Kém chốt tốt nhất", "en": "Behind the best checkpoint"},
    "adoption.best_note": {"vi": "{checkpoint}: {share}", "en": "{checkpoint}: {share}"},
    "adoption.vs_target": {"vi": "KB điện tử so với mục tiêu", "en": "Electronic vs target"},
    "adoption.bluezone_vs_target": {"vi": "Bluezone so với mục tiêu", "en": "Bluezone vs target"},
    "adoption.electronic_by_checkpoint": {
        "vi": "Tỷ lệ khai báo điện tử theo chốt",
        "en": "Electronic declarations by checkpoint",
    },
    "adoption.bluezone_by_checkpoint": {"vi": "Tỷ lệ cài Bluezone theo chốt", "en": "Bluezone installed by checkpoint"},
    "adoption.electronic_by_day": {"vi": "Khai báo điện tử theo ngày", "en": "Electronic declarations by day"},
    "adoption.bluezone_by_day": {"vi": "Cài Bluezone theo ngày", "en": "Bluezone installed by day"},
    "adoption.trend_hint": {
        "vi": "Chọn từ hai ngày trở lên để xem tỷ lệ theo từng ngày so với mục tiêu.",
        "en": "Pick two days or more to see the shares day by day against the target.",
    },
    "adoption.channel_mix": {"vi": "Hình thức khai báo", "en": "Declaration channels"},
    "adoption.wifi": {
        "vi": "Wi-Fi miễn phí tại chốt (từ khi lắp đặt)",
        "en": "Free Wi-Fi at the checkpoints (since opening)",
    },
    "adoption.wifi_note": {
        "vi": "Tỷ lệ: trên số khai báo điện tử tại chốt từ ngày có Wi-Fi.",
        "en": "Share: of the electronic declarations at the checkpoint since its Wi-Fi opened.",
    },
    "channel.paper": {"vi": "Giấy", "en": "Paper"},
    "channel.vhd": {"vi": "Tờ khai y tế (VHD)", "en": "Health declaration (VHD)"},
    "channel.bluezone": {"vi": "Bluezone", "en": "Bluezone"},
    "channel.ncovi": {"vi": "NCOVI", "en": "NCOVI"},
    "channel.other": {"vi": "Khác", "en": "Other"},
    "wifi.opened": {"vi": "Ngày lắp", "en": "Opened"},
    "wifi.none": {"vi": "Chưa có", "en": "None"},
    "wifi.declarations": {"vi": "Qua Wi-Fi", "en": "Over Wi-Fi"},
    "wifi.share_electronic": {"vi": "Tỷ lệ", "en": "Share"},
    "wifi.per_day": {"vi": "TB/ngày", "en": "Per day"},
    # --- IT team: import, hot zones, data quality ---
    "it.col.accepted": {"vi": "Nhận", "en": "Accepted"},
    "it.col.batch": {"vi": "Lô nhập", "en": "Batch"},
    "it.col.by": {"vi": "Người thực hiện", "en": "By"},
    "it.col.channel": {"vi": "Hình thức", "en": "Channel"},
    "it.col.decl_id": {"vi": "Mã khai báo", "en": "Declaration id"},
    "it.col.duplicates": {"vi": "Trùng", "en": "Duplicates"},
    "it.col.example": {"vi": "Ví dụ giá trị gốc", "en": "Example raw value"},
    "it.col.field": {"vi": "Trường", "en": "Field"},
    "it.col.file": {"vi": "Tệp", "en": "File"},
    "it.col.line": {"vi": "Dòng", "en": "Line"},
    "it.col.problem": {"vi": "Lỗi", "en": "Problem"},
    "it.col.quarantined": {"vi": "Cách ly", "en": "Quarantined"},
    "it.col.reasons": {"vi": "Lý do", "en": "Reasons"},
    "it.col.rows": {"vi": "Số dòng", "en": "Rows"},
    "it.col.rows_in": {"vi": "Số dòng đọc", "en": "Rows in"},
    "it.col.started": {"vi": "Bắt đầu", "en": "Started"},
    "it.col.status": {"vi": "Trạng thái", "en": "Status"},
    "it.col.warnings": {"vi": "Cảnh báo", "en": "Warnings"},
    "it.status.running": {"vi": "Đang chạy / bị gián đoạn", "en": "Running / interrupted"},
    "it.status.done": {"vi": "Hoàn tất", "en": "Done"},
    "it.status.failed": {"vi": "Dừng giữa chừng (nhập lại để tiếp tục)", "en": "Stopped (import again to resume)"},
    "it.code.missing": {"vi": "thiếu", "en": "missing"},
    "it.code.invalid": {"vi": "không hợp lệ", "en": "invalid"},
    "it.code.future": {"vi": "ở tương lai", "en": "in the future"},
    "it.code.too_long": {"vi": "quá dài", "en": "too long"},
    "it.channel.paper": {"vi": "Giấy", "en": "Paper"},
    "it.channel.vhd": {"vi": "Tờ khai y tế (VHD)", "en": "Health declaration (VHD)"},
    "it.channel.bluezone": {"vi": "Bluezone", "en": "Bluezone"},
    "it.channel.ncovi": {"vi": "NCOVI", "en": "NCOVI"},
    "it.channel.other": {"vi": "Khác", "en": "Other"},
    "it.field.declaration_id": {"vi": "Mã khai báo", "en": "Declaration id"},
    "it.field.declared_at": {"vi": "Thời gian khai báo", "en": "Declared at"},
    "it.field.checkpoint": {"vi": "Chốt kiểm soát", "en": "Checkpoint"},
    "it.field.direction": {"vi": "Hướng", "en": "Direction"},
    "it.field.channel": {"vi": "Hình thức khai báo", "en": "Channel"},
    "it.field.vehicle": {"vi": "Phương tiện", "en": "Vehicle"},
    "it.field.plate": {"vi": "Biển số", "en": "Plate"},
    "it.field.full_name": {"vi": "Họ và tên", "en": "Full name"},
    "it.field.id_number": {"vi": "Số CCCD/CMND", "en": "ID number"},
    "it.field.phone": {"vi": "Số điện thoại", "en": "Phone"},
    "it.field.birth_year": {"vi": "Năm sinh", "en": "Birth year"},
    "it.field.gender": {"vi": "Giới tính", "en": "Gender"},
    "it.field.origin_province": {"vi": "Đi từ tỉnh", "en": "Origin province"},
    "it.field.origin_district": {"vi": "Đi từ huyện", "en": "Origin district"},
    "it.field.destination_district": {"vi": "Nơi đến", "en": "Destination"},
    "it.field.fever": {"vi": "Sốt", "en": "Fever"},
    "it.field.cough": {"vi": "Ho", "en": "Cough"},
    "it.field.breathing_difficulty": {"vi": "Khó thở", "en": "Breathing difficulty"},
    "it.field.sore_throat": {"vi": "Đau họng", "en": "Sore throat"},
    "it.field.loss_of_taste_smell": {"vi": "Mất vị giác/khứu giác", "en": "Loss of taste/smell"},
    "it.field.contact_f0": {"vi": "Tiếp xúc F0", "en": "Contact with F0"},
    "it.field.visited_hotzone": {"vi": "Đi qua vùng dịch", "en": "Visited a hot zone"},
    "it.field.bluezone_installed": {"vi": "Cài Bluezone", "en": "Bluezone installed"},
    "it.field.used_free_wifi": {"vi": "Dùng Wi-Fi miễn phí", "en": "Used free Wi-Fi"},
    "it.q.title": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "it.q.freshness": {"vi": "Độ mới dữ liệu theo chốt", "en": "Freshness per checkpoint"},
    "it.q.last": {"vi": "Khai báo gần nhất", "en": "Last declaration"},
    "it.q.since": {"vi": "Cách đây", "en": "Since"},
    "it.q.state": {"vi": "Tình trạng", "en": "State"},
    "it.q.never": {"vi": "chưa có khai báo", "en": "no declaration yet"},
    "it.q.silent": {"vi": "⚠ Im lặng", "en": "⚠ Silent"},
    "it.q.on_air": {"vi": "Đang nhận", "en": "Receiving"},
    "it.q.silent_warning": {
        "vi": "Chốt im lặng (không có khai báo mới): {names}",
        "en": "Silent checkpoints (no new declaration): {names}",
    },
    "it.q.hourly": {
        "vi": "Khai báo theo giờ, so với cùng giờ tuần trước",
        "en": "Declarations per hour against the same hour last week",
    },
    "it.q.this_week": {"vi": "24 giờ qua", "en": "Past 24 hours"},
    "it.q.last_week": {"vi": "Cùng giờ tuần trước", "en": "Same hour last week"},
    "it.q.drops": {
        "vi": "{n} giờ sụt giảm mạnh so với tuần trước — kiểm tra đường truyền tại chốt.",
        "en": "{n} hour(s) far below last week — check the checkpoints' connection.",
    },
    "it.q.hourly_note": {
        "vi": (
            "Cột đỏ: giờ có số khai báo dưới ngưỡng so với cùng giờ tuần trước (có thể mất kết nối). Cột nhạt: giờ "
            "hiện tại, chưa trọn."
        ),
        "en": (
            "Red bars: hours far below the same hour last week (possible outage). Pale bar: the current, partial hour."
        ),
    },
    "it.q.fill": {
        "vi": "Tỷ lệ điền các trường không bắt buộc (theo chốt và hình thức)",
        "en": "Optional fields filled (per checkpoint and channel)",
    },
    "it.q.period": {"vi": "Khoảng thời gian", "en": "Period"},
    "it.q.days": {"vi": "{n} ngày", "en": "{n} days"},
    "it.q.warnings": {"vi": "Cảnh báo theo trường", "en": "Warnings by field"},
    "it.q.no_warnings": {"vi": "Chưa có cảnh báo nào.", "en": "No warnings."},
    "it.q.reasons": {"vi": "Lý do cách ly", "en": "Quarantine reasons"},
    "it.q.no_quarantine": {"vi": "Không có dòng nào bị cách ly.", "en": "No quarantined rows."},
    "it.imp.title": {"vi": "Nhập dữ liệu khai báo", "en": "Import declarations"},
    "it.imp.help": {
        "vi": (
            "Tệp CSV (UTF-8, UTF-16, Windows-1258; dấu phẩy, chấm phẩy hoặc tab) hoặc XLSX, dòng tiêu đề theo tên "
            "trường hoặc nhãn tiếng Việt. Nhập lại cùng một tệp không tạo bản ghi trùng; lần nhập bị gián đoạn sẽ "
            "tiếp tục từ chỗ dừng."
        ),
        "en": (
            "CSV (UTF-8, UTF-16, Windows-1258; comma, semicolon or tab) or XLSX, headers as field names or "
            "Vietnamese labels. Importing the same file again adds nothing; an interrupted import resumes where it "
            "stopped."
        ),
    },
    "it.imp.file": {"vi": "Chọn tệp", "en": "Choose a file"},
    "it.imp.sheet": {"vi": "Trang tính (XLSX, để trống = trang đầu)", "en": "Sheet (XLSX, empty = first)"},
    "it.imp.sheet_help": {
        "vi": "Tên trang tính chứa danh sách khai báo",
        "en": "Name of the sheet holding the declarations",
    },
    "it.imp.start": {"vi": "Nhập tệp", "en": "Import"},
    "it.imp.choose": {"vi": "Hãy chọn một tệp trước.", "en": "Choose a file first."},
    "it.imp.reading": {"vi": "Đang đọc {name}…", "en": "Reading {name}…"},
    "it.imp.progress": {"vi": "Đang nhập {name}: {rows} dòng", "en": "Importing {name}: {rows} rows"},
    "it.imp.done": {"vi": "Đã nhập xong {name}", "en": "{name} imported"},
    "it.imp.unreadable": {"vi": "Không đọc được tệp {name}: {reason}", "en": "Cannot read {name}: {reason}"},
    "it.imp.result": {
        "vi": (
            "Lô nhập #{batch}: {rows} dòng — nhận {accepted}, trùng {duplicates}, cách ly {quarantined}, cảnh báo "
            "{warnings}."
        ),
        "en": (
            "Batch #{batch}: {rows} rows — accepted {accepted}, duplicates {duplicates}, quarantined {quarantined}, "
            "warnings {warnings}."
        ),
    },
    "it.imp.batches": {"vi": "Các lần nhập tệp", "en": "File imports"},
    "it.imp.none": {"vi": "Chưa có lần nhập tệp nào.", "en": "No file imported yet."},
    "it.imp.totals": {
        "vi": (
            "Tổng cộng: {rows_in} dòng — nhận {accepted}, trùng {duplicates}, cách ly {quarantined}, cảnh báo "
            "{warnings}"
        ),
        "en": (
            "In total: {rows_in} rows — accepted {accepted}, duplicates {duplicates}, quarantined {quarantined}, "
            "warnings {warnings}"
        ),
    },
    "it.imp.quarantine": {"vi": "Dòng bị cách ly", "en": "Quarantined rows"},
    "it.imp.filter_batch": {"vi": "Lô nhập", "en": "Batch"},
    "it.imp.all_batches": {"vi": "Tất cả", "en": "All"},
    "it.imp.filter_field": {"vi": "Trường lỗi", "en": "Field in error"},
    "it.imp.all_fields": {"vi": "Tất cả", "en": "All"},
    "it.imp.quarantine_note": {
        "vi": (
            "Chỉ hiện các cột đã nhận diện; thông tin cá nhân được che. Tải về, sửa các trường lỗi rồi nhập lại — "
            "các trường bị che và các cột khác cần điền lại từ bản gốc."
        ),
        "en": (
            "Only recognised columns are shown; personal fields are masked. Download, fix the fields in error and "
            "import again — masked fields and other columns must be refilled from the original."
        ),
    },
    "it.imp.quarantine_page": {"vi": "{n} dòng · trang {page}/{pages}", "en": "{n} rows · page {page} of {pages}"},
    "it.imp.page": {"vi": "Trang", "en": "Page"},
    "it.imp.export_cap": {"vi": "Tệp tải về gồm {n} dòng mới nhất.", "en": "The download holds the newest {n} rows."},
    "it.imp.limit": {
        "vi": "Tệp CSV hoặc XLSX, tối đa {mb} MB. Tệp lớn hơn: dùng lệnh python -m data_access import.",
        "en": "CSV or XLSX file, at most {mb} MB. Larger files: use the command python -m data_access import.",
    },
    "it.imp.unrecognised": {
        "vi": "Cột không nhận diện, đã bỏ qua: {columns}",
        "en": "Columns not recognised, ignored: {columns}",
    },
    "it.imp.ids_derived": {
        "vi": (
            "Tệp không có cột mã khai báo (Mã khai báo / Mã tờ khai): mã được tạo từ thời gian, chốt, hướng và CCCD, "
            "số điện thoại hoặc họ tên."
        ),
        "en": (
            "The file has no declaration-id column (Mã khai báo / Mã tờ khai): ids were derived from the time, "
            "checkpoint, direction and ID number, phone or name."
        ),
    },
    "it.imp.browse": {"vi": "Chọn tệp từ máy", "en": "Browse files"},
    "it.imp.refused": {
        "vi": (
            "Tệp bị từ chối: quá {mb} MB, giới hạn tải lên của bảng điều khiển. Hãy chia nhỏ tệp hoặc dùng lệnh "
            "python -m data_access import."
        ),
        "en": (
            "File refused: over {mb} MB, the dashboard's upload limit. Split the file or use the command python -m "
            "data_access import."
        ),
    },
    "it.imp.too_large": {"vi": "Tệp {name} quá lớn: tối đa {mb} MB.", "en": "{name} is too large: at most {mb} MB."},
    "it.imp.failed": {
        "vi": (
            "Lần nhập tệp {name} bị dừng do lỗi hệ thống; các lô đã ghi được giữ lại, nhập lại cùng tệp sẽ tiếp tục "
            "từ chỗ dừng."
        ),
        "en": (
            "The import of {name} stopped on a system error; the batches written are kept, and importing the same "
            "file again resumes where it stopped."
        ),
    },
    "it.imp.download_csv": {"vi": "Tải CSV để sửa", "en": "Download CSV to fix"},
    "it.imp.download_xlsx": {"vi": "Tải XLSX để sửa", "en": "Download XLSX to fix"},
    "it.imp.duplicates": {"vi": "Dòng trùng (mã khai báo đã có)", "en": "Duplicates (declaration id already stored)"},
    "it.imp.no_duplicates": {"vi": "Không có dòng trùng.", "en": "No duplicates."},
    "it.wifi.title": {"vi": "Wi-Fi miễn phí tại chốt", "en": "Free Wi-Fi at the checkpoints"},
    "it.wifi.help": {
        "vi": (
            "Ngày bắt đầu phát Wi-Fi miễn phí tại mỗi chốt: trang Ứng dụng CNTT tính số người dùng Wi-Fi kể từ ngày "
            "này. Để trống nếu chốt không có Wi-Fi miễn phí."
        ),
        "en": (
            "The day each checkpoint's free Wi-Fi opened: the IT adoption page counts Wi-Fi use from that day. Empty "
            "if the checkpoint has no free Wi-Fi."
        ),
    },
    "it.wifi.opened": {"vi": "Ngày mở Wi-Fi", "en": "Wi-Fi opened on"},
    "it.wifi.save": {"vi": "Lưu ngày mở Wi-Fi", "en": "Save the opening days"},
    "it.wifi.invalid": {
        "vi": "Ngày mở Wi-Fi phải từ 01/06/2021 đến hôm nay.",
        "en": "The opening day must be between 01/06/2021 and today.",
    },
    "it.hz.title": {"vi": "Danh sách vùng dịch", "en": "Hot zones"},
    "it.hz.help": {
        "vi": (
            "Mỗi thay đổi được lưu trong một giao dịch: phân loại lại nguy cơ các khai báo liên quan, cập nhật số "
            "liệu tổng hợp và ghi lại ai đã thay đổi gì."
        ),
        "en": (
            "Each change is saved in one transaction: the affected declarations are re-classified, the aggregates "
            "updated, and who changed what is recorded."
        ),
    },
    "it.hz.province": {"vi": "Tỉnh/thành phố", "en": "Province"},
    "it.hz.district": {"vi": "Quận/huyện", "en": "District"},
    "it.hz.district_help": {"vi": "Để trống = toàn tỉnh", "en": "Empty = the whole province"},
    "it.hz.label": {"vi": "Nhãn", "en": "Label"},
    "it.hz.from": {"vi": "Từ ngày", "en": "From"},
    "it.hz.to": {"vi": "Đến ngày", "en": "To"},
    "it.hz.to_help": {"vi": "Để trống = còn hiệu lực", "en": "Empty = still active"},
    "it.hz.pending": {
        "vi": "Chưa lưu: thêm {added}, sửa {updated}, xóa {deleted}.",
        "en": "Not saved yet: {added} added, {updated} changed, {deleted} deleted.",
    },
    "it.hz.save": {"vi": "Lưu thay đổi", "en": "Save changes"},
    "it.hz.saved": {
        "vi": "Đã lưu: thêm {added}, sửa {updated}, xóa {deleted}; phân loại lại {reclassified} khai báo.",
        "en": "Saved: {added} added, {updated} changed, {deleted} deleted; {reclassified} declarations re-classified.",
    },
    "it.hz.file": {"vi": "Thay danh sách bằng tệp CSV/XLSX", "en": "Replace the list from a CSV/XLSX file"},
    "it.hz.file_help": {
        "vi": (
            "Các cột: Tỉnh, Huyện (không bắt buộc), Nhãn, Từ ngày, Đến ngày (không bắt buộc). Tệp là toàn bộ danh "
            "sách: vùng không có trong tệp sẽ bị xóa."
        ),
        "en": (
            "Columns: province, district (optional), label, valid_from, valid_to (optional). The file is the whole "
            "list: zones not in it are removed."
        ),
    },
    "it.hz.replace": {"vi": "Thay danh sách", "en": "Replace the list"},
    "it.hz.changes": {"vi": "Lịch sử thay đổi", "en": "Change log"},
    "it.hz.no_changes": {"vi": "Chưa có thay đổi nào.", "en": "No change yet."},
    "it.hz.when": {"vi": "Thời điểm", "en": "When"},
    "it.hz.action": {"vi": "Thao tác", "en": "Action"},
    "it.hz.before": {"vi": "Trước", "en": "Before"},
    "it.hz.after": {"vi": "Sau", "en": "After"},
    "it.hz.reclassified": {"vi": "Khai báo phân loại lại", "en": "Declarations re-classified"},
    "it.hz.state": {"vi": "Tình trạng", "en": "State"},
    "it.hz.active": {"vi": "Đang áp dụng", "en": "Active"},
    "it.hz.inactive": {"vi": "Hết hoặc chưa hiệu lực", "en": "Not in force"},
    "it.hz.n_zones": {"vi": "{n} vùng", "en": "{n} zones"},
    "it.hz.action.add": {"vi": "Thêm", "en": "Added"},
    "it.hz.action.update": {"vi": "Sửa", "en": "Changed"},
    "it.hz.action.delete": {"vi": "Xóa", "en": "Deleted"},
    "it.hz.action.replace": {"vi": "Thay bằng tệp", "en": "Replaced from file"},
    # --- errors: "error." + the code a data_access or briefing error carries (data_access.errors) -----
    # Worded by error_text(); the command line prints the Vietnamese text ("Lỗi [code]: …").
    "error.in_file": {"vi": "không đọc được tệp {file}: {problem}", "en": "cannot read {file}: {problem}"},
    "error.at_line": {"vi": "dòng {line}: {problem}", "en": "line {line}: {problem}"},
    "error.field.province": {"vi": "Tỉnh", "en": "province"},
    "error.field.valid_from": {"vi": "ngày bắt đầu", "en": "start date"},
    "error.field.valid_to": {"vi": "ngày kết thúc", "en": "end date"},
    # --- errors: reading a file ---
    "error.file.empty": {"vi": "Tệp rỗng", "en": "The file is empty"},
    "error.file.missing": {"vi": "Tệp không tồn tại", "en": "The file does not exist"},
    "error.file.unknown": {"vi": "Không đọc được tệp", "en": "The file cannot be read"},
    "error.file.not_table": {
        "vi": "Không đọc được tệp: không phải CSV hoặc XLSX",
        "en": "Cannot read the file: it is neither CSV nor XLSX",
    },
    "error.file.xlsx_broken": {
        "vi": "Không đọc được tệp XLSX: tệp hỏng hoặc không đầy đủ",
        "en": "Cannot read the XLSX file: it is broken or incomplete",
    },
    "error.file.no_sheet": {
        "vi": "Không đọc được tệp XLSX: tệp không có trang tính nào",
        "en": "Cannot read the XLSX file: it has no worksheet",
    },
    "error.file.sheet_missing": {
        "vi": "Không có trang tính “{sheet}” trong tệp (các trang: {sheets})",
        "en": "The file has no sheet “{sheet}” (its sheets: {sheets})",
    },
    "error.file.no_header": {
        "vi": "Không tìm thấy dòng tiêu đề (cần ít nhất các cột: {columns})",
        "en": "No header row found (at least these columns are needed: {columns})",
    },
    "error.file.too_many_columns": {
        "vi": "Dòng tiêu đề có {columns} cột, quá giới hạn {limit} cột",
        "en": "The header row has {columns} columns, over the limit of {limit}",
    },
    "error.file.xlsx_part_too_big": {
        "vi": "Không đọc được tệp XLSX: phần “{part}” quá lớn khi giải nén ({size} MB, tối đa {limit} MB)",
        "en": "Cannot read the XLSX file: part “{part}” is too large uncompressed ({size} MB, at most {limit} MB)",
    },
    "error.file.xlsx_bomb": {
        "vi": (
            "Không đọc được tệp XLSX: phần “{part}” nén bất thường ({ratio}:1, tối đa {limit}:1), có thể là tệp độc hại"
        ),
        "en": (
            "Cannot read the XLSX file: part “{part}” is abnormally compressed ({ratio}:1, at most {limit}:1); it "
            "may be a malicious file"
        ),
    },
    "error.file.xlsx_cell_too_long": {
        "vi": "Không đọc được tệp XLSX: có ô dài hơn {limit} ký tự (giới hạn của Excel) trong phần “{part}”",
        "en": "Cannot read the XLSX file: a cell in part “{part}” is longer than {limit} characters (Excel's limit)",
    },
    "error.file.xlsx_doctype": {
        "vi": "Không đọc được tệp XLSX: phần “{part}” có khai báo DOCTYPE, Excel không bao giờ ghi như vậy",
        "en": "Cannot read the XLSX file: part “{part}” has a DOCTYPE declaration, which Excel never writes",
    },
    "error.file.xlsx_stretch": {
        "vi": "Không đọc được tệp XLSX: trang tính có một dòng (hoặc khối dữ liệu) dài bất thường, hơn {limit} MB",
        "en": "Cannot read the XLSX file: the sheet has an abnormally long row (or block of data), over {limit} MB",
    },
    "error.file.csv_cell_too_long": {
        "vi": "Không đọc được tệp CSV: dòng {line} có ô dài hơn {limit} ký tự",
        "en": "Cannot read the CSV file: line {line} has a cell longer than {limit} characters",
    },
    "error.file.csv_line_too_long": {
        "vi": "Không đọc được tệp CSV: dòng {line} dài hơn {limit} MB",
        "en": "Cannot read the CSV file: line {line} is longer than {limit} MB",
    },
    "error.file.csv_broken": {
        "vi": "Không đọc được tệp CSV ở dòng {line}",
        "en": "Cannot read the CSV file at line {line}",
    },
    # --- errors: the hot-zone list ---
    "error.hot_zone.no_header": {
        "vi": "Không tìm thấy dòng tiêu đề (cần các cột: Tỉnh, Nhãn, Từ ngày)",
        "en": "No header row found (columns needed: Tỉnh, Nhãn, Từ ngày — or province, label, valid_from)",
    },
    "error.hot_zone.too_many_rows": {
        "vi": "Tệp vùng dịch có hơn {limit} dòng: không phải danh sách vùng dịch",
        "en": "The hot-zone file has more than {limit} lines: it is not a hot-zone list",
    },
    "error.hot_zone.missing_field": {"vi": "Thiếu {field}", "en": "Missing {field}"},
    "error.hot_zone.invalid_value": {"vi": "{field} không hợp lệ: “{value}”", "en": "Invalid {field}: “{value}”"},
    "error.hot_zone.missing_label": {
        "vi": "Thiếu nhãn (ví dụ: Chỉ thị 16)",
        "en": "Missing label (for example: Chỉ thị 16)",
    },
    "error.hot_zone.label_too_long": {
        "vi": "Nhãn hoặc tên huyện quá dài",
        "en": "Label or district name too long (at most {limit} characters)",
    },
    "error.hot_zone.ends_before_start": {
        "vi": "Ngày kết thúc {valid_to} trước ngày bắt đầu {valid_from}",
        "en": "End date {valid_to} is before start date {valid_from}",
    },
    "error.hot_zone.unknown": {"vi": "Không có vùng dịch số {zone_id}", "en": "There is no hot zone number {zone_id}"},
    # --- errors: the dashboard's import process ---
    "error.import.busy": {
        "vi": (
            "Một lần nhập tệp khác đang chạy trên bảng điều khiển; hãy thử lại khi lần đó xong (xem bảng các lần "
            "nhập bên dưới)."
        ),
        "en": "Another import is running on the dashboard; try again when it has finished (see the imports below).",
    },
    "error.import.failed": {
        "vi": "Quá trình nhập tệp dừng với mã {returncode}",
        "en": "The import process ended with code {returncode}",
    },
    # --- errors: the store (the command line; the dashboard's store page says it with store.*) ---
    "error.store.missing": {
        "vi": "kho dữ liệu không tồn tại (chạy: python -m data_access init): {target}",
        "en": "The data store does not exist (run: python -m data_access init): {target}",
    },
    "error.store.unreachable": {
        "vi": "không kết nối được kho dữ liệu: {target}",
        "en": "Cannot connect to the data store: {target}",
    },
    "error.store.not_a_store": {
        "vi": "tệp/cơ sở dữ liệu này không phải kho khai báo: {target}",
        "en": "This file or database is not a declaration store: {target}",
    },
    "error.store.not_initialised": {
        "vi": "kho dữ liệu chưa được khởi tạo (chạy: python -m data_access init): {target}",
        "en": "The data store has not been initialised (run: python -m data_access init): {target}",
    },
    "error.store.outdated": {
        "vi": "lược đồ kho dữ liệu cũ (chạy: python -m data_access init): {target}",
        "en": "The data store's schema is out of date (run: python -m data_access init): {target}",
    },
    # --- errors: accounts, sign-in and follow-up (data_access.accounts, data_access.follow_up) ---
    "error.account.password_too_short": {
        "vi": "Mật khẩu quá ngắn: cần ít nhất {min_length} ký tự",
        "en": "Password too short: at least {min_length} characters",
    },
    "error.account.password_too_long": {
        "vi": "Mật khẩu quá dài: tối đa {max_length} ký tự",
        "en": "Password too long: at most {max_length} characters",
    },
    "error.account.password_missing": {
        "vi": "Không đọc được mật khẩu từ đầu vào chuẩn (dòng đầu tiên trống)",
        "en": "No password could be read from standard input (the first line is empty)",
    },
    "error.account.bad_username": {
        "vi": "Tên đăng nhập “{username}” không hợp lệ: 3–50 ký tự a-z, 0-9, dấu chấm, gạch dưới, gạch ngang",
        "en": "User name “{username}” is not valid: 3–50 characters a-z, 0-9, dot, underscore, hyphen",
    },
    "error.account.bad_role": {
        "vi": "Vai trò “{role}” không hợp lệ ({roles})",
        "en": "Role “{role}” is not valid ({roles})",
    },
    "error.account.exists": {"vi": "Tài khoản “{username}” đã tồn tại", "en": "Account “{username}” already exists"},
    "error.account.unknown": {"vi": "Không có tài khoản “{username}”", "en": "There is no account “{username}”"},
    "error.sign_in.failed": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "Wrong user name or password.",
    },
    "error.sign_in.locked": {
        "vi": "Đăng nhập sai quá nhiều lần: hãy thử lại sau {minutes} phút.",
        "en": "Too many failed sign-ins: try again in {minutes} minutes.",
    },
    "error.follow_up.bad_status": {
        "vi": "Trạng thái theo dõi không hợp lệ: “{status}”",
        "en": "Not a follow-up status: “{status}”",
    },
    "error.follow_up.note_too_long": {
        "vi": "Ghi chú quá dài: tối đa {max_length} ký tự",
        "en": "Note too long: at most {max_length} characters",
    },
    "error.follow_up.unknown_declaration": {
        "vi": "Không có khai báo số {declaration_id}",
        "en": "There is no declaration number {declaration_id}",
    },
    "error.follow_up.not_high_risk": {
        "vi": "Khai báo số {declaration_id} không thuộc nhóm nguy cơ cao",
        "en": "Declaration number {declaration_id} is not high risk",
    },
    # --- errors: the command line and the day's briefing ---
    "error.cli.bad_date": {
        "vi": "Ngày “{value}” không hợp lệ (cần YYYY-MM-DD)",
        "en": "Date “{value}” is not valid (as YYYY-MM-DD)",
    },
    "error.cli.bad_days": {"vi": "Số ngày phải từ 0 trở lên", "en": "The number of days must be 0 or more"},
    "error.cli.unknown_checkpoint": {
        "vi": "không có chốt mã {checkpoint}",
        "en": "There is no checkpoint with the code {checkpoint}",
    },
    "error.report.bad_format": {
        "vi": "định dạng không hỗ trợ: {formats} (chọn trong {choices})",
        "en": "Unsupported format: {formats} (choose from {choices})",
    },
    "error.report.no_format": {
        "vi": "định dạng không hỗ trợ: (trống) (chọn trong {choices})",
        "en": "No format given (choose from {choices})",
    },
    "error.report.bad_date": {
        "vi": "ngày không hợp lệ: '{value}' (dạng YYYY-MM-DD, ví dụ {example})",
        "en": "Invalid date: '{value}' (as YYYY-MM-DD, for example {example})",
    },
    "error.report.future_date": {
        "vi": "ngày {day} chưa tới (hôm nay là {today})",
        "en": "{day} has not come yet (today is {today})",
    },
    "error.report.not_a_folder": {"vi": "{folder} không phải thư mục", "en": "{folder} is not a folder"},
    "error.report.cannot_write": {
        "vi": "không ghi được vào thư mục {folder}: {detail}",
        "en": "Cannot write to the folder {folder}: {detail}",
    },
    "error.report.bad_template": {
        "vi": "không đọc được mẫu PowerPoint {template}: {detail}",
        "en": "Cannot read the PowerPoint template {template}: {detail}",
    },
    # --- the store's backup and restore (data_access.backup; python -m data_access backup / restore) ---
    "cli.backup_done": {
        "vi": (
            "Đã sao lưu vào {path}: {tables} bảng; {declarations} khai báo, {crossing_hourly} dòng tổng hợp theo giờ,"
            " {audit_log} mục nhật ký."
        ),
        "en": (
            "Backed up to {path}: {tables} tables; {declarations} declarations, {crossing_hourly} hourly rollup rows,"
            " {audit_log} audit entries."
        ),
    },
    "cli.restore_done": {
        "vi": (
            "Đã khôi phục {file} vào {store}: {tables} bảng, số dòng từng bảng khớp với bản sao lưu ({declarations}"
            " khai báo, {crossing_hourly} dòng tổng hợp theo giờ, {audit_log} mục nhật ký); kho dữ liệu dùng được."
        ),
        "en": (
            "Restored {file} into {store}: {tables} tables, every table's row count equal to the backup's"
            " ({declarations} declarations, {crossing_hourly} hourly rollup rows, {audit_log} audit entries);"
            " the store is ready."
        ),
    },
    "error.backup.unsupported": {
        "vi": "không sao lưu hay khôi phục được loại kho dữ liệu này: {backend} (chỉ PostgreSQL hoặc tệp SQLite)",
        "en": "Cannot back up or restore this kind of store: {backend} (PostgreSQL or a SQLite file only)",
    },
    "error.backup.tool_missing": {
        "vi": "không tìm thấy chương trình {tool} (cài: apt-get install postgresql-client)",
        "en": "The program {tool} was not found (install it: apt-get install postgresql-client)",
    },
    "error.backup.failed": {
        "vi": "sao lưu không thành công ({tool}): {detail}",
        "en": "The backup failed ({tool}): {detail}",
    },
    "error.backup.not_a_folder": {"vi": "{folder} không phải thư mục", "en": "{folder} is not a folder"},
    "error.backup.bad_keep": {
        "vi": "--keep phải từ 1 trở lên (đang là {keep})",
        "en": "--keep must be 1 or more (it is {keep})",
    },
    "error.restore.missing": {"vi": "không có tệp sao lưu {file}", "en": "There is no backup file {file}"},
    "error.restore.no_manifest": {
        "vi": "thiếu hoặc hỏng tệp mô tả {file} của bản sao lưu (bản sao lưu chưa xong?)",
        "en": "The backup's manifest {file} is missing or damaged (an unfinished backup?)",
    },
    "error.restore.checksum": {
        "vi": "tệp {file} không khớp mã kiểm tra SHA-256 trong tệp mô tả: tệp đã bị hỏng hoặc bị sửa",
        "en": "{file} does not match the SHA-256 in its manifest: the file is damaged or was changed",
    },
    "error.restore.wrong_backend": {
        "vi": "bản sao lưu này của {found}, không khôi phục được vào kho {expected}",
        "en": "This is a {found} backup; it cannot be restored into a {expected} store",
    },
    "error.restore.target_not_empty": {
        "vi": "kho đích không trống: {target} (chỉ khôi phục vào cơ sở dữ liệu mới tạo hoặc tệp chưa có)",
        "en": "The target store is not empty: {target} (restore only into a new database or a new file)",
    },
    "error.restore.failed": {
        "vi": "khôi phục không thành công ({tool}): {detail}",
        "en": "The restore failed ({tool}): {detail}",
    },
    "error.restore.counts_differ": {
        "vi": "bảng {table} sau khi khôi phục có {found} dòng, bản sao lưu ghi {expected} dòng",
        "en": "Table {table} has {found} rows after the restore; the backup recorded {expected}",
    },
    # --- sign-in, roles, menu ---------------------------------------------------------------
    "signin.title": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin.username": {"vi": "Tên đăng nhập", "en": "Username"},
    "signin.password": {"vi": "Mật khẩu", "en": "Password"},
    "signin.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin.expired_form": {
        "vi": "Biểu mẫu đã hết hạn, vui lòng nhập lại tên đăng nhập và mật khẩu.",
        "en": "The form has expired; enter your username and password again.",
    },
    "signin.missing": {
        "vi": "Vui lòng nhập tên đăng nhập và mật khẩu.",
        "en": "Enter your username and password.",
    },
    "signin.needed_title": {"vi": "Vui lòng đăng nhập", "en": "Please sign in"},
    "signin.go": {"vi": "Đến trang đăng nhập", "en": "Go to the sign-in page"},
    "signin.with_provider": {
        "vi": "Đăng nhập bằng tài khoản của Sở",
        "en": "Sign in with the Department's account",
    },
    "app.section.health": {"vi": "Y tế", "en": "Health officers"},
    "app.section.admin": {"vi": "Quản trị", "en": "Administration"},
    "nav.follow_up": {"vi": "Theo dõi người nguy cơ cao", "en": "High-risk follow-up"},
    "nav.audit": {"vi": "Nhật ký truy cập", "en": "Audit log"},
    "nav.accounts": {"vi": "Tài khoản", "en": "Accounts"},
    "accounts.title": {"vi": "Tài khoản người dùng", "en": "User accounts"},
    "accounts.col.username": {"vi": "Tên đăng nhập", "en": "Username"},
    "accounts.col.display_name": {"vi": "Họ tên", "en": "Name"},
    "accounts.col.role": {"vi": "Vai trò", "en": "Role"},
    "accounts.col.enabled": {"vi": "Trạng thái", "en": "State"},
    "accounts.on": {"vi": "Đang dùng", "en": "Enabled"},
    "accounts.off": {"vi": "Đã khóa", "en": "Disabled"},
    "accounts.add": {"vi": "Thêm tài khoản", "en": "Add an account"},
    "accounts.add_submit": {"vi": "Thêm", "en": "Add"},
    "accounts.added": {"vi": "Đã thêm tài khoản.", "en": "Account added."},
    "accounts.change": {"vi": "Khóa, mở khóa, đặt lại mật khẩu", "en": "Disable, enable, new password"},
    "accounts.new_password": {"vi": "Mật khẩu mới (khi đặt lại)", "en": "New password (to reset)"},
    "accounts.disable": {"vi": "Khóa", "en": "Disable"},
    "accounts.enable": {"vi": "Mở khóa", "en": "Enable"},
    "accounts.reset": {"vi": "Đặt lại mật khẩu", "en": "Set password"},
    "accounts.changed": {"vi": "Đã lưu thay đổi.", "en": "Change saved."},
    "accounts.note": {
        "vi": "Khóa tài khoản hoặc đặt lại mật khẩu sẽ kết thúc ngay các phiên đăng nhập của tài khoản đó. "
        "Mật khẩu cần ít nhất 10 ký tự.",
        "en": "Disabling an account or setting its password ends its sessions at once. "
        "Passwords need at least 10 characters.",
    },
    "app.signed_in_as": {"vi": "Đang đăng nhập: {name} ({role})", "en": "Signed in: {name} ({role})"},
    "app.sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "app.forbidden": {"vi": "Không có quyền xem trang này", "en": "You are not allowed to view this page"},
    "role.leadership": {"vi": "Lãnh đạo", "en": "Leadership"},
    "role.health": {"vi": "Cán bộ y tế", "en": "Health officer"},
    "role.it": {"vi": "Tổ CNTT", "en": "IT team"},
    "role.admin": {"vi": "Quản trị", "en": "Administrator"},
    "role.wallscreen": {"vi": "Màn hình trình chiếu", "en": "Wall screen"},
    # --- rows behind a figure ---------------------------------------------------------------
    "rows.open": {"vi": "Xem danh sách", "en": "View the list"},
    "rows.title": {"vi": "Danh sách người nguy cơ cao", "en": "High-risk travellers"},
    "rows.count": {
        "vi": "{shown} người mới nhất trong tổng số {total} người.",
        "en": "The newest {shown} of {total} travellers.",
    },
    "rows.masked_note": {
        "vi": "Thông tin cá nhân được che một phần (Tổ CNTT).",
        "en": "Personal details are partly masked (IT team).",
    },
    "rows.none": {"vi": "Không có người nguy cơ cao nào trong phạm vi này.", "en": "No high-risk traveller here."},
    # --- follow-up list ---------------------------------------------------------------------
    "follow.title": {"vi": "Theo dõi người nguy cơ cao", "en": "High-risk travellers: follow-up"},
    "follow.reason": {"vi": "Lý do", "en": "Reason"},
    "follow.status": {"vi": "Tình trạng theo dõi", "en": "Follow-up status"},
    "follow.all": {"vi": "Tất cả", "en": "All"},
    "follow.search": {"vi": "Tìm theo tên, số điện thoại, CCCD", "en": "Search by name, phone, ID number"},
    "follow.search_hint": {"vi": "ví dụ: 0912 hoặc Nguyễn", "en": "e.g. 0912 or Nguyễn"},
    "follow.page": {"vi": "Trang (1–{pages})", "en": "Page (1–{pages})"},
    "follow.count": {
        "vi": "{range}: {total} người nguy cơ cao, đang hiện {shown} người, mới nhất trước.",
        "en": "{range}: {total} high-risk travellers, {shown} shown, newest first.",
    },
    "follow.none": {"vi": "Không có người nguy cơ cao nào khớp bộ lọc.", "en": "No high-risk traveller matches."},
    "follow.export_prepare": {"vi": "Tạo tệp Excel danh sách", "en": "Make an Excel file of the list"},
    "follow.export": {"vi": "Tải tệp Excel", "en": "Download the Excel file"},
    "follow.pick_row": {
        "vi": "Chọn một dòng để xem lịch sử và cập nhật tình trạng theo dõi.",
        "en": "Select a row to see its history and update its follow-up status.",
    },
    "follow.traveller": {"vi": "Người khai báo: {name}", "en": "Traveller: {name}"},
    "follow.no_history": {"vi": "Chưa có cập nhật nào.", "en": "No update yet."},
    "follow.new_status": {"vi": "Tình trạng mới", "en": "New status"},
    "follow.note": {"vi": "Ghi chú", "en": "Note"},
    "follow.save": {"vi": "Lưu", "en": "Save"},
    "follow.saved": {"vi": "Đã lưu tình trạng theo dõi.", "en": "Follow-up status saved."},
    "follow.sheet": {"vi": "Theo dõi", "en": "Follow-up"},
    "follow.col.time": {"vi": "Thời gian", "en": "Time"},
    "follow.col.checkpoint": {"vi": "Chốt", "en": "Checkpoint"},
    "follow.col.direction": {"vi": "Chiều", "en": "Direction"},
    "follow.col.name": {"vi": "Họ tên", "en": "Name"},
    "follow.col.phone": {"vi": "Số điện thoại", "en": "Phone"},
    "follow.col.id_number": {"vi": "Số CMND/CCCD", "en": "ID number"},
    "follow.col.origin": {"vi": "Đi từ tỉnh", "en": "From province"},
    "follow.col.origin_district": {"vi": "Đi từ huyện", "en": "From district"},
    "follow.col.destination": {"vi": "Huyện đến", "en": "Destination district"},
    "follow.col.reason": {"vi": "Lý do", "en": "Reason"},
    "follow.col.status": {"vi": "Tình trạng", "en": "Status"},
    "follow.col.status_at": {"vi": "Cập nhật lúc", "en": "Updated at"},
    "follow.col.status_by": {"vi": "Người cập nhật", "en": "Updated by"},
    "follow.col.note": {"vi": "Ghi chú", "en": "Note"},
    "follow.status.not_contacted": {"vi": "Chưa liên hệ", "en": "Not contacted"},
    "follow.status.contacted": {"vi": "Đã liên hệ", "en": "Contacted"},
    "follow.status.home_isolation": {"vi": "Cách ly tại nhà", "en": "Home isolation"},
    "follow.status.facility_isolation": {"vi": "Cách ly tập trung", "en": "Facility isolation"},
    "follow.status.tested": {"vi": "Đã xét nghiệm", "en": "Tested"},
    "follow.status.closed": {"vi": "Đã kết thúc theo dõi", "en": "Closed"},
    # --- audit log --------------------------------------------------------------------------
    "audit.title": {"vi": "Nhật ký truy cập", "en": "Audit log"},
    "audit.days": {"vi": "Ngày", "en": "Days"},
    "audit.user": {"vi": "Tên đăng nhập", "en": "Username"},
    "audit.action": {"vi": "Hành động", "en": "Action"},
    "audit.all_actions": {"vi": "Tất cả hành động", "en": "All actions"},
    "audit.count": {
        "vi": "{shown} mục mới nhất (tối đa {limit}).",
        "en": "The newest {shown} entries (at most {limit}).",
    },
    "audit.none": {"vi": "Không có mục nào khớp bộ lọc.", "en": "No entry matches."},
    "audit.col.time": {"vi": "Thời gian", "en": "Time"},
    "audit.col.user": {"vi": "Người dùng", "en": "User"},
    "audit.col.action": {"vi": "Hành động", "en": "Action"},
    "audit.col.page": {"vi": "Trang", "en": "Page"},
    "audit.col.rows": {"vi": "Số dòng", "en": "Rows"},
    "audit.col.details": {"vi": "Chi tiết", "en": "Details"},
    "audit.action.sign_in": {"vi": "Đăng nhập", "en": "Sign-in"},
    "audit.action.sign_in_failed": {"vi": "Đăng nhập sai", "en": "Failed sign-in"},
    "audit.action.sign_in_locked": {"vi": "Đăng nhập khi bị khóa", "en": "Sign-in while locked"},
    "audit.action.locked_out": {"vi": "Khóa tài khoản tạm thời", "en": "Locked out"},
    "audit.action.sign_out": {"vi": "Đăng xuất", "en": "Sign-out"},
    "audit.action.view_personal": {"vi": "Xem thông tin cá nhân", "en": "Viewed personal data"},
    "audit.action.export": {"vi": "Xuất tệp", "en": "Export"},
    "audit.action.unmask": {"vi": "Bỏ che thông tin", "en": "Unmask"},
    "audit.action.follow_up_status": {"vi": "Cập nhật tình trạng theo dõi", "en": "Follow-up status change"},
    "audit.action.account_change": {"vi": "Thay đổi tài khoản", "en": "Account change"},
    "audit.action.hot_zone_change": {"vi": "Thay đổi vùng dịch", "en": "Hot-zone change"},
    "audit.action.import": {"vi": "Nhập tệp", "en": "Import"},
    "audit.action.forbidden_page": {"vi": "Mở trang không có quyền", "en": "Opened a forbidden page"},
    "audit.action.purge": {"vi": "Xóa thông tin cá nhân cũ", "en": "Personal data purge"},
    # --- briefing page and wall screen ------------------------------------------------------
    "nav.report": {"vi": "Báo cáo", "en": "Briefing"},
    "nav.wall": {"vi": "Trình chiếu", "en": "Wall screen"},
    "report.title": {"vi": "Báo cáo cho lãnh đạo Sở", "en": "Briefing for the Department's leadership"},
    "report.intro": {
        "vi": "Bộ báo cáo của một ngày: bản trình chiếu PowerPoint, bảng tính Excel và báo cáo Word theo thể "
        "thức văn bản hành chính. Số liệu giống hệt các trang của bảng điều khiển.",
        "en": "One day's briefing: a PowerPoint deck, an Excel workbook and the Word report in the "
        "administrative format. The figures are the dashboard's own.",
    },
    "report.day": {"vi": "Ngày báo cáo", "en": "Day"},
    "report.make": {"vi": "Tạo báo cáo", "en": "Make the briefing"},
    "report.making": {"vi": "Đang tạo báo cáo…", "en": "Making the briefing…"},
    "report.ready": {"vi": "Báo cáo ngày {day} đã sẵn sàng.", "en": "The briefing for {day} is ready."},
    "report.download.pptx": {"vi": "Tải bản trình chiếu (.pptx)", "en": "Download the deck (.pptx)"},
    "report.download.xlsx": {"vi": "Tải bảng tính (.xlsx)", "en": "Download the workbook (.xlsx)"},
    "report.download.docx": {"vi": "Tải báo cáo Word (.docx)", "en": "Download the Word report (.docx)"},
    "wall.updated": {"vi": "cập nhật {ago}", "en": "updated {ago}"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` (falling back to Vietnamese), formatted with ``values``."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


class _Missing(dict):
    """Format values where a name the text uses but the error lacks shows as itself ("{name}")."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _error_param(name: str, value: object, lang: str) -> str:
    """One parameter of an error as its text shows it in ``lang``: numbers and dates in the language's
    style (1.234 / 1,234; dd/mm/yyyy), lists joined with commas, a field by its name in the catalogue;
    an id (``…_id``) and text as they are."""
    from . import formatting

    if isinstance(value, (list, tuple)):
        return ", ".join(_error_param(name, v, lang) for v in value)
    if value is None:
        return "—"
    if name == "field" and f"error.field.{value}" in CATALOGUE:
        return t(f"error.field.{value}", lang)
    if name == "id" or name.endswith("_id") or isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return formatting.number(value, lang)
    if isinstance(value, dt.datetime):
        return formatting.local_datetime(value, lang) if value.tzinfo is None else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return formatting.date(value, lang)
    return str(value)


def error_text(
    error: CodedError, lang: str = DEFAULT_LANGUAGE, /, *, line: int | None = None, file: str | None = None
) -> str:
    """A coded error (:mod:`data_access.errors`) worded in ``lang``: the catalogue's ``"error." + code``
    with the error's parameters formatted for the language (:func:`_error_param`). A ``detail`` the text
    does not name (a system's own words) follows in parentheses. ``line`` says the file's line it is
    about ("dòng 12: …"), ``file`` the file it could not read ("không đọc được tệp x.csv: …").

    A code the catalogue lacks (tests/test_errors.py keeps that from happening) is shown as the code.
    """
    entry = CATALOGUE.get(f"error.{error.code}")
    if entry is None:
        text = str(error)
    else:
        template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
        values = {name: _error_param(name, value, lang) for name, value in error.params.items()}
        text = template.format_map(_Missing(values))
        detail = error.params.get("detail")
        if detail and "{detail}" not in template:
            text += f" ({detail})"
    if line is not None:
        text = t("error.at_line", lang, line=_error_param("line", line, lang), problem=text)
    if file is not None:
        text = t("error.in_file", lang, file=file, problem=text)
    return text
