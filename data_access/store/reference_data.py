"""Static reference data for the Thái Bình checkpoint dashboard.

Plain Python values only (no database or framework imports). They are used to
seed the reference tables at ``python -m data_access init`` and by the
declaration simulator. Once seeded, the database rows are authoritative: the
IT team may correct coordinates or add checkpoints there without touching code.

Contents:

* ``CHECKPOINTS``          -- the three first gateway checkpoints (SPEC §2).
* ``PROVINCES``            -- the 63 provinces / centrally-run cities of 2021,
                              keyed by their GSO two-digit code.
* ``THAI_BINH_DISTRICTS``  -- the 8 district-level units of Thái Bình.
* ``PROVINCE_DISTRICTS``   -- district names (2021) of the provinces the
                              simulator draws origins from.
* ``SURNAMES`` ... ``GIVEN_NAMES_FEMALE`` -- Vietnamese name parts.
* ``MOBILE_PREFIXES``      -- 3-digit mobile prefixes after the 2018 renumbering.

All strings are NFC-normalised Vietnamese with full diacritics. Administrative
codes are strings (GSO codes are identifiers, not numbers). Coordinates are
approximate (WGS84, decimal degrees) and only meant for map placement.
"""

from __future__ import annotations

from datetime import date

# ---------------------------------------------------------------------------
# Checkpoints (SPEC §2). Coordinates are approximate (± 2 km).
# ``district_code`` is the GSO code of the Thái Bình district the bridge is in.
# ``wifi_opened_on``: the IT team set up free Wi-Fi at the three bridges when
# the checkpoints opened in June 2021; the day is not on record, so the middle
# of the month stands for it until the IT team enters the real one (the
# data-quality page edits it; ``init`` never overwrites an edited day).
# ---------------------------------------------------------------------------
WIFI_OPENED_ON_DEFAULT = date(2021, 6, 15)

CHECKPOINTS: list[dict] = [
    {
        "code": "TAN_DE",
        "name": "Cầu Tân Đệ",
        "road": "QL10, sông Hồng",
        "links": "Vũ Thư ↔ Nam Định",
        "district_code": "344",  # Vũ Thư
        "wifi_opened_on": WIFI_OPENED_ON_DEFAULT,
        "lat": 20.452,
        "lon": 106.205,
    },
    {
        "code": "THAI_HA",
        "name": "Cầu Thái Hà",
        "road": "sông Hồng",
        "links": "Hưng Hà (Tiến Đức) ↔ Hà Nam (Lý Nhân)",
        "district_code": "339",  # Hưng Hà
        "wifi_opened_on": WIFI_OPENED_ON_DEFAULT,
        "lat": 20.591,
        "lon": 106.140,
    },
    {
        "code": "TRIEU_DUONG",
        "name": "Cầu Triều Dương",
        "road": "QL39, sông Luộc",
        "links": "Hưng Hà ↔ Hưng Yên (Tiên Lữ)",
        "district_code": "339",  # Hưng Hà
        "wifi_opened_on": WIFI_OPENED_ON_DEFAULT,
        "lat": 20.660,
        "lon": 106.183,
    },
]

# ---------------------------------------------------------------------------
# Provinces as of 2021 (before the 2025 merger): 58 provinces + 5 centrally-run
# cities. Tuple: (gso_code, name without prefix, kind, lat, lon).
# lat/lon are rough centroids of the province's land area.
# ---------------------------------------------------------------------------
PROVINCE_KIND_CITY = "Thành phố"
PROVINCE_KIND_PROVINCE = "Tỉnh"

PROVINCES: list[tuple[str, str, str, float, float]] = [
    # Red River Delta and Northern midlands / mountains
    ("01", "Hà Nội", "Thành phố", 21.03, 105.80),
    ("02", "Hà Giang", "Tỉnh", 22.80, 105.00),
    ("04", "Cao Bằng", "Tỉnh", 22.70, 106.05),
    ("06", "Bắc Kạn", "Tỉnh", 22.25, 105.83),
    ("08", "Tuyên Quang", "Tỉnh", 22.12, 105.22),
    ("10", "Lào Cai", "Tỉnh", 22.30, 104.17),
    ("11", "Điện Biên", "Tỉnh", 21.60, 103.00),
    ("12", "Lai Châu", "Tỉnh", 22.32, 103.18),
    ("14", "Sơn La", "Tỉnh", 21.20, 104.00),
    ("15", "Yên Bái", "Tỉnh", 21.75, 104.50),
    ("17", "Hòa Bình", "Tỉnh", 20.70, 105.30),
    ("19", "Thái Nguyên", "Tỉnh", 21.70, 105.80),
    ("20", "Lạng Sơn", "Tỉnh", 21.85, 106.60),
    ("22", "Quảng Ninh", "Tỉnh", 21.15, 107.30),
    ("24", "Bắc Giang", "Tỉnh", 21.35, 106.40),
    ("25", "Phú Thọ", "Tỉnh", 21.30, 105.15),
    ("26", "Vĩnh Phúc", "Tỉnh", 21.35, 105.55),
    ("27", "Bắc Ninh", "Tỉnh", 21.12, 106.08),
    ("30", "Hải Dương", "Tỉnh", 20.95, 106.38),
    ("31", "Hải Phòng", "Thành phố", 20.85, 106.65),
    ("33", "Hưng Yên", "Tỉnh", 20.80, 106.05),
    ("34", "Thái Bình", "Tỉnh", 20.50, 106.38),
    ("35", "Hà Nam", "Tỉnh", 20.54, 105.95),
    ("36", "Nam Định", "Tỉnh", 20.25, 106.20),
    ("37", "Ninh Bình", "Tỉnh", 20.20, 105.90),
    # North Central and Central Coast
    ("38", "Thanh Hóa", "Tỉnh", 20.00, 105.50),
    ("40", "Nghệ An", "Tỉnh", 19.20, 104.90),
    ("42", "Hà Tĩnh", "Tỉnh", 18.35, 105.70),
    ("44", "Quảng Bình", "Tỉnh", 17.50, 106.30),
    ("45", "Quảng Trị", "Tỉnh", 16.75, 107.00),
    ("46", "Thừa Thiên Huế", "Tỉnh", 16.35, 107.50),
    ("48", "Đà Nẵng", "Thành phố", 16.05, 108.10),
    ("49", "Quảng Nam", "Tỉnh", 15.55, 108.00),
    ("51", "Quảng Ngãi", "Tỉnh", 15.00, 108.65),
    ("52", "Bình Định", "Tỉnh", 14.10, 108.90),
    ("54", "Phú Yên", "Tỉnh", 13.15, 109.05),
    ("56", "Khánh Hòa", "Tỉnh", 12.30, 109.00),
    ("58", "Ninh Thuận", "Tỉnh", 11.70, 108.85),
    ("60", "Bình Thuận", "Tỉnh", 11.10, 108.10),
    # Central Highlands
    ("62", "Kon Tum", "Tỉnh", 14.60, 107.90),
    ("64", "Gia Lai", "Tỉnh", 13.80, 108.20),
    ("66", "Đắk Lắk", "Tỉnh", 12.80, 108.20),
    ("67", "Đắk Nông", "Tỉnh", 12.20, 107.70),
    ("68", "Lâm Đồng", "Tỉnh", 11.75, 108.10),
    # South East
    ("70", "Bình Phước", "Tỉnh", 11.75, 106.85),
    ("72", "Tây Ninh", "Tỉnh", 11.35, 106.10),
    ("74", "Bình Dương", "Tỉnh", 11.15, 106.65),
    ("75", "Đồng Nai", "Tỉnh", 11.05, 107.15),
    ("77", "Bà Rịa - Vũng Tàu", "Tỉnh", 10.60, 107.25),
    ("79", "Hồ Chí Minh", "Thành phố", 10.78, 106.68),
    # Mekong Delta
    ("80", "Long An", "Tỉnh", 10.65, 106.20),
    ("82", "Tiền Giang", "Tỉnh", 10.40, 106.30),
    ("83", "Bến Tre", "Tỉnh", 10.10, 106.45),
    ("84", "Trà Vinh", "Tỉnh", 9.80, 106.30),
    ("86", "Vĩnh Long", "Tỉnh", 10.15, 106.00),
    ("87", "Đồng Tháp", "Tỉnh", 10.55, 105.65),
    ("89", "An Giang", "Tỉnh", 10.50, 105.15),
    ("91", "Kiên Giang", "Tỉnh", 10.00, 105.15),
    ("92", "Cần Thơ", "Thành phố", 10.10, 105.60),
    ("93", "Hậu Giang", "Tỉnh", 9.80, 105.60),
    ("94", "Sóc Trăng", "Tỉnh", 9.60, 105.95),
    ("95", "Bạc Liêu", "Tỉnh", 9.30, 105.50),
    ("96", "Cà Mau", "Tỉnh", 9.00, 105.05),
]

# GSO code of the host province.
THAI_BINH_PROVINCE_CODE = "34"

# ---------------------------------------------------------------------------
# Thái Bình's district-level units (GSO codes, SPEC §2).
# Tuple: (gso_code, name without prefix, kind, lat, lon); rough centroids.
# ---------------------------------------------------------------------------
THAI_BINH_DISTRICTS: list[tuple[str, str, str, float, float]] = [
    ("336", "Thái Bình", "Thành phố", 20.45, 106.34),
    ("338", "Quỳnh Phụ", "Huyện", 20.65, 106.35),
    ("339", "Hưng Hà", "Huyện", 20.59, 106.22),
    ("340", "Đông Hưng", "Huyện", 20.54, 106.35),
    ("341", "Thái Thụy", "Huyện", 20.55, 106.53),
    ("342", "Tiền Hải", "Huyện", 20.38, 106.53),
    ("343", "Kiến Xương", "Huyện", 20.40, 106.43),
    ("344", "Vũ Thư", "Huyện", 20.44, 106.27),
]

# ---------------------------------------------------------------------------
# District names (as of 2021, no "Quận/Huyện/Thị xã/Thành phố" prefix, except
# the numbered urban districts of Hồ Chí Minh, whose number is not a name on
# its own) for the provinces the simulator draws origin districts from.
# Where a province's capital city shares the province's name it appears here
# under that name (e.g. "Nam Định" in 36).
# ---------------------------------------------------------------------------
PROVINCE_DISTRICTS: dict[str, list[str]] = {
    # Nam Định: 1 city + 9 districts
    "36": [
        "Nam Định",
        "Mỹ Lộc",
        "Vụ Bản",
        "Ý Yên",
        "Nghĩa Hưng",
        "Nam Trực",
        "Trực Ninh",
        "Xuân Trường",
        "Giao Thủy",
        "Hải Hậu",
    ],
    # Hà Nam: 1 city + 1 town (Duy Tiên, 2020) + 4 districts
    "35": ["Phủ Lý", "Duy Tiên", "Kim Bảng", "Thanh Liêm", "Bình Lục", "Lý Nhân"],
    # Hưng Yên: 1 city + 1 town (Mỹ Hào, 2019) + 8 districts
    "33": [
        "Hưng Yên",
        "Mỹ Hào",
        "Văn Lâm",
        "Văn Giang",
        "Yên Mỹ",
        "Ân Thi",
        "Khoái Châu",
        "Kim Động",
        "Tiên Lữ",
        "Phù Cừ",
    ],
    # Hà Nội: 12 urban districts + 1 town + 17 districts
    "01": [
        "Ba Đình",
        "Hoàn Kiếm",
        "Tây Hồ",
        "Long Biên",
        "Cầu Giấy",
        "Đống Đa",
        "Hai Bà Trưng",
        "Hoàng Mai",
        "Thanh Xuân",
        "Bắc Từ Liêm",
        "Nam Từ Liêm",
        "Hà Đông",
        "Sơn Tây",
        "Sóc Sơn",
        "Đông Anh",
        "Gia Lâm",
        "Thanh Trì",
        "Mê Linh",
        "Ba Vì",
        "Phúc Thọ",
        "Đan Phượng",
        "Hoài Đức",
        "Quốc Oai",
        "Thạch Thất",
        "Chương Mỹ",
        "Thanh Oai",
        "Thường Tín",
        "Phú Xuyên",
        "Ứng Hòa",
        "Mỹ Đức",
    ],
    # Hải Phòng: 7 urban districts + 8 districts
    "31": [
        "Hồng Bàng",
        "Ngô Quyền",
        "Lê Chân",
        "Hải An",
        "Kiến An",
        "Đồ Sơn",
        "Dương Kinh",
        "Thủy Nguyên",
        "An Dương",
        "An Lão",
        "Kiến Thụy",
        "Tiên Lãng",
        "Vĩnh Bảo",
        "Cát Hải",
        "Bạch Long Vĩ",
    ],
    # Hải Dương: 2 cities + 1 town (Kinh Môn, 2019) + 9 districts
    "30": [
        "Hải Dương",
        "Chí Linh",
        "Kinh Môn",
        "Nam Sách",
        "Kim Thành",
        "Thanh Hà",
        "Cẩm Giàng",
        "Bình Giang",
        "Gia Lộc",
        "Tứ Kỳ",
        "Ninh Giang",
        "Thanh Miện",
    ],
    # Bắc Ninh: 1 city + Từ Sơn (town, city from late 2021) + 6 districts
    "27": [
        "Bắc Ninh",
        "Từ Sơn",
        "Quế Võ",
        "Tiên Du",
        "Yên Phong",
        "Thuận Thành",
        "Gia Bình",
        "Lương Tài",
    ],
    # Bắc Giang: 1 city + 9 districts
    "24": [
        "Bắc Giang",
        "Yên Thế",
        "Tân Yên",
        "Lạng Giang",
        "Lục Nam",
        "Lục Ngạn",
        "Sơn Động",
        "Yên Dũng",
        "Việt Yên",
        "Hiệp Hòa",
    ],
    # Hồ Chí Minh (2021): Thủ Đức city (merged Quận 2, Quận 9, Thủ Đức on
    # 1 Jan 2021) + 16 urban districts + 5 rural districts
    "79": [
        "Quận 1",
        "Quận 3",
        "Quận 4",
        "Quận 5",
        "Quận 6",
        "Quận 7",
        "Quận 8",
        "Quận 10",
        "Quận 11",
        "Quận 12",
        "Bình Thạnh",
        "Gò Vấp",
        "Phú Nhuận",
        "Tân Bình",
        "Tân Phú",
        "Bình Tân",
        "Thủ Đức",
        "Củ Chi",
        "Hóc Môn",
        "Bình Chánh",
        "Nhà Bè",
        "Cần Giờ",
    ],
    # Thái Bình: the 8 units above
    "34": [name for _code, name, _kind, _lat, _lon in THAI_BINH_DISTRICTS],
}

# ---------------------------------------------------------------------------
# Vietnamese personal-name parts for the simulator.
# SURNAME_WEIGHTS is parallel to SURNAMES; values approximate the national
# share of each family name (relative weights, they sum to about 1).
# ---------------------------------------------------------------------------
SURNAMES: list[str] = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Phan",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Đào",
    "Trịnh",
    "Mai",
    "Lương",
    "Đoàn",
    "Cao",
    "Tạ",
    "Võ",
    "Huỳnh",
    "Trương",
]
SURNAME_WEIGHTS: list[float] = [
    0.380,
    0.110,
    0.095,
    0.070,
    0.050,
    0.045,
    0.040,
    0.021,
    0.020,
    0.018,
    0.013,
    0.013,
    0.010,
    0.005,
    0.012,
    0.010,
    0.010,
    0.008,
    0.007,
    0.008,
    0.006,
    0.004,
    0.020,
    0.020,
    0.005,
]

MIDDLE_NAMES_MALE: list[str] = [
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Công",
    "Xuân",
    "Thanh",
    "Đình",
    "Mạnh",
    "Tuấn",
    "Hoàng",
    "Trọng",
    "Ngọc",
    "Quốc",
    "Anh",
    "Tiến",
    "Duy",
]
MIDDLE_NAMES_FEMALE: list[str] = [
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Thúy",
    "Hồng",
    "Phương",
    "Minh",
    "Kim",
    "Mai",
    "Bích",
    "Khánh",
    "Diệu",
    "Hải",
    "Thùy",
    "Lan",
]

GIVEN_NAMES_MALE: list[str] = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Dương",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Kiên",
    "Long",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
]
GIVEN_NAMES_FEMALE: list[str] = [
    "Anh",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huyền",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Vân",
    "Yến",
]

# ---------------------------------------------------------------------------
# Vietnamese 3-digit mobile prefixes (leading 0 included) after the 2018
# 11-to-10-digit renumbering. A full number is prefix + 7 digits.
# ---------------------------------------------------------------------------
MOBILE_PREFIXES: list[str] = [
    # Viettel
    "086",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    # VinaPhone
    "088",
    "091",
    "094",
    "081",
    "082",
    "083",
    "084",
    "085",
    # MobiFone
    "089",
    "090",
    "093",
    "070",
    "076",
    "077",
    "078",
    "079",
    # Vietnamobile
    "092",
    "056",
    "058",
    # Gmobile
    "099",
    "059",
]
