"""The day's briefing (SPEC §8): deck, workbook and report of local day D open, carry native charts and
Vietnamese formats, no personal data, and every figure equals the query functions' figure for D (the
dashboard's), itself reconciled with a direct count over the raw rows, with rows on D's first and last
second and on the next day's first, which must not count. An empty day, a future or bad date and the
package's own rules (no streamlit, no SQL) too."""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from babel.numbers import format_decimal, format_percent
from docx.shared import Cm, Pt
from pptx import Presentation
from sqlalchemy import DateTime, bindparam, text

import briefing
from data_access import simulator
from data_access.queries import adoption, high_risk, imports, overview, reference, traffic
from data_access.risk import HotZoneIndex
from data_access.settings import get_settings
from data_access.store import create_store_engine, init_store, write_declarations
from data_access.timeutil import LOCAL_TZ, local_midnight_utc, to_store
from tests.support import declaration, unavailable

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 19)
NEXT = DAY + dt.timedelta(days=1)
#: The report is made the next morning; the simulated history runs up to then.
MADE = to_store(dt.datetime(2026, 11, 20, 9, 0, tzinfo=LOCAL_TZ))
END = local_midnight_utc(NEXT)
EMPTY_DAY = DAY - dt.timedelta(days=30)

#: Text typed by people that reaches the workbook: each starts like a formula.
HOSTILE_CHECKPOINT = '=HYPERLINK("http://x.invalid","Cầu Triều Dương")'
HOSTILE_LABEL = "+cmd|' /C calc'!A0"
HOSTILE_FILE = "@SUM(1+1)*cmd.csv"

#: Personal values of the edge rows (and the shapes of any personal value) that must never appear.
PERSONAL_VALUES = ("Trần Thị Bích Ngọc", "034190009876", "0987654321", "17A-123.45")
PERSONAL_PATTERNS = (
    re.compile(r"(?<!\d)0[1-9]\d{8}(?!\d)"),  # a phone
    re.compile(r"(?<![\d.,])(\d{9}|\d{12})(?![\d.,])"),  # an ID number
    re.compile(r"\b\d{2}[A-Z]{1,2}\d?-?\d{3}\.?\d{2}\b"),  # a plate: 17A-123.45, 17A12345, 29AB-12345
)


def n(value) -> str:
    return format_decimal(value, locale="vi_VN")


def pct(share) -> str:
    return "—" if share is None else format_percent(share, format="#,##0.0%", locale="vi_VN")


def local(day: dt.date, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=LOCAL_TZ)


# --- the store ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Ten simulated days up to 09:00 on D + 1; edge rows at D's first and last second, at D + 1's
    first and at D - 1's last microsecond; hostile names; an import of D with quarantined rows."""
    url = f"sqlite:///{tmp_path_factory.mktemp('briefing') / 'store.db'}"
    engine = create_store_engine(url)
    init_store(engine)
    simulator.seed(engine, days=10, seed=11, scale=0.1, now=MADE)
    with engine.begin() as conn:
        ids = dict(conn.execute(text("SELECT code, id FROM checkpoints")).all())
        personal = dict(full_name=PERSONAL_VALUES[0], id_number=PERSONAL_VALUES[1], phone=PERSONAL_VALUES[2])
        rows = [
            # D's first second: high risk (contact with a case), on paper
            declaration(ids["TAN_DE"], local(DAY, 0), channel="paper", contact_f0=True, **personal),
            # D's last second: electronic, Bluezone, free Wi-Fi, a plate
            declaration(
                ids["THAI_HA"],
                local(DAY, 23, 59, 59),
                direction="out",
                channel="vhd",
                bluezone_installed=True,
                used_free_wifi=True,
                vehicle="car",
                plate=PERSONAL_VALUES[3],
                **personal,
            ),
            # the next day's first second and the day before's last microsecond: not D
            declaration(ids["TRIEU_DUONG"], local(NEXT, 0), contact_f0=True, **personal),
            declaration(ids["TAN_DE"], local(DAY - dt.timedelta(days=1), 23, 59, 59, 999999), **personal),
        ]
        write_declarations(conn, rows, HotZoneIndex([]))
        conn.execute(
            text("UPDATE checkpoints SET name = :name WHERE code = 'TRIEU_DUONG'"), {"name": HOSTILE_CHECKPOINT}
        )
        conn.execute(
            text("UPDATE hot_zones SET label = :label WHERE id = (SELECT MIN(id) FROM hot_zones)"),
            {"label": HOSTILE_LABEL},
        )
        conn.execute(
            text(
                "INSERT INTO import_batches (kind, file_name, created_by, started_at, finished_at, status, rows_in,"
                " accepted, duplicates, quarantined, warnings, last_line)"
                " VALUES ('import', :name, 'it', :started, :started, 'done', 10, 7, 1, 2, 0, 11)"
            ).bindparams(bindparam("started", type_=DateTime)),
            {"name": HOSTILE_FILE, "started": to_store(local(DAY, 10, 15))},
        )
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def files(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    paths = briefing.build_briefing(store, DAY, out, now=MADE)
    return {p.suffix.lstrip("."): p for p in paths}


@pytest.fixture(scope="module")
def expected(store):
    """D's figures straight from the query functions (the dashboard's), at the end of D."""
    first, prev = DAY - dt.timedelta(days=7), DAY - dt.timedelta(days=1)
    with store.connect() as conn:
        cps = reference.checkpoint_table(conn)
        by_day = traffic.crossings_by_day(conn, first, DAY, now=END)
        levels = high_risk.risk_levels_by_day(conn, first, DAY, now=END)
        reasons = high_risk.high_risk_reasons_by_day(conn, DAY, DAY, now=END)
        adopt = adoption.adoption_by_checkpoint(conn, DAY, DAY, now=END)
        adopt_prev = adoption.adoption_by_checkpoint(conn, prev, prev, now=END)
        wifi = overview.daily_trend(conn, DAY, now=END, days=1, measures=("electronic", "free_wifi"))
        hours = traffic.crossings_by_hour(conn, DAY, DAY, now=END)
        origins = high_risk.high_risk_origins(conn, DAY, DAY, now=END, limit=63)
        batches = imports.batches(conn)
    out = {"checkpoints": {}, "hours": {}, "days": {}}
    for cp in cps.itertuples():

        def day_sum(frame, col, day, cid=cp.id, **where):
            rows = frame[(frame["local_day"] == day) & (frame["checkpoint_id"] == cid)]
            for k, v in where.items():
                rows = rows[rows[k] == v]
            return int(rows[col].sum())

        a = adopt[adopt["checkpoint_id"] == cp.id]
        ap = adopt_prev[adopt_prev["checkpoint_id"] == cp.id]
        w = wifi[wifi["checkpoint_id"] == cp.id]
        r = reasons[reasons["checkpoint_id"] == cp.id]
        total = day_sum(by_day, "crossings", DAY)
        previous = day_sum(by_day, "crossings", prev)
        crossings = int(a["crossings"].sum())
        assert crossings == total  # two query functions, one figure
        out["checkpoints"][cp.code] = {
            "name": cp.name,
            "in": day_sum(by_day, "crossings", DAY, direction="in"),
            "out": day_sum(by_day, "crossings", DAY, direction="out"),
            "total": total,
            "previous": previous,
            "mean": sum(day_sum(by_day, "crossings", first + dt.timedelta(days=k)) for k in range(7)) / 7,
            "high": day_sum(levels, "risk_high", DAY),
            "high_previous": day_sum(levels, "risk_high", prev),
            "reasons": [int(r[c].sum()) for c in high_risk.REASONS],
            "electronic": int(a["electronic"].sum()),
            "electronic_share": int(a["electronic"].sum()) / crossings if crossings else None,
            "electronic_previous": int(ap["electronic"].sum()),
            "bluezone": int(a["bluezone_installed"].sum()),
            "bluezone_share": int(a["bluezone_installed"].sum()) / crossings if crossings else None,
            "free_wifi": int(w["free_wifi"].sum()),
            "wifi_share": int(w["free_wifi"].sum()) / int(w["electronic"].sum())
            if int(w["electronic"].sum())
            else None,
        }
        out["hours"][cp.code] = {
            h: int(hours[(hours["checkpoint_id"] == cp.id) & (hours["local_hour"] == h)]["crossings"].sum())
            for h in range(24)
        }
        out["days"][cp.code] = [day_sum(by_day, "crossings", first + dt.timedelta(days=k)) for k in range(8)]
    values = out["checkpoints"].values()
    out["total"] = {
        k: sum(c[k] for c in values)
        for k in (
            "in",
            "out",
            "total",
            "previous",
            "high",
            "high_previous",
            "electronic",
            "electronic_previous",
            "bluezone",
            "free_wifi",
        )
    }
    out["total"]["reasons"] = [sum(c["reasons"][i] for c in values) for i in range(3)]
    out["origins"] = [
        (o.province, int(o.high_risk), int(o.crossings), int(o.from_hotzone)) for o in origins.itertuples()
    ]
    day_batches = batches[(batches["started_at"] >= local_midnight_utc(DAY)) & (batches["started_at"] < END)]
    out["quarantined"] = int(day_batches["quarantined"].sum())
    return out


def raw_counts(engine, lo: dt.datetime, hi: dt.datetime) -> dict[str, dict[str, int]]:
    """Crossings, high risk, electronic and Bluezone per checkpoint code counted over the declarations
    stamped in [lo, hi) (naive UTC), in SQL of the test's own."""
    stmt = text(
        "SELECT c.code, d.direction, COUNT(*),"
        " SUM(CASE WHEN d.risk_level = 'high' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN d.channel <> 'paper' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN d.bluezone_installed THEN 1 ELSE 0 END)"
        " FROM declarations d JOIN checkpoints c ON c.id = d.checkpoint_id"
        " WHERE d.declared_at >= :lo AND d.declared_at < :hi GROUP BY c.code, d.direction"
    ).bindparams(bindparam("lo", type_=DateTime), bindparam("hi", type_=DateTime))
    out: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for code, direction, total, high, electronic, bluezone in conn.execute(stmt, {"lo": lo, "hi": hi}):
            c = out.setdefault(code, {"in": 0, "out": 0, "total": 0, "high": 0, "electronic": 0, "bluezone": 0})
            c[direction] += int(total)
            c["total"] += int(total)
            c["high"] += int(high)
            c["electronic"] += int(electronic)
            c["bluezone"] += int(bluezone)
    return out


# --- reading the files back ---------------------------------------------------------------------------


def deck_texts(prs) -> list[str]:
    texts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                for plot in shape.chart.plots:
                    texts += [str(c) for c in plot.categories] + [s.name for s in plot.series]
    return texts


def charts(prs) -> list:
    return [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def deck_table(prs) -> list[list[str]]:
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                return [[cell.text for cell in row.cells] for row in shape.table.rows]
    raise AssertionError("the deck has no table")


def sheet_rows(ws) -> list[tuple]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def doc_texts(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def xml_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist() if name.endswith(".xml"))


def xlsx_texts(wb) -> list[str]:
    return [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]


# --- the reconciliation -------------------------------------------------------------------------------


def test_the_query_figures_are_the_raw_rows_of_the_day(store, expected):
    day = raw_counts(store, local_midnight_utc(DAY), END)
    for code, c in expected["checkpoints"].items():
        raw = day.get(code, {"in": 0, "out": 0, "total": 0, "high": 0, "electronic": 0, "bluezone": 0})
        assert (c["in"], c["out"], c["total"], c["high"], c["electronic"], c["bluezone"]) == (
            raw["in"],
            raw["out"],
            raw["total"],
            raw["high"],
            raw["electronic"],
            raw["bluezone"],
        ), code
    # The edge rows are where they belong: D's first and last second count, D + 1's first does not.
    second = dt.timedelta(seconds=1)
    total = expected["total"]["total"]
    without_first = sum(c["total"] for c in raw_counts(store, local_midnight_utc(DAY) + second, END).values())
    without_last = sum(c["total"] for c in raw_counts(store, local_midnight_utc(DAY), END - second).values())
    with_next = sum(c["total"] for c in raw_counts(store, local_midnight_utc(DAY), END + second).values())
    assert without_first == total - 1 and without_last == total - 1 and with_next == total + 1
    before = raw_counts(store, local_midnight_utc(DAY - dt.timedelta(days=1)), local_midnight_utc(DAY))
    assert expected["total"]["previous"] == sum(c["total"] for c in before.values())
    assert total > 100 and expected["total"]["high"] > 0 and expected["quarantined"] == 2


def test_the_workbook_holds_the_day_figures_as_numbers(files, expected):
    wb = openpyxl.load_workbook(files["xlsx"])
    for title in (
        "Tổng hợp",
        "Theo chốt",
        "Theo giờ",
        "Theo ngày",
        "Nguy cơ cao theo lý do",
        "Ứng dụng CNTT",
        "Nơi đi",
    ):
        assert title in wb.sheetnames
        assert wb[title].freeze_panes == "A2", title
    rows = {r[0]: r for r in sheet_rows(wb["Theo chốt"])[1:] if r[0]}
    for code, c in expected["checkpoints"].items():
        r = rows[code]
        assert r[2:10] == (
            c["in"],
            c["out"],
            c["total"],
            c["previous"],
            c["total"] - c["previous"],
            pytest.approx(c["mean"]),
            c["high"],
            c["electronic"],
        ), code
        assert r[10] == pytest.approx(c["electronic_share"]) and r[12] == pytest.approx(c["bluezone_share"])
        assert r[11] == c["bluezone"] and r[13] == c["free_wifi"] and r[14] == pytest.approx(c["wifi_share"])
        for v in r[2:]:
            assert isinstance(v, int | float) and not isinstance(v, bool), (code, v)
    t = expected["total"]
    total = rows["Tổng cộng"]
    assert total[2:7] == (t["in"], t["out"], t["total"], t["previous"], t["total"] - t["previous"])
    assert total[8] == t["high"] and total[9] == t["electronic"] and total[11] == t["bluezone"]

    summary = {r[0]: r[1:] for r in sheet_rows(wb["Tổng hợp"])[1:] if r[0]}
    assert summary["Lượt qua chốt"] == (t["total"], t["previous"], t["total"] - t["previous"])
    assert summary["Lượt nguy cơ cao"] == (t["high"], t["high_previous"], t["high"] - t["high_previous"])
    assert summary["Tỷ lệ khai báo điện tử"][0] == pytest.approx(t["electronic"] / t["total"])
    assert summary["Tỷ lệ khai báo điện tử"][1] == pytest.approx(t["electronic_previous"] / t["previous"])
    assert summary["Dòng bị cách ly (tệp nhập trong ngày)"][0] == expected["quarantined"] == 2
    assert wb["Tổng hợp"]["B2"].number_format == "#,##0"
    assert wb["Theo chốt"]["K2"].number_format == "0.0%"

    hours = sheet_rows(wb["Theo giờ"])
    names = hours[0][1:-1]
    codes = {c["name"]: code for code, c in expected["checkpoints"].items()}
    for h, row in enumerate(hours[1:25]):
        assert row[0] == h
        for name, value in zip(names, row[1:-1]):
            assert value == expected["hours"][codes[name]][h]
        assert row[-1] == sum(row[1:-1])

    days = sheet_rows(wb["Theo ngày"])
    for k, row in enumerate(days[1:9]):
        assert row[0].date() == DAY - dt.timedelta(days=7 - k)
        assert list(row[1 : 1 + len(names)]) == [expected["days"][codes[name]][k] for name in names]

    reasons = {r[0]: r[1:] for r in sheet_rows(wb["Nguy cơ cao theo lý do"])[1:] if r[0]}
    for c in expected["checkpoints"].values():
        assert list(reasons[c["name"]]) == [*c["reasons"], c["high"]]
    assert list(reasons["Tổng cộng"]) == [*t["reasons"], t["high"]]

    origins = [tuple(r[1:5]) for r in sheet_rows(wb["Nơi đi"])[1:] if r[0]]
    assert origins == expected["origins"] and origins

    adoption_rows = {r[0]: r for r in sheet_rows(wb["Ứng dụng CNTT"])[1:] if r[0]}
    for c in expected["checkpoints"].values():
        row = adoption_rows[c["name"]]
        assert row[1:4] == (c["total"], c["electronic"], pytest.approx(c["electronic_share"]))
        assert row[4] == pytest.approx(c["electronic_share"] - get_settings().adoption_target)
    with zipfile.ZipFile(files["xlsx"]) as z:
        assert any(name.startswith("xl/charts/chart") for name in z.namelist())


def test_hostile_text_stays_text_in_the_workbook(files):
    wb = openpyxl.load_workbook(files["xlsx"])
    found = {}
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.lstrip()[:1] in ("=", "+", "-", "@"):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    found[cell.value] = True
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    assert {HOSTILE_CHECKPOINT, HOSTILE_LABEL, HOSTILE_FILE} <= set(found)
    with zipfile.ZipFile(files["xlsx"]) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)


def test_the_deck_has_native_charts_holding_the_day_figures(files, expected):
    prs = Presentation(str(files["pptx"]))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 16:9
    found = charts(prs)
    assert len(found) >= 4
    names = {c["name"]: code for code, c in expected["checkpoints"].items()}
    line = next(c for c in found if type(c.plots[0]).__name__ == "LinePlot")
    assert list(line.plots[0].categories) == [(DAY - dt.timedelta(days=6 - k)).strftime("%d/%m") for k in range(7)]
    for series in line.plots[0].series:
        if series.name in names:
            assert list(series.values) == expected["days"][names[series.name]][1:]
        else:
            assert series.name == "Tổng cộng"
            assert list(series.values) == [sum(d[k] for d in expected["days"].values()) for k in range(1, 8)]
    bars = [c for c in found if type(c.plots[0]).__name__ == "BarPlot"]
    reasons = next(c for c in bars if [s.name for s in c.plots[0].series][0] == "Tiếp xúc F0")
    for i, series in enumerate(reasons.plots[0].series):
        cats = list(reasons.plots[0].categories)
        assert list(series.values) == [expected["checkpoints"][names[cat]]["reasons"][i] for cat in cats]
    uptake = next(c for c in bars if [s.name for s in c.plots[0].series][0] == "Khai báo điện tử")
    cats = list(uptake.plots[0].categories)
    for cat, value in zip(cats, uptake.plots[0].series[0].values):
        if cat in names:
            assert value == pytest.approx(expected["checkpoints"][names[cat]]["electronic_share"], abs=5e-5)
    assert list(uptake.plots[1].series[0].values) == [get_settings().adoption_target] * len(cats)  # the target line
    origins = next(c for c in bars if [s.name for s in c.plots[0].series][0] == "Lượt nguy cơ cao")
    assert list(zip(origins.plots[0].categories, origins.plots[0].series[0].values)) == [
        (o[0], o[1]) for o in expected["origins"][:10]
    ]

    table = deck_table(prs)
    for row in table[1:]:
        c = expected["checkpoints"][names[row[0]]] if row[0] in names else None
        if c is None:
            assert row[0] == "Toàn tỉnh"
            t = expected["total"]
            assert row[1:5] == [n(t["in"]), n(t["out"]), n(t["total"]), n(t["previous"])]
            assert row[6] == n(t["high"])
            continue
        assert row[1:5] == [n(c["in"]), n(c["out"]), n(c["total"]), n(c["previous"])]
        assert row[6:9] == [n(c["high"]), pct(c["electronic_share"]), pct(c["bluezone_share"])]
    texts = "\n".join(deck_texts(prs))
    t = expected["total"]
    assert n(t["total"]) in texts and n(t["high"]) in texts and pct(t["electronic"] / t["total"]) in texts
    assert "Tỉnh Thái Bình" in texts and "Tổ CNTT phòng, chống dịch Covid-19" in texts and "19/11/2026" in texts


def test_the_report_is_in_the_national_format_with_the_day_figures(files, expected):
    document = docx.Document(str(files["docx"]))
    section = document.sections[0]
    # Word keeps lengths in twentieths of a point: equal to a hundredth of a millimetre.
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    sizes += (section.left_margin, section.right_margin)
    for size, want in zip(sizes, (Cm(21), Cm(29.7), Cm(2), Cm(2), Cm(3), Cm(2))):
        assert abs(size - want) < Cm(0.001), (size, want)
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size in (Pt(13), Pt(14))

    header = document.tables[0]
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert [p.text for p in left.paragraphs] == [
        "UBND TỈNH THÁI BÌNH",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "TỔ CNTT PHÒNG, CHỐNG DỊCH COVID-19",
    ]
    assert left.paragraphs[2].runs[0].bold
    assert [p.text for p in right.paragraphs] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert (
        right.paragraphs[0].runs[0].bold and right.paragraphs[1].runs[0].bold and right.paragraphs[1].runs[0].underline
    )
    assert header.cell(1, 0).text == "Số: …/BC-TCNTT"
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == "Thái Bình, ngày 20 tháng 11 năm 2026" and date_line.runs[0].italic  # made on D + 1
    borders = header._tbl.tblPr.xml
    assert 'w:val="nil"' in borders

    paragraphs = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert "Tình hình khai báo y tế tại các chốt kiểm soát ngày 19/11/2026" in paragraphs
    t = expected["total"]
    body = "\n".join(paragraphs)
    change = t["total"] - t["previous"]
    word = "tăng" if change > 0 else "giảm"
    assert f"Trong ngày, {n(t['total'])} lượt người qua 3 chốt" in body
    assert f"{word} {pct(abs(change) / t['previous'])} ({'+' if change > 0 else '-'}{n(abs(change))} lượt)" in body
    assert f"Có {n(t['high'])} lượt người thuộc diện nguy cơ cao" in body
    assert f"Tỷ lệ khai báo điện tử đạt {pct(t['electronic'] / t['total'])}" in body
    assert "mục tiêu 80%" in body
    assert f"cách ly {n(expected['quarantined'])} dòng" in body
    for p in document.paragraphs:
        for run in p.runs:
            assert run.font.size in (None, Pt(13), Pt(14)), (p.text, run.font.size)

    table = document.tables[1]
    names = {c["name"]: c for c in expected["checkpoints"].values()}
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        c = names.get(cells[0])
        if c is None:
            assert cells[0] == "Toàn tỉnh" and cells[1:6] == [
                n(t["in"]),
                n(t["out"]),
                n(t["total"]),
                n(t["previous"]),
                n(t["high"]),
            ]
        else:
            assert cells[1:7] == [
                n(c["in"]),
                n(c["out"]),
                n(c["total"]),
                n(c["previous"]),
                n(c["high"]),
                pct(c["electronic_share"]),
            ]
    closing = "\n".join(doc_texts(document))
    for line in ("Nơi nhận:", "- Ban Chỉ đạo tỉnh;", "- Lãnh đạo Sở;", "- Lưu: VT, TCNTT.", "TỔ TRƯỞNG"):
        assert line in closing


def test_no_personal_data_in_any_file(store, files):
    with store.connect() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text("SELECT DISTINCT full_name FROM declarations WHERE full_name IS NOT NULL LIMIT 200")
            )
        ]
        plates = [
            r[0]
            for r in conn.execute(text("SELECT DISTINCT plate FROM declarations WHERE plate IS NOT NULL LIMIT 200"))
        ]
    assert names and plates
    texts = (
        deck_texts(Presentation(str(files["pptx"])))
        + xlsx_texts(openpyxl.load_workbook(files["xlsx"]))
        + doc_texts(docx.Document(str(files["docx"])))
    )
    for t in texts:
        for pattern in PERSONAL_PATTERNS:
            assert not pattern.search(t), (pattern.pattern, t)
    for path in files.values():
        raw = xml_text(path)
        for value in (*PERSONAL_VALUES, *names, *plates):
            assert value not in raw, (path.name, value)


def test_one_gathering_feeds_every_file_and_the_bytes_builders(store, files):
    fig = briefing.gather(store, DAY, now=MADE)
    assert fig.now == END  # counted up to the end of D, not up to when the report was made
    for fmt, data in briefing.briefing_bytes(fig).items():
        assert data[:2] == b"PK"
        assert data.startswith(b"PK") and len(data) > 1000, fmt
    wb = openpyxl.load_workbook(io.BytesIO(briefing.xlsx_bytes(fig)))
    assert wb["Theo chốt"]["E5"].value == fig.total.crossings
    assert [p.name for p in files.values()] == [
        "bao-cao-2026-11-19.pptx",
        "bao-cao-2026-11-19.xlsx",
        "bao-cao-2026-11-19.docx",
    ]


def test_the_next_day_counts_its_first_second(store, tmp_path):
    """D + 1 is the day the report is made: counted up to then, with its midnight row."""
    fig = briefing.gather(store, NEXT, now=MADE)
    raw = raw_counts(store, END, MADE)
    assert fig.total.crossings == sum(c["total"] for c in raw.values()) > 0
    assert not fig.complete and fig.hours_elapsed == 9 and briefing.text.cutoff(fig) == "09:00"
    # While the day runs, the day before is counted up to the same time of day (as on the Overview).
    same_time = raw_counts(store, local_midnight_utc(DAY), MADE - dt.timedelta(days=1))
    assert fig.total.previous == sum(c["total"] for c in same_time.values())
    assert fig.total.high_risk_previous == sum(c["high"] for c in same_time.values())
    assert "ngày trước được tính đến cùng giờ" in " ".join(briefing.text.quality_notes(fig))


def test_silent_hours_are_told_as_ranges():
    assert briefing.text.hour_ranges((1, 2, 3, 7, 23)) == "01:00–04:00, 07:00–08:00, 23:00–24:00"


def test_an_empty_day_gives_valid_files_that_say_so(store, tmp_path):
    paths = briefing.build_briefing(store, EMPTY_DAY, tmp_path, now=MADE)
    assert [p.name for p in paths] == [f"bao-cao-{EMPTY_DAY.isoformat()}.{f}" for f in ("pptx", "xlsx", "docx")]
    by = {p.suffix: p for p in paths}
    assert any(briefing_text_has_no_data(t) for t in deck_texts(Presentation(str(by[".pptx"]))))
    wb = openpyxl.load_workbook(by[".xlsx"])
    assert any(briefing_text_has_no_data(t) for t in xlsx_texts(wb))
    assert sheet_rows(wb["Tổng hợp"])[1][1] == 0
    assert any(briefing_text_has_no_data(t) for t in doc_texts(docx.Document(str(by[".docx"]))))


def briefing_text_has_no_data(value: str) -> bool:
    return "Không có dữ liệu khai báo trong ngày" in value


def test_the_format_choice_and_the_template_setting(store, tmp_path, monkeypatch, capsys):
    paths = briefing.build_briefing(store, DAY, tmp_path, formats=("xlsx",), now=MADE)
    assert [p.name for p in paths] == ["bao-cao-2026-11-19.xlsx"]
    # A deck made from a template of the Department's uses its layouts, without the template's slides.
    template = tmp_path / "mau.pptx"
    prs = Presentation()
    prs.slide_width, prs.slide_height = 12192000, 6858000
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "MẪU CỦA SỞ"
    prs.save(str(template))
    monkeypatch.setenv("REPORT_PPTX_TEMPLATE", str(template))
    get_settings.cache_clear()
    assert briefing.template_path() == template
    fig = briefing.gather(store, DAY, now=MADE)
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(fig)))
    assert "MẪU CỦA SỞ" not in "\n".join(deck_texts(deck)) and len(charts(deck)) >= 4
    monkeypatch.setenv("REPORT_PPTX_TEMPLATE", str(tmp_path / "absent.pptx"))
    get_settings.cache_clear()
    with pytest.raises(briefing.BriefingError) as exc:
        briefing.pptx_bytes(fig)
    assert exc.value.code == "report.bad_template"
    assert exc.value.params["template"] == str(tmp_path / "absent.pptx") and exc.value.params["detail"]
    code = briefing.report_command("2026-11-19", str(tmp_path / "x"), "pptx", engine=store, now=MADE)
    assert code == 2
    assert capsys.readouterr().err.startswith(f"Lỗi [report.bad_template]: không đọc được mẫu PowerPoint {tmp_path}")


# --- the command --------------------------------------------------------------------------------------


def test_the_command_writes_yesterday_by_default(store, tmp_path, capsys):
    assert briefing.report_command(None, str(tmp_path / "out"), None, engine=store, now=MADE) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [str(tmp_path / "out" / f"bao-cao-2026-11-19.{f}") for f in ("pptx", "xlsx", "docx")]
    assert out.err == ""


@pytest.mark.parametrize(
    "date_text, formats, line",
    [
        # the day after the report is made
        ("2026-11-21", None, "Lỗi [report.future_date]: ngày 21/11/2026 chưa tới (hôm nay là 20/11/2026)"),
        ("2099-01-01", None, "Lỗi [report.future_date]: ngày 01/01/2099 chưa tới (hôm nay là 20/11/2026)"),
        (
            "2026-02-30",
            None,
            "Lỗi [report.bad_date]: ngày không hợp lệ: '2026-02-30' (dạng YYYY-MM-DD, ví dụ 2026-11-20)",
        ),
        ("19/11/2026", None, "Lỗi [report.bad_date]: ngày không hợp lệ: '19/11/2026'"),
        ("20261119", None, "Lỗi [report.bad_date]: ngày không hợp lệ: '20261119'"),
        ("hôm qua", None, "Lỗi [report.bad_date]: ngày không hợp lệ: 'hôm qua'"),
        (
            "2026-11-19",
            "pptx,pdf",
            "Lỗi [report.bad_format]: định dạng không hỗ trợ: pdf (chọn trong pptx, xlsx, docx)",
        ),
        ("2026-11-19", ",", "Lỗi [report.no_format]: định dạng không hỗ trợ: (trống) (chọn trong pptx, xlsx, docx)"),
    ],
)
def test_a_bad_request_is_one_line_and_exit_2(store, tmp_path, capsys, date_text, formats, line):
    out = tmp_path / "out"
    assert briefing.report_command(date_text, str(out), formats, engine=store, now=MADE) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith(line)
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_bad_requests_carry_codes_and_plain_values():
    with pytest.raises(briefing.BriefingError) as exc:
        briefing.parse_day("2026-11-21", MADE)
    assert (exc.value.code, exc.value.params) == (
        "report.future_date",
        {"day": dt.date(2026, 11, 21), "today": dt.date(2026, 11, 20)},
    )
    with pytest.raises(briefing.BriefingError) as exc:
        briefing.gather(None, dt.date(2026, 11, 21), now=MADE)
    assert exc.value.code == "report.future_date" and exc.value.params["day"] == dt.date(2026, 11, 21)
    with pytest.raises(briefing.BriefingError) as exc:
        briefing.parse_formats("pptx,pdf,odp")
    assert (exc.value.code, exc.value.params) == (
        "report.bad_format",
        {"formats": ["pdf", "odp"], "choices": ["pptx", "xlsx", "docx"]},
    )


def test_a_file_where_the_folder_should_be(store, tmp_path, capsys):
    (tmp_path / "out").write_text("x")
    assert briefing.report_command("2026-11-19", str(tmp_path / "out"), None, engine=store, now=MADE) == 2
    assert capsys.readouterr().err == f"Lỗi [report.not_a_folder]: {tmp_path / 'out'} không phải thư mục\n"


def test_run_report_reads_the_configured_store(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        args = argparse.Namespace(date="2026-11-19", out=str(tmp_path), format="docx")
        assert briefing.run_report(args) == 0
    finally:
        get_settings.cache_clear()
    assert capsys.readouterr().out.strip() == str(tmp_path / "bao-cao-2026-11-19.docx")


# --- the package's rules ------------------------------------------------------------------------------


def test_the_package_never_imports_streamlit_nor_runs_sql_nor_reads_personal_fields():
    sources = sorted((ROOT / "briefing").rglob("*.py"))
    assert len(sources) >= 5
    for path in sources:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [(a.name, []) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [(node.module or "", [a.name for a in node.names])]
            else:
                modules = []
            for module, names in modules:
                assert not module.startswith("streamlit"), path
                assert not module.startswith(("data_access.store", "data_access.schema", "data_access.queries._")), path
                if module.startswith("sqlalchemy"):
                    assert set(names) <= {"Connection", "Engine"}, (path, names)
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("execute", "exec_driver_sql", "scalar", "scalars"), (path, node.attr)
        assert not re.search(r"(?<![.\w])(select|text|insert|update|delete)\(", source), path
        assert not re.search(r"\b(full_name|id_number|phone|plate)\b", source), path


def test_every_chart_carries_its_data_as_a_workbook_to_edit(files):
    """What PowerPoint and LibreOffice open on "Edit data": the chart's embedded workbook, holding the
    very numbers the chart draws."""
    prs = Presentation(str(files["pptx"]))
    for chart in charts(prs):
        blob = chart.part.chart_workbook.xlsx_part.blob
        sheet = openpyxl.load_workbook(io.BytesIO(blob)).worksheets[0]
        numbers = {
            round(float(c.value), 6) for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))
        }
        drawn = {round(float(v), 6) for plot in chart.plots for s in plot.series for v in s.values if v is not None}
        assert drawn and drawn <= numbers


def test_libreoffice_opens_the_charts_as_charts_whose_data_can_be_edited(files, expected, tmp_path):
    """The deck opened in LibreOffice Impress (converted to its own format, headless): every chart is
    an embedded chart object with its own data table ("Edit chart data"), holding the day's figures."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        unavailable("LibreOffice (soffice, Debian's libreoffice-impress) is not installed")
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: parallel runs do not lock each other
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "odp", "--outdir", str(tmp_path),
         str(files["pptx"])],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with zipfile.ZipFile(tmp_path / (files["pptx"].stem + ".odp")) as odp:
        content = odp.read("content.xml").decode()
        objects = re.findall(r'<draw:object xlink:href="\./(Object \d+)"', content)
        kinds, values = [], []
        for name in objects:
            chart = odp.read(f"{name}/content.xml").decode()
            kinds += re.findall(r'chart:class="chart:(\w+)"', chart)[:1]
            values.append([float(v) for v in re.findall(r'office:value="([-0-9.]+)"', chart)])
    assert len(objects) >= 4 and "line" in kinds and kinds.count("bar") >= 3
    names = {c["name"]: code for code, c in expected["checkpoints"].items()}
    line = values[kinds.index("line")]
    for code in names.values():
        assert all(float(v) in line for v in expected["days"][code][1:])
    origins = [float(o[1]) for o in expected["origins"][:10]]
    assert origins in values, "the origins chart's data table holds the high-risk travellers per province"
