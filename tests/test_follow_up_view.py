"""The follow-up list as shown and exported: words for codes, masked for the IT team, and a workbook
whose every cell is quote-prefixed text (a phone keeps its leading zero, a formula stays text)."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import load_workbook

from dashboard.i18n import t
from dashboard.views import follow_up as view

FRAME = pd.DataFrame(
    {
        "id": [7, 8],
        "declared_at_local": [dt.datetime(2026, 11, 27, 8, 5, 9), dt.datetime(2026, 11, 26, 23, 59, 59)],
        "checkpoint": ["Cầu Tân Đệ", "Cầu Thái Hà"],
        "direction": ["in", "out"],
        "full_name": ["Nguyễn Văn An", '=HYPERLINK("http://x")'],
        "phone": ["0912345678", None],
        "id_number": ["034090001234", "034090001235"],
        "origin_province": ["Bắc Giang", "Hà Nội"],
        "origin_district": [None, "Ba Đình"],
        "destination_district": ["Vũ Thư", "Hưng Hà"],
        "risk_reason": ["hotzone_origin", "contact_f0"],
        "status": ["not_contacted", "home_isolation"],
        "status_at": [None, dt.datetime(2026, 11, 27, 9, 0, 0)],
        "status_by": [None, "yte1"],
        "note": [None, "gọi lúc 9 giờ"],
    }
)


def test_the_list_in_words_with_contact_details_in_full():
    shown = view.shown(FRAME, "vi")
    assert list(shown.columns)[:5] == [
        t("follow.col.time", "vi"),
        t("follow.col.name", "vi"),
        t("follow.col.phone", "vi"),
        t("follow.col.id_number", "vi"),
        t("follow.col.status", "vi"),
    ]
    row = shown.iloc[0]
    assert row[t("follow.col.phone", "vi")] == "0912345678"
    assert row[t("follow.col.time", "vi")] == "27/11/2026 08:05:09"
    assert row[t("follow.col.status", "vi")] == "Chưa liên hệ"
    assert row[t("follow.col.reason", "vi")] == t("risk.reason_hotzone_origin", "vi")
    assert shown.iloc[1][t("follow.col.direction", "vi")] == t("filter.direction.out", "vi")
    assert view.shown(FRAME, "en").iloc[1][t("follow.col.status", "en")] == "Home isolation"


def test_the_it_team_sees_personal_fields_masked():
    shown = view.shown(FRAME, "vi", masked=True)
    assert shown.iloc[0][t("follow.col.phone", "vi")] == "091****678"
    assert shown.iloc[0][t("follow.col.id_number", "vi")] == "034******234"
    assert "Nguyễn Văn An" not in shown.to_string()
    assert shown.iloc[0][t("follow.col.origin", "vi")] == "Bắc Giang"  # not personal: as it is


def test_the_workbook_is_quote_prefixed_text():
    book = load_workbook(io.BytesIO(view.workbook(FRAME, "vi")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == [t("follow.col.time", "vi"), t("follow.col.name", "vi"), t("follow.col.phone", "vi")]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells if c.value not in (None, ""))
    phone = sheet.cell(row=2, column=3)
    assert phone.value == "0912345678"
    formula = sheet.cell(row=3, column=2)
    assert formula.value.startswith("=HYPERLINK") and formula.data_type == "s" and formula.quotePrefix
    assert sheet.freeze_panes == "A2"
