"""Value normalisation of declaration fields (SPEC §3)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest

from data_access.fields import (
    FIELDS,
    OUTPUT_COLUMNS,
    PII_FIELDS,
    REQUIRED_FIELDS,
    CheckpointRef,
    DistrictRef,
    FieldError,
    ProvinceRef,
    Reference,
    derive_declaration_id,
    is_electronic,
    normalize_birth_year,
    normalize_channel,
    normalize_checkpoint,
    normalize_declared_at,
    normalize_destination_district,
    normalize_direction,
    normalize_flag,
    normalize_gender,
    normalize_id_number,
    normalize_origin_province,
    normalize_phone,
    normalize_plate,
    normalize_text,
    normalize_vehicle,
)
from data_access.importing.normalise import normalize_record
from data_access.text import fold, nfc

NOW = datetime(2021, 6, 12, 3, 0, tzinfo=UTC)


def make_reference(extra_provinces: tuple[ProvinceRef, ...] = ()) -> Reference:
    """The seeded checkpoints, a handful of provinces and Thái Bình's eight districts."""
    return Reference(
        checkpoints=(
            CheckpointRef(1, "TAN_DE", "Cầu Tân Đệ"),
            CheckpointRef(2, "THAI_HA", "Cầu Thái Hà"),
            CheckpointRef(3, "TRIEU_DUONG", "Cầu Triều Dương"),
        ),
        provinces=(
            ProvinceRef("01", "Hà Nội", "Thành phố"),
            ProvinceRef("24", "Bắc Giang", "Tỉnh"),
            ProvinceRef("27", "Bắc Ninh", "Tỉnh"),
            ProvinceRef("33", "Hưng Yên", "Tỉnh"),
            ProvinceRef("34", "Thái Bình", "Tỉnh"),
            ProvinceRef("35", "Hà Nam", "Tỉnh"),
            ProvinceRef("36", "Nam Định", "Tỉnh"),
            ProvinceRef("79", "Hồ Chí Minh", "Thành phố"),
            *extra_provinces,
        ),
        districts=(
            DistrictRef("336", "Thái Bình", "Thành phố"),
            DistrictRef("338", "Quỳnh Phụ", "Huyện"),
            DistrictRef("339", "Hưng Hà", "Huyện"),
            DistrictRef("340", "Đông Hưng", "Huyện"),
            DistrictRef("341", "Thái Thụy", "Huyện"),
            DistrictRef("342", "Tiền Hải", "Huyện"),
            DistrictRef("343", "Kiến Xương", "Huyện"),
            DistrictRef("344", "Vũ Thư", "Huyện"),
        ),
    )


@pytest.fixture(scope="module")
def ref() -> Reference:
    return make_reference()


def error_code(fn, *args) -> str:
    with pytest.raises(FieldError) as exc:
        fn(*args)
    return exc.value.code


# ---------------------------------------------------------------- text


def test_nfc_and_fold():
    assert nfc("  " + unicodedata.normalize("NFD", "Thái Bình") + " ") == "Thái Bình"
    assert fold("Cầu Tân-Đệ") == fold("cau tan de") == "cautande"
    assert fold("TAN_DE") == fold("Tân Đệ") == "tande"
    assert fold(unicodedata.normalize("NFD", "Đi từ tỉnh")) == "ditutinh"
    assert fold("Dùng Wi-Fi miễn phí") == "dungwifimienphi"
    assert fold("TP. Hồ Chí Minh") == "tphochiminh"


# ---------------------------------------------------------------- declared_at


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021-06-01T08:00:00+07:00", datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        ("2021-06-01T01:00:00Z", datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        ("2021-06-01T03:00:00+09:00", datetime(2021, 5, 31, 18, 0, tzinfo=UTC)),
        ("2021-06-01T08:00:00", datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        ("2021-06-01 08:00", datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        ("01/06/2021 00:00", datetime(2021, 5, 31, 17, 0, tzinfo=UTC)),
        ("01/06/2021 08:05:09", datetime(2021, 6, 1, 1, 5, 9, tzinfo=UTC)),
        ("1/6/2021 8:05", datetime(2021, 6, 1, 1, 5, tzinfo=UTC)),
        ("01-06-2021 08:00", datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        ("13/06/2021 08:00", datetime(2021, 6, 13, 1, 0, tzinfo=UTC)),
        (datetime(2021, 6, 1, 8, 0), datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        (datetime(2021, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=7))), datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        (date(2021, 6, 1), datetime(2021, 5, 31, 17, 0, tzinfo=UTC)),
        (pd.Timestamp("2021-06-01 08:00"), datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        (pd.Timestamp("2021-06-01 01:00", tz="UTC"), datetime(2021, 6, 1, 1, 0, tzinfo=UTC)),
        (44348.5, datetime(2021, 6, 1, 5, 0, tzinfo=UTC)),  # Excel serial: 2021-06-01 12:00 local
        (44348, datetime(2021, 5, 31, 17, 0, tzinfo=UTC)),
    ],
)
def test_declared_at_forms(value, expected):
    result = normalize_declared_at(value, datetime(2021, 6, 20, tzinfo=UTC))
    assert result == expected
    assert result.tzinfo is not None and result.utcoffset() == timedelta(0)


def test_declared_at_is_day_first_never_month_first():
    # 13 cannot be a month; 06/01 is 6 January, not 1 June
    assert normalize_declared_at("06/01/2021 10:00", NOW) == datetime(2021, 1, 6, 3, tzinfo=UTC)
    assert error_code(normalize_declared_at, "06/13/2021 10:00", NOW) == "invalid"


@pytest.mark.parametrize("value", ["", "   ", None, float("nan"), pd.NaT])
def test_declared_at_missing(value):
    assert error_code(normalize_declared_at, value, NOW) == "missing"


@pytest.mark.parametrize(
    "value",
    [
        "hôm qua",
        "31/02/2021 08:00",
        "01/06/2021",
        "2021-13-01T00:00",
        "01/06/21 08:00",
        "25:00",
        "2021/06/01 08:00",
        -5.0,
        True,
    ],
)
def test_declared_at_invalid(value):
    assert error_code(normalize_declared_at, value, NOW) == "invalid"


def test_declared_at_future_edge():
    assert normalize_declared_at(NOW + timedelta(minutes=10), NOW) == NOW + timedelta(minutes=10)
    assert error_code(normalize_declared_at, NOW + timedelta(minutes=10, seconds=1), NOW) == "future"
    # NOW is 10:00 local; 10:11 local the same day is too far ahead
    assert normalize_declared_at("12/06/2021 10:10", NOW) == NOW + timedelta(minutes=10)
    assert error_code(normalize_declared_at, "12/06/2021 10:11", NOW) == "future"


# ---------------------------------------------------------------- reference lookups


@pytest.mark.parametrize(
    "value, expected",
    [
        ("TAN_DE", 1),
        ("tan_de", 1),
        ("Cầu Tân Đệ", 1),
        ("cau tan de", 1),
        ("tan de", 1),
        ("TÂN ĐỆ", 1),
        ("Tân Đệ", 1),
        (unicodedata.normalize("NFD", "Cầu Tân Đệ"), 1),
        ("Chốt cầu Tân Đệ", 1),
        ("THAI_HA", 2),
        ("Thái Hà", 2),
        ("cầu thái hà", 2),
        ("TRIEU_DUONG", 3),
        ("Triều Dương", 3),
        ("trieu duong", 3),
    ],
)
def test_checkpoint(ref, value, expected):
    assert normalize_checkpoint(value, ref) == expected


def test_checkpoint_errors(ref):
    assert error_code(normalize_checkpoint, "", ref) == "missing"
    assert error_code(normalize_checkpoint, "Cầu Nghìn", ref) == "invalid"
    assert error_code(normalize_checkpoint, "Cầu", ref) == "invalid"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("01", "01"),
        ("1", "01"),
        (1, "01"),
        (1.0, "01"),
        ("79", "79"),
        ("36", "36"),
        ("Hà Nội", "01"),
        ("ha noi", "01"),
        ("HÀ NỘI", "01"),
        ("Thành phố Hà Nội", "01"),
        ("TP Hà Nội", "01"),
        ("TP. Hà Nội", "01"),
        ("HN", "01"),
        ("Nam Định", "36"),
        ("nam dinh", "36"),
        ("Tỉnh Nam Định", "36"),
        ("tinh nam dinh", "36"),
        ("Bắc Giang", "24"),
        ("bac ninh", "27"),
        ("Hưng Yên", "33"),
        ("Hà Nam", "35"),
        ("Thái Bình", "34"),
        ("TP HCM", "79"),
        ("TP.HCM", "79"),
        ("HCM", "79"),
        ("Sài Gòn", "79"),
        ("sai gon", "79"),
        ("Hồ Chí Minh", "79"),
        ("TP. Hồ Chí Minh", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("ho chi minh", "79"),
    ],
)
def test_origin_province(ref, value, expected):
    assert normalize_origin_province(value, ref) == expected


def test_origin_province_hue_alias():
    ref = make_reference((ProvinceRef("46", "Thừa Thiên Huế", "Tỉnh"),))
    for value in ("Thừa Thiên-Huế", "Thừa Thiên Huế", "thua thien hue", "Huế", "46"):
        assert normalize_origin_province(value, ref) == "46"
    # without the province in the reference data the alias does not match
    assert error_code(normalize_origin_province, "Huế", make_reference()) == "invalid"


@pytest.mark.parametrize(
    "value, code",
    [
        ("", "missing"),
        (None, "missing"),
        ("99", "invalid"),
        ("Atlantis", "invalid"),
        ("123", "invalid"),
        ("Tỉnh", "invalid"),
    ],
)
def test_origin_province_errors(ref, value, code):
    assert error_code(normalize_origin_province, value, ref) == code


@pytest.mark.parametrize(
    "value, expected",
    [
        ("344", "344"),
        (344, "344"),
        (344.0, "344"),
        ("Vũ Thư", "344"),
        ("vu thu", "344"),
        ("Huyện Vũ Thư", "344"),
        ("huyen vu thu", "344"),
        ("Thái Bình", "336"),
        ("TP Thái Bình", "336"),
        ("Thành phố Thái Bình", "336"),
        ("TP. Thái Bình", "336"),
        ("Quỳnh Phụ", "338"),
        ("Hưng Hà", "339"),
        ("Đông Hưng", "340"),
        ("dong hung", "340"),
        ("Thái Thụy", "341"),
        ("Thái Thuỵ", "341"),
        ("Tiền Hải", "342"),
        ("Kiến Xương", "343"),
        ("", None),
        (None, None),
    ],
)
def test_destination_district(ref, value, expected):
    assert normalize_destination_district(value, ref) == expected


@pytest.mark.parametrize("value", ["999", "Cầu Giấy", "Nam Định"])
def test_destination_district_invalid(ref, value):
    assert error_code(normalize_destination_district, value, ref) == "invalid"


# ---------------------------------------------------------------- enumerations


@pytest.mark.parametrize(
    "value, expected",
    [
        ("in", "in"),
        ("IN", "in"),
        ("vào", "in"),
        ("Vào", "in"),
        ("vao", "in"),
        ("Vào tỉnh", "in"),
        ("out", "out"),
        ("OUT", "out"),
        ("ra", "out"),
        ("Ra", "out"),
        ("Ra tỉnh", "out"),
        ("ra tinh", "out"),
    ],
)
def test_direction(value, expected):
    assert normalize_direction(value) == expected


def test_direction_errors():
    assert error_code(normalize_direction, "") == "missing"
    assert error_code(normalize_direction, "lên") == "invalid"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("paper", "paper"),
        ("giấy", "paper"),
        ("Giấy", "paper"),
        ("giay", "paper"),
        ("khai giấy", "paper"),
        ("Tờ khai giấy", "paper"),
        ("vhd", "vhd"),
        ("VHD", "vhd"),
        ("tokhaiyte", "vhd"),
        ("tokhaiyte.vn", "vhd"),
        ("Vietnam Health Declaration", "vhd"),
        ("khai báo y tế điện tử", "vhd"),
        ("QR", "vhd"),
        ("bluezone", "bluezone"),
        ("Bluezone", "bluezone"),
        ("ncovi", "ncovi"),
        ("NCOVI", "ncovi"),
        ("khác", "other"),
        ("khac", "other"),
        ("other", "other"),
    ],
)
def test_channel(value, expected):
    assert normalize_channel(value) == expected


def test_channel_errors_and_electronic():
    assert error_code(normalize_channel, None) == "missing"
    assert error_code(normalize_channel, "fax") == "invalid"
    assert not is_electronic("paper")
    assert all(is_electronic(c) for c in ("vhd", "bluezone", "ncovi", "other"))


@pytest.mark.parametrize(
    "value, expected",
    [
        *((v, v) for v in ("car", "motorbike", "truck", "bus", "bicycle", "pedestrian", "other")),
        ("ô tô", "car"),
        ("oto", "car"),
        ("Ô TÔ", "car"),
        ("xe con", "car"),
        ("xe máy", "motorbike"),
        ("xe may", "motorbike"),
        ("xe tải", "truck"),
        ("xe khách", "bus"),
        ("xe buýt", "bus"),
        ("xe đạp", "bicycle"),
        ("đi bộ", "pedestrian"),
        ("di bo", "pedestrian"),
        ("khác", "other"),
    ],
)
def test_vehicle(value, expected):
    assert normalize_vehicle(value) == expected


def test_vehicle_invalid():
    assert error_code(normalize_vehicle, "tàu hỏa") == "invalid"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("nam", "male"),
        ("Nam", "male"),
        ("male", "male"),
        ("M", "male"),
        ("nữ", "female"),
        ("Nữ", "female"),
        ("nu", "female"),
        ("female", "female"),
        ("F", "female"),
        ("khác", "other"),
        ("other", "other"),
        ("", None),
        (None, None),
    ],
)
def test_gender(value, expected):
    assert normalize_gender(value) == expected


def test_gender_invalid():
    assert error_code(normalize_gender, "x") == "invalid"


# ---------------------------------------------------------------- personal fields


@pytest.mark.parametrize(
    "value, expected",
    [
        ("17A-123.45", "17A-12345"),
        ("17a 123 45", "17A12345"),
        (" 30e-999.99 ", "30E-99999"),
        ("", None),
        (None, None),
    ],
)
def test_plate(value, expected):
    assert normalize_plate(value) == expected


def test_plate_too_long():
    assert error_code(normalize_plate, "X" * 21) == "invalid"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("034091012345", "034091012345"),
        ("034 091 012 345", "034091012345"),
        ("123456789", "123456789"),
        ("012345678", "012345678"),
        (123456789, "123456789"),
        (123456789.0, "123456789"),
        (34091012345, "034091012345"),
        (34091012345.0, "034091012345"),  # Excel dropped the 0
        (1091012345, "001091012345"),
        (12345678.0, "012345678"),
        ("", None),
        (None, None),
    ],
)
def test_id_number(value, expected):
    assert normalize_id_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "12345678",
        "1234567890",
        "12345678901",
        "0340910123456",
        "03409101234a",
        "034-091-012-345",
        1234567.0,
        123.5,
        "١٢٣٤٥٦٧٨٩",
    ],
)
def test_id_number_invalid(value):
    assert error_code(normalize_id_number, value) == "invalid"


@pytest.mark.parametrize(
    "value",
    [
        "0912345678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "0912.345.678",
        "0912-345-678",
        "912345678",
        "(+84) 912 345 678",
        "+84 0912 345 678",
        "0084912345678",
        912345678,
        912345678.0,
        84912345678,
    ],
)
def test_phone(value):
    assert normalize_phone(value) == "0912345678"


@pytest.mark.parametrize(
    "value",
    [
        "12345",
        "09123456789",
        "0012345678",
        "+1 202 555 0100",
        "091234567a",
        "8491234567",
    ],
)
def test_phone_invalid(value):
    assert error_code(normalize_phone, value) == "invalid"


def test_phone_blank():
    assert normalize_phone("") is None and normalize_phone(None) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1985", 1985),
        (1985, 1985),
        (1985.0, 1985),
        (" 1900 ", 1900),
        ("2021", 2021),
        ("", None),
    ],
)
def test_birth_year(value, expected):
    assert normalize_birth_year(value, NOW) == expected


@pytest.mark.parametrize("value", ["1899", "2022", "85", "1985.5", "năm 1985", 1985.5])
def test_birth_year_invalid(value):
    assert error_code(normalize_birth_year, value, NOW) == "invalid"


def test_text_fields():
    assert normalize_text("  Nguyễn   Văn\tA ") == "Nguyễn Văn A"
    assert normalize_text(unicodedata.normalize("NFD", "Trần Thị Bình")) == "Trần Thị Bình"
    assert normalize_text("   ") is None and normalize_text(None) is None


# ---------------------------------------------------------------- flags


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        "Yes",
        "có",
        "Có",
        "co",
        "CÓ",
        "c",
        "C",
        "x",
        "X",
        "1",
        1,
        1.0,
        "true",
        "TRUE",
        True,
        "y",
        "Y",
        "✓",
    ],
)
def test_flag_true(value):
    assert normalize_flag(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "no",
        "No",
        "không",
        "Không",
        "khong",
        "KHÔNG",
        "k",
        "K",
        "0",
        0,
        0.0,
        "false",
        "False",
        False,
        "n",
        "N",
        "",
        "  ",
        None,
    ],
)
def test_flag_false(value):
    assert normalize_flag(value) is False


@pytest.mark.parametrize("value", ["maybe", "2", 2, "có thể", "sốt nhẹ"])
def test_flag_invalid(value):
    assert error_code(normalize_flag, value) == "invalid"


# ---------------------------------------------------------------- declaration id


def test_derive_declaration_id_is_stable_and_distinct():
    at = datetime(2021, 6, 1, 1, 0, tzinfo=UTC)
    base = derive_declaration_id(at, 1, "in", "034091012345", "0912345678", "Nguyễn Văn A")
    assert base.startswith("d-") and len(base) == 34
    assert base == derive_declaration_id(at, 1, "in", "034091012345", None, None)
    # same instant given in local time
    local = at.astimezone(timezone(timedelta(hours=7)))
    assert base == derive_declaration_id(local, 1, "in", "034091012345", "0912345678", "X")
    others = {
        derive_declaration_id(at + timedelta(seconds=1), 1, "in", "034091012345", None, None),
        derive_declaration_id(at, 2, "in", "034091012345", None, None),
        derive_declaration_id(at, 1, "out", "034091012345", None, None),
        derive_declaration_id(at, 1, "in", "034091012346", None, None),
        derive_declaration_id(at, 1, "in", None, "0912345678", None),
        derive_declaration_id(at, 1, "in", None, None, "Nguyễn Văn A"),
        derive_declaration_id(at, 1, "in", None, None, None),
    }
    assert base not in others and len(others) == 7
    # the name key ignores case, diacritics and spacing
    assert derive_declaration_id(at, 1, "in", None, None, "Nguyễn Văn A") == derive_declaration_id(
        at, 1, "in", None, None, "NGUYEN  VAN A"
    )


# ---------------------------------------------------------------- registry and records


def test_fields_registry():
    assert [f.name for f in FIELDS][:5] == ["declaration_id", "declared_at", "checkpoint", "direction", "channel"]
    assert set(REQUIRED_FIELDS) == {"declared_at", "checkpoint", "direction", "channel", "origin_province"}
    assert set(PII_FIELDS) == {"full_name", "id_number", "phone", "plate"}
    assert OUTPUT_COLUMNS == (
        "declaration_id",
        "declared_at",
        "checkpoint_id",
        "direction",
        "channel",
        "vehicle",
        "plate",
        "full_name",
        "id_number",
        "phone",
        "birth_year",
        "gender",
        "origin_province_code",
        "origin_district",
        "destination_district_code",
        "fever",
        "cough",
        "breathing_difficulty",
        "sore_throat",
        "loss_of_taste_smell",
        "contact_f0",
        "visited_hotzone",
        "bluezone_installed",
        "used_free_wifi",
    )
    labels = {f.name: f.label for f in FIELDS}
    assert labels["declaration_id"] == "Mã khai báo"
    assert labels["declared_at"] == "Thời gian khai báo"
    assert labels["used_free_wifi"] == "Dùng Wi-Fi miễn phí"


GOOD = {
    "declared_at": "01/06/2021 08:00",
    "checkpoint": "Tân Đệ",
    "direction": "vào",
    "channel": "tokhaiyte",
    "origin_province": "Nam Định",
    "full_name": " Nguyễn  Văn A ",
    "id_number": "034091012345",
    "phone": "+84 912 345 678",
    "vehicle": "xe máy",
    "plate": "17b1-234.56",
    "birth_year": "1990",
    "gender": "Nam",
    "origin_district": "Mỹ Lộc",
    "destination_district": "Vũ Thư",
    "fever": "x",
    "cough": "",
    "contact_f0": "không",
}


def test_normalize_record_accepts_good_row(ref):
    rec = normalize_record(GOOD, ref, NOW)
    assert rec.ok and rec.errors == [] and rec.warnings == []
    v = rec.values
    assert list(v) == list(OUTPUT_COLUMNS)
    assert v["declared_at"] == datetime(2021, 6, 1, 1, 0, tzinfo=UTC)
    assert (v["checkpoint_id"], v["direction"], v["channel"]) == (1, "in", "vhd")
    assert (v["origin_province_code"], v["destination_district_code"]) == ("36", "344")
    assert (v["full_name"], v["phone"], v["plate"]) == ("Nguyễn Văn A", "0912345678", "17B1-23456")
    assert (v["vehicle"], v["birth_year"], v["gender"]) == ("motorbike", 1990, "male")
    assert v["fever"] is True and v["cough"] is False and v["used_free_wifi"] is False
    assert v["declaration_id"] == derive_declaration_id(
        v["declared_at"], 1, "in", "034091012345", "0912345678", "Nguyễn Văn A"
    )


def test_normalize_record_keeps_given_id(ref):
    assert normalize_record({**GOOD, "declaration_id": " VHD-123 "}, ref, NOW).values["declaration_id"] == "VHD-123"


def test_normalize_record_optional_invalid_is_warning(ref):
    long_id = "A" * 65
    rec = normalize_record({**GOOD, "phone": "12", "fever": "maybe", "declaration_id": long_id}, ref, NOW)
    assert rec.ok
    assert {(i.field, i.code, i.raw) for i in rec.warnings} == {
        ("phone", "invalid", "12"),
        ("fever", "invalid", "maybe"),
        ("declaration_id", "invalid", long_id),
    }
    assert rec.values["phone"] is None and rec.values["fever"] is False
    assert rec.values["declaration_id"].startswith("d-")


def test_normalize_record_required_errors(ref):
    raw = {**GOOD, "checkpoint": "Cầu Nghìn", "declared_at": "13/06/2021 08:00"}
    del raw["channel"]
    rec = normalize_record(raw, ref, NOW)
    assert not rec.ok
    assert {(i.field, i.code, i.raw) for i in rec.errors} == {
        ("checkpoint", "invalid", "Cầu Nghìn"),
        ("declared_at", "future", "13/06/2021 08:00"),
        ("channel", "missing", ""),
    }
    assert rec.values["checkpoint_id"] is None and rec.values["declaration_id"] is None


def test_normalize_record_empty_optional_fields_give_no_warnings(ref):
    raw = {k: GOOD[k] for k in ("declared_at", "checkpoint", "direction", "channel", "origin_province")}
    rec = normalize_record({**raw, "phone": "", "gender": None, "vehicle": " "}, ref, NOW)
    assert rec.ok and rec.warnings == []
    assert rec.values["phone"] is None and rec.values["vehicle"] is None
