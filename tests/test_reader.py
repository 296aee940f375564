"""Reading declaration files: encodings, separators, title rows, XLSX, broken input (SPEC §3)."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import UTC, datetime

import openpyxl
import pytest

from dashboard.i18n import error_text
from data_access.fields import Reference
from data_access.importing.normalise import normalize_record
from data_access.importing.reader import UnreadableFile, read_table
from tests.test_fields import make_reference

NOW = datetime(2021, 6, 12, 3, 0, tzinfo=UTC)
HEADER = [
    "STT",
    "Thời gian khai báo",
    "Chốt kiểm soát",
    "Hướng",
    "Hình thức khai báo",
    "Họ và tên",
    "Số CCCD/CMND",
    "Số điện thoại",
    "Đi từ tỉnh",
    "Nơi đến",
    "Sốt",
    "Ghi chú",
]
ROWS = [
    [
        "1",
        "12/06/2021 08:15",
        "Cầu Tân Đệ",
        "Vào",
        "Giấy",
        "Nguyễn Thị Hằng",
        "034091012345",
        "0912 345 678",
        "Nam Định",
        "Vũ Thư",
        "có",
        "đi làm",
    ],
    [
        "2",
        "12/06/2021 09:30:05",
        "Thái Hà",
        "Ra",
        "tokhaiyte",
        "Trần Văn Đức",
        "",
        "+84983111222",
        "Hà Nam",
        "Hưng Hà",
        "không",
        "",
    ],
]
TITLE = [
    ["UBND TỈNH THÁI BÌNH"],
    ["BAN CHỈ ĐẠO PHÒNG CHỐNG DỊCH COVID-19"],
    ["DANH SÁCH NGƯỜI QUA CHỐT KIỂM DỊCH NGÀY 12/06/2021"],
    [],
]
HOSTILE = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "'; DROP TABLE declarations; --"]
TONES = "\u0300\u0301\u0303\u0309\u0323"


@pytest.fixture(scope="module")
def ref() -> Reference:
    return make_reference()


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: tone marks follow their letter as combining characters."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            kept = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in TONES))
            out.append((kept + "".join(m for m in marks if m in TONES)).encode("cp1258"))
    return b"".join(out)


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    return "".join(sep.join(cells) + "\r\n" for cells in rows)


def rows_of(reader) -> list[tuple[int, dict, dict]]:
    return list(reader.iter_rows())


def assert_standard_rows(reader) -> None:
    rows = rows_of(reader)
    assert len(rows) == 2
    first = rows[0][1]
    assert first["declared_at"] == "12/06/2021 08:15"
    assert first["checkpoint"] == "Cầu Tân Đệ"
    assert first["full_name"] == "Nguyễn Thị Hằng"
    assert first["id_number"] == "034091012345"
    assert rows[1][1]["full_name"] == "Trần Văn Đức"
    assert rows[1][1]["id_number"] in ("", None)
    assert rows[0][2]["Ghi chú"] == "đi làm"
    for _, raw, _ in rows:
        for value in raw.values():
            if isinstance(value, str):
                assert unicodedata.is_normalized("NFC", value)


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: t.encode("utf-8-sig"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-le-bom": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "cp1258": to_cp1258,
}


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_csv_encodings_and_separators(tmp_path, encoding, sep):
    path = tmp_path / "in.csv"
    path.write_bytes(ENCODINGS[encoding](csv_text([HEADER, *ROWS], sep)))
    reader = read_table(path, "in.csv")
    assert reader.format == "csv" and reader.delimiter == sep
    assert reader.header_row_index == 0
    assert_standard_rows(reader)


def test_cp1258_is_detected(tmp_path):
    data = to_cp1258(csv_text([HEADER, *ROWS]))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_table(data, "in.csv").encoding == "cp1258"


def test_nfd_text_comes_back_nfc():
    data = unicodedata.normalize("NFD", csv_text([HEADER, *ROWS])).encode("utf-8")
    reader = read_table(data, "nfd.csv")
    assert reader.mapped_fields["declared_at"] == "Thời gian khai báo"
    assert_standard_rows(reader)


def test_title_rows_above_header_are_skipped():
    data = csv_text([*TITLE, HEADER, *ROWS], ";").encode("utf-8")
    reader = read_table(data, "report.csv")
    assert reader.header_row_index == 4
    rows = rows_of(reader)
    assert [n for n, _, _ in rows] == [6, 7]
    assert_standard_rows(reader)


def test_header_mapping_and_unmapped_columns():
    reader = read_table(csv_text([HEADER, *ROWS]).encode(), "in.csv")
    assert list(reader.mapped_fields) == [
        "declared_at",
        "checkpoint",
        "direction",
        "channel",
        "full_name",
        "id_number",
        "phone",
        "origin_province",
        "destination_district",
        "fever",
    ]
    assert reader.unmapped_headers == ["Ghi chú"]  # STT is known and silently ignored
    assert "STT" in rows_of(reader)[0][2]


def test_header_labels_with_odd_case_spacing_and_no_diacritics():
    header = [
        "THOI GIAN KHAI BAO",
        "  chốt   kiểm soát ",
        "huong",
        "Hinh Thuc Khai Bao",
        "di tu tinh",
        "so cccd / cmnd",
        "Dung Wi Fi mien phi",
        "declared at",
    ]
    reader = read_table(csv_text([header, ["x"] * 8]).encode(), "odd.csv")
    assert list(reader.mapped_fields) == [
        "declared_at",
        "checkpoint",
        "direction",
        "channel",
        "origin_province",
        "id_number",
        "used_free_wifi",
    ]
    assert reader.mapped_fields["checkpoint"] == "chốt   kiểm soát"


def test_surname_column_is_not_cough():
    header = ["Thời gian khai báo", "Chốt kiểm soát", "Hướng", "Hình thức khai báo", "Họ", "Tên", "Ho"]
    reader = read_table(csv_text([header]).encode(), "split.csv")
    assert reader.mapped_fields["cough"] == "Ho" and "full_name" not in reader.mapped_fields


def test_header_aliases_and_field_names():
    header = [
        "STT",
        "Thời gian",
        "Điểm chốt",
        "direction",
        "channel",
        "Quê quán/Đi từ",
        "CMND",
        "CCCD",
        "SĐT",
        "Tỉnh đi",
    ]
    row = ["1", "12/06/2021 08:00", "TAN_DE", "in", "paper", "Hà Nội", "", "034091012345", "0912345678", "Nam Định"]
    reader = read_table(csv_text([header, row]).encode(), "alias.csv")
    ((_, raw, original),) = rows_of(reader)
    # with two columns for one field the first non-blank cell wins
    assert raw == {
        "declared_at": "12/06/2021 08:00",
        "checkpoint": "TAN_DE",
        "direction": "in",
        "channel": "paper",
        "origin_province": "Hà Nội",
        "id_number": "034091012345",
        "phone": "0912345678",
    }
    assert original["CCCD"] == "034091012345" and original["Tỉnh đi"] == "Nam Định"


def test_parsed_rows_normalise_end_to_end(ref):
    reader = read_table(csv_text([*TITLE, HEADER, *ROWS]).encode("utf-8-sig"), "in.csv")
    records = [normalize_record(raw, ref, NOW) for _, raw, _ in reader.iter_rows()]
    assert all(r.ok and not r.warnings for r in records)
    assert [r.values["checkpoint_id"] for r in records] == [1, 2]
    assert [r.values["channel"] for r in records] == ["paper", "vhd"]
    assert records[0].values["declared_at"] == datetime(2021, 6, 12, 1, 15, tzinfo=UTC)
    assert records[1].values["phone"] == "0983111222"


def test_blank_rows_are_skipped_and_iteration_repeats():
    data = csv_text([HEADER, ROWS[0], [], [""] * len(HEADER), ROWS[1]]).encode()
    reader = read_table(data, "in.csv")
    first = rows_of(reader)
    assert [n for n, _, _ in first] == [2, 5]
    assert rows_of(reader) == first
    assert reader.progress == 1.0 and reader.bytes_read == reader.total_bytes


def test_truncated_csv_yields_short_last_row(ref):
    data = csv_text([HEADER, *ROWS]).encode() + "3,12/06/2021 10:00,Cầu Triều Dư".encode()
    rows = rows_of(read_table(data, "cut.csv"))
    assert len(rows) == 3
    last = rows[2][1]
    assert last["checkpoint"] == "Cầu Triều Dư" and last["direction"] is None
    record = normalize_record(last, ref, NOW)
    assert {i.field for i in record.errors} == {"checkpoint", "direction", "channel", "origin_province"}


def test_truncated_inside_a_utf8_character_is_still_utf8():
    data = csv_text([HEADER, *ROWS]).encode() + "3,12/06/2021 10:00,Cầu Triều Dươ".encode()[:-1]
    reader = read_table(data, "cut.csv")
    assert reader.encoding == "utf-8"
    assert rows_of(reader)[0][1]["full_name"] == "Nguyễn Thị Hằng"


def test_hostile_cells_stay_verbatim_text(tmp_path):
    header = [
        "Thời gian khai báo",
        "Chốt kiểm soát",
        "Hướng",
        "Hình thức khai báo",
        "Đi từ tỉnh",
        "Họ và tên",
        "Biển số",
        "Ghi chú",
    ]
    row = ["12/06/2021 08:00", "TAN_DE", "in", "vhd", "Hà Nội", *HOSTILE]
    # quote the cells so the CSV writer cannot mangle the quote characters
    buf = io.StringIO()
    csv.writer(buf).writerows([header, row])
    ((_, raw, original),) = rows_of(read_table(buf.getvalue().encode(), "x.csv"))
    assert [raw["full_name"], raw["plate"], original["Ghi chú"]] == HOSTILE

    path = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    ws.append(row[:5])
    for col, text in enumerate(HOSTILE, start=6):
        cell = ws.cell(row=2, column=col, value=text)
        cell.data_type = "s"  # a text cell that merely starts with "=" is not a formula
    wb.save(path)
    ((_, raw, original),) = rows_of(read_table(path, "x.xlsx"))
    assert [raw["full_name"], raw["plate"], original["Ghi chú"]] == HOSTILE


def test_large_csv_is_streamed():
    data = csv_text([HEADER] + [ROWS[0]] * 50_000).encode()
    reader = read_table(data, "big.csv")
    rows = reader.iter_rows()
    next(rows)
    assert 0 < reader.bytes_read < reader.total_bytes / 2
    assert 0 < reader.progress < 0.5
    assert sum(1 for _ in rows) == 49_999
    assert reader.progress == 1.0


# ---------------------------------------------------------------- XLSX


def make_xlsx(path, sheets: dict[str, list[list[object]]]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)


XLSX_HEADER = [
    "STT",
    "Thời gian khai báo",
    "Chốt kiểm soát",
    "Hướng",
    "Hình thức khai báo",
    "Số CCCD/CMND",
    "Số điện thoại",
    "Đi từ tỉnh",
    "Sốt",
]
XLSX_ROWS = [
    [1, datetime(2021, 6, 12, 8, 15), "Cầu Tân Đệ", "vào", "giấy", "034091012345", 912345678, "Nam Định", "x"],
    [2, "12/06/2021 09:30", "Triều Dương", "ra", "Bluezone", 34091012345, "0983111222", "Hưng Yên", None],
]


def test_xlsx_with_title_rows_datetime_cells_and_text_dates(tmp_path, ref):
    path = tmp_path / "report.xlsx"
    make_xlsx(path, {"Báo cáo": [*TITLE, XLSX_HEADER, *XLSX_ROWS]})
    reader = read_table(path, "report.xlsx")
    assert reader.format == "xlsx" and reader.header_row_index == 4
    rows = rows_of(reader)
    assert [n for n, _, _ in rows] == [6, 7]
    assert rows[0][1]["declared_at"] == datetime(2021, 6, 12, 8, 15)
    assert rows[1][1]["declared_at"] == "12/06/2021 09:30"
    records = [normalize_record(raw, ref, NOW) for _, raw, _ in rows]
    assert all(r.ok for r in records)
    assert [r.values["declared_at"] for r in records] == [
        datetime(2021, 6, 12, 1, 15, tzinfo=UTC),
        datetime(2021, 6, 12, 2, 30, tzinfo=UTC),
    ]
    assert [r.values["id_number"] for r in records] == ["034091012345", "034091012345"]
    assert records[0].values["phone"] == "0912345678"
    assert [r.values["fever"] for r in records] == [True, False]
    assert reader.progress == 1.0


def test_xlsx_from_bytes_and_named_sheet(tmp_path):
    path = tmp_path / "two.xlsx"
    make_xlsx(path, {"Hướng dẫn": [["Nhập dữ liệu ở trang sau"]], "Dữ liệu": [XLSX_HEADER, *XLSX_ROWS]})
    data = path.read_bytes()
    with pytest.raises(UnreadableFile) as exc:
        read_table(data, "two.xlsx")  # the first sheet has no table
    assert exc.value.code == "file.no_header"
    reader = read_table(data, "two.xlsx", sheet="Dữ liệu")
    assert len(rows_of(reader)) == 2
    with pytest.raises(UnreadableFile) as exc:
        read_table(data, "two.xlsx", sheet="Tổng hợp")
    assert exc.value.code == "file.sheet_missing"
    assert exc.value.params == {"sheet": "Tổng hợp", "sheets": ["Hướng dẫn", "Dữ liệu"]}


def test_xlsx_formula_cells_are_not_evaluated(tmp_path):
    path = tmp_path / "f.xlsx"
    make_xlsx(path, {"S": [XLSX_HEADER, [*XLSX_ROWS[0][:-1], "=1+1"]]})
    ((_, raw, _),) = rows_of(read_table(path, "f.xlsx"))
    assert raw["fever"] is None  # no cached value, and nothing computed it


# ---------------------------------------------------------------- unreadable files


def test_empty_files():
    for data in (b"", b"\xef\xbb\xbf", b"  \r\n\r\n", b",,,\n;;\n"):
        with pytest.raises(UnreadableFile) as exc:
            read_table(data, "empty.csv")
        assert (exc.value.code, exc.value.params) == ("file.empty", {})


def test_empty_file_on_disk_and_empty_workbook(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFile) as exc:
        read_table(path, "empty.csv")
    assert exc.value.code == "file.empty"
    make_xlsx(tmp_path / "empty.xlsx", {"Trống": []})
    with pytest.raises(UnreadableFile) as exc:
        read_table(tmp_path / "empty.xlsx", "empty.xlsx")
    assert exc.value.code == "file.empty"


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    "data",
    [
        PNG,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 /Filter /FlateDecode >>\nstream\n"
        b"x\x9c\x03\x00\x00\x00\x00\x01\nendstream",
        bytes(range(256)) * 4,
    ],
)
def test_binary_garbage_is_not_a_table(data):
    with pytest.raises(UnreadableFile) as exc:
        read_table(data, "photo.csv")
    assert exc.value.code == "file.not_table"


def test_truncated_xlsx(tmp_path):
    path = tmp_path / "ok.xlsx"
    make_xlsx(path, {"S": [XLSX_HEADER, *XLSX_ROWS]})
    data = path.read_bytes()
    with pytest.raises(UnreadableFile) as exc:
        read_table(data[: len(data) // 2], "cut.xlsx")
    assert exc.value.code == "file.xlsx_broken"


def test_no_header_row():
    text = csv_text([["Họ và tên", "Tuổi"], ["Nguyễn Văn A", "30"]] + [["a", "b"]] * 40)
    with pytest.raises(UnreadableFile) as exc:
        read_table(text.encode(), "nohdr.csv")
    assert exc.value.code == "file.no_header"
    assert "Thời gian khai báo" in exc.value.params["columns"]
    message = error_text(exc.value, "vi")
    assert message.startswith("Không tìm thấy dòng tiêu đề (cần ít nhất các cột: Thời gian khai báo, ")
    assert "\n" not in message


def test_header_below_row_30_is_not_found():
    rows = [["tiêu đề"]] * 30 + [HEADER, *ROWS]
    with pytest.raises(UnreadableFile) as exc:
        read_table(csv_text(rows).encode(), "late.csv")
    assert exc.value.code == "file.no_header"
