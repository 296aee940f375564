"""The briefing workbook (Excel): one sheet per table, numbers stored as numbers with display formats
(Excel shows them in the reader's locale: 1.234 and 76,4% on a Vietnamese system), the header row
frozen, columns as wide as their contents, native charts, and every text cell that a spreadsheet
could read as a formula kept as text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import text as tx
from .figures import BriefingFigures, CheckpointDay

COUNT = "#,##0"
MEAN = "#,##0.0"
SHARE = "0.0%"
POINTS = "+0.0%;-0.0%;0.0%"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
HOUR = '00":00"'

#: First non-blank characters that make a spreadsheet read text as a formula, and leading characters
#: some spreadsheets skip before reading one (the rule of data_access.masking's downloads).
FORMULA_PREFIXES = ("=", "+", "-", "@")
FORMULA_LEADS = ("\t", "\r")

#: An import's status as the import page names it.
STATUS = {"running": "Đang chạy / bị gián đoạn", "done": "Hoàn tất", "failed": "Dừng giữa chừng"}

HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TOTAL_FONT = Font(bold=True)

SHEETS = (
    "Tổng hợp",
    "Theo chốt",
    "Theo giờ",
    "Theo ngày",
    "Nguy cơ cao theo lý do",
    "Ứng dụng CNTT",
    "Nơi đi",
    "Vùng dịch",
    "Chất lượng dữ liệu",
    "Nhập tệp trong ngày",
)


def needs_quote(value: str) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula."""
    return value.startswith(FORMULA_LEADS) or value.lstrip().startswith(FORMULA_PREFIXES)


def xlsx_bytes(fig: BriefingFigures) -> bytes:
    """The workbook of ``fig`` as .xlsx bytes."""
    wb = Workbook()
    first = wb.active
    assert first is not None  # a new workbook has its sheet
    wb.remove(first)
    _summary(wb, fig)
    _by_checkpoint(wb, fig)
    _by_hour(wb, fig)
    _by_day(wb, fig)
    _reasons(wb, fig)
    _adoption(wb, fig)
    _origins(wb, fig)
    _zones(wb, fig)
    _quality(wb, fig)
    _imports(wb, fig)
    wb.properties.title = f"Báo cáo ngày {tx.date(fig.day)}"
    wb.properties.creator = tx.TEAM
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- sheets --------------------------------------------------------------------------------------


def _summary(wb: Workbook, fig: BriefingFigures) -> None:
    t = fig.total

    def diff(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    rows: list[tuple[str, Any, Any, Any, str]] = [
        ("Lượt qua chốt", t.crossings, t.previous, t.change, COUNT),
        ("Lượt vào", t.crossings_in, t.previous_in, t.crossings_in - t.previous_in, COUNT),
        ("Lượt ra", t.crossings_out, t.previous_out, t.crossings_out - t.previous_out, COUNT),
        ("Trung bình 7 ngày trước (lượt/ngày)", t.mean_7d, None, None, MEAN),
        ("Lượt nguy cơ cao", t.high_risk, t.high_risk_previous, t.high_risk - t.high_risk_previous, COUNT),
        ("Khai báo điện tử (lượt)", t.electronic, t.electronic_previous, t.electronic - t.electronic_previous, COUNT),
        (
            "Tỷ lệ khai báo điện tử",
            t.electronic_share,
            t.electronic_share_previous,
            diff(t.electronic_share, t.electronic_share_previous),
            SHARE,
        ),
        ("Cài Bluezone (lượt)", t.bluezone, t.bluezone_previous, t.bluezone - t.bluezone_previous, COUNT),
        (
            "Tỷ lệ cài Bluezone",
            t.bluezone_share,
            t.bluezone_share_previous,
            diff(t.bluezone_share, t.bluezone_share_previous),
            SHARE,
        ),
        ("Khai báo qua Wi-Fi miễn phí (lượt)", t.free_wifi, None, None, COUNT),
        ("Tỷ lệ qua Wi-Fi (trên khai báo điện tử tại chốt có Wi-Fi)", t.wifi_share, None, None, SHARE),
        ("Mục tiêu ứng dụng CNTT", fig.target, None, None, SHARE),
        ("Số chốt kiểm soát", len(fig.checkpoints), None, None, COUNT),
        ("Dòng bị cách ly (tệp nhập trong ngày)", fig.quarantined, None, None, COUNT),
    ]
    headers = ["Chỉ tiêu", f"Ngày {tx.date(fig.day)}", "Ngày trước", "Thay đổi"]
    body = [[label, a, b, c] for label, a, b, c, _ in rows]
    formats = [[None, f, f, f] for *_, f in rows]
    ws = _sheet(wb, "Tổng hợp", headers, body, row_formats=formats)
    # The report's particulars under the table (text and dates, apart from the figures).
    r = len(body) + 3
    made = tx.date(fig.day)
    extra: list[tuple[str, Any, str | None]] = [
        ("Ngày báo cáo", fig.day, DATE),
        ("Lập lúc", _local_naive(fig.made_at), DATETIME),
        ("Đơn vị", f"{tx.PROVINCE} · {tx.TEAM}", None),
    ]
    if not fig.has_data:
        extra.append(("Ghi chú", f"{tx.NO_DATA} {made}.", None))
    elif not fig.complete:
        extra.append(("Ghi chú", f"Số liệu tính đến {tx.cutoff(fig)} (ngày chưa kết thúc).", None))
    for i, (label, value, fmt) in enumerate(extra):
        _put(ws.cell(r + i, 1), label).font = TOTAL_FONT
        cell = _put(ws.cell(r + i, 2), value)
        if fmt:
            cell.number_format = fmt
    _fit(ws)


def _checkpoint_row(r: CheckpointDay) -> list[Any]:
    return [
        r.code,
        r.name,
        r.crossings_in,
        r.crossings_out,
        r.crossings,
        r.previous,
        r.change,
        r.mean_7d,
        r.high_risk,
        r.electronic,
        r.electronic_share,
        r.bluezone,
        r.bluezone_share,
        r.free_wifi if r.wifi_open else None,
        r.wifi_share,
    ]


def _by_checkpoint(wb: Workbook, fig: BriefingFigures) -> None:
    headers = [
        "Mã chốt",
        "Chốt",
        "Vào",
        "Ra",
        "Tổng",
        "Ngày trước",
        "Thay đổi",
        "TB 7 ngày trước",
        "Nguy cơ cao",
        "KB điện tử",
        "Tỷ lệ KB điện tử",
        "Bluezone",
        "Tỷ lệ Bluezone",
        "Qua Wi-Fi",
        "Tỷ lệ Wi-Fi",
    ]
    formats = [None, None, COUNT, COUNT, COUNT, COUNT, COUNT, MEAN, COUNT, COUNT, SHARE, COUNT, SHARE, COUNT, SHARE]
    total = _checkpoint_row(fig.total)
    total[0] = "Tổng cộng"
    rows = [*(_checkpoint_row(r) for r in fig.checkpoints), total]
    _sheet(wb, "Theo chốt", headers, rows, formats=formats, total_last=True)


def _by_hour(wb: Workbook, fig: BriefingFigures) -> None:
    names = [r.name for r in fig.checkpoints]
    rows = [[h, *counts, sum(counts)] for h, counts in enumerate(fig.hours)]
    ws = _sheet(wb, "Theo giờ", ["Giờ", *names, "Tổng"], rows, formats=[HOUR] + [COUNT] * (len(names) + 1))
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Lượt qua chốt theo giờ, ngày {tx.date(fig.day)}"
    chart.y_axis.title = "Lượt"
    chart.y_axis.numFmt = COUNT
    total_col = len(names) + 2
    chart.add_data(Reference(ws, min_col=total_col, min_row=1, max_row=25), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=25))
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, f"{get_column_letter(total_col + 2)}2")


def _by_day(wb: Workbook, fig: BriefingFigures) -> None:
    names = [r.name for r in fig.checkpoints]
    headers = ["Ngày", *names, "Tổng", "Nguy cơ cao", "KB điện tử", "Tỷ lệ KB điện tử", "Bluezone", "Tỷ lệ Bluezone"]
    rows = []
    for d in fig.trend:
        share = d.electronic / d.crossings if d.crossings else None
        blue = d.bluezone / d.crossings if d.crossings else None
        rows.append([d.day, *d.by_checkpoint, d.crossings, d.high_risk, d.electronic, share, d.bluezone, blue])
    formats = [DATE] + [COUNT] * (len(names) + 3) + [SHARE, COUNT, SHARE]
    ws = _sheet(wb, "Theo ngày", headers, rows, formats=formats)
    chart = LineChart()
    chart.title = "Lượt qua chốt theo ngày"
    chart.y_axis.title = "Lượt"
    chart.y_axis.numFmt = COUNT
    chart.x_axis.number_format = "dd/mm"
    last = len(rows) + 1
    chart.add_data(Reference(ws, min_col=2, max_col=len(names) + 2, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, f"A{last + 3}")


def _reasons(wb: Workbook, fig: BriefingFigures) -> None:
    headers = ["Chốt", *tx.REASON_NAMES, "Nguy cơ cao (lượt người)"]
    rows = [[r.name, *r.reasons, r.high_risk] for r in (*fig.checkpoints, fig.total)]
    rows[-1][0] = "Tổng cộng"
    ws = _sheet(wb, "Nguy cơ cao theo lý do", headers, rows, formats=[None] + [COUNT] * 4, total_last=True)
    note = len(rows) + 3
    _put(ws.cell(note, 1), "Một người có thể có nhiều lý do: tổng theo lý do có thể lớn hơn số người.")


def _adoption(wb: Workbook, fig: BriefingFigures) -> None:
    headers = [
        "Chốt",
        "Lượt qua chốt",
        "KB điện tử",
        "Tỷ lệ KB điện tử",
        "So với mục tiêu",
        "Bluezone",
        "Tỷ lệ Bluezone",
        "Bluezone so với mục tiêu",
        "Qua Wi-Fi",
        "Tỷ lệ Wi-Fi",
        "Mục tiêu",
    ]
    rows = []
    for r in (*fig.checkpoints, fig.total):
        e, b = r.electronic_share, r.bluezone_share
        rows.append(
            [
                "Tổng cộng" if r.checkpoint_id is None else r.name,
                r.crossings,
                r.electronic,
                e,
                None if e is None else e - fig.target,
                r.bluezone,
                b,
                None if b is None else b - fig.target,
                r.free_wifi if r.wifi_open else None,
                r.wifi_share,
                fig.target,
            ]
        )
    formats = [None, COUNT, COUNT, SHARE, POINTS, COUNT, SHARE, POINTS, COUNT, SHARE, SHARE]
    ws = _sheet(wb, "Ứng dụng CNTT", headers, rows, formats=formats, total_last=True)
    last = len(rows) + 1
    bars = BarChart()
    bars.type = "col"
    bars.title = f"Ứng dụng CNTT so với mục tiêu {tx.percent(fig.target, 0)}"
    bars.y_axis.numFmt = "0%"
    bars.y_axis.scaling.min, bars.y_axis.scaling.max = 0, 1
    bars.add_data(Reference(ws, min_col=4, min_row=1, max_row=last), titles_from_data=True)
    bars.add_data(Reference(ws, min_col=7, min_row=1, max_row=last), titles_from_data=True)
    cats = Reference(ws, min_col=1, min_row=2, max_row=last)
    bars.set_categories(cats)
    target = LineChart()
    target.add_data(Reference(ws, min_col=11, min_row=1, max_row=last), titles_from_data=True)
    target.set_categories(cats)
    bars += target  # the target as a line over the bars, on the same axes
    bars.width, bars.height = 22, 10
    ws.add_chart(bars, f"A{last + 3}")


def _origins(wb: Workbook, fig: BriefingFigures) -> None:
    headers = ["Mã tỉnh", "Tỉnh/thành phố", "Lượt nguy cơ cao", "Lượt qua chốt từ tỉnh", "Từ vùng dịch"]
    rows = [[o.province_code, o.province, o.high_risk, o.crossings, o.from_hotzone] for o in fig.origins]
    _sheet(wb, "Nơi đi", headers, rows, formats=[None, None, COUNT, COUNT, COUNT])


def _zones(wb: Workbook, fig: BriefingFigures) -> None:
    rows = [[z.province, z.district or "", z.label] for z in fig.hot_zones]
    _sheet(wb, "Vùng dịch", ["Tỉnh/thành phố", "Huyện", f"Áp dụng ngày {tx.date(fig.day)}"], rows)


def _quality(wb: Workbook, fig: BriefingFigures) -> None:
    rows: list[list[Any]] = [[note] for note in tx.quality_notes(fig)]
    rows += [[f"{name}: giờ không có khai báo", len(hours)] for name, hours in fig.silent_hours]
    _sheet(wb, "Chất lượng dữ liệu", ["Ghi chú", "Số giờ"], rows, formats=[None, COUNT])


def _imports(wb: Workbook, fig: BriefingFigures) -> None:
    headers = ["Tệp", "Bắt đầu", "Trạng thái", "Số dòng", "Nhận", "Trùng", "Cách ly", "Cảnh báo"]
    rows = [
        [i.file_name, i.started_at.replace(tzinfo=None), STATUS.get(i.status, i.status), i.rows_in, i.accepted]
        + [i.duplicates]
        + [i.quarantined, i.warnings]
        for i in fig.imports
    ]
    _sheet(wb, "Nhập tệp trong ngày", headers, rows, formats=[None, DATETIME, None] + [COUNT] * 5)


# --- cells ---------------------------------------------------------------------------------------


def _local_naive(ts_utc: dt.datetime) -> dt.datetime:
    from data_access.timeutil import to_local

    return to_local(ts_utc).replace(tzinfo=None, microsecond=0)


def _put(cell, value: Any):
    """Write ``value`` as a value, never a formula: text that a spreadsheet would read as one is kept
    as text with a quote prefix (Excel shows it as typed and never runs it)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"  # openpyxl takes any text starting with "=" for a formula otherwise
        if needs_quote(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    formats: Sequence[str | None] | None = None,
    row_formats: Sequence[Sequence[str | None]] | None = None,
    total_last: bool = False,
) -> Worksheet:
    """A sheet with a frozen header row and ``rows`` under it, each column in its number format."""
    ws = wb.create_sheet(title)
    for c, header in enumerate(headers, start=1):
        cell = _put(ws.cell(1, c), header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = _put(ws.cell(r, c), value)
            fmt = row_formats[r - 2][c - 1] if row_formats else (formats[c - 1] if formats else None)
            if fmt and value is not None:
                cell.number_format = fmt
            if total_last and r == len(rows) + 1:
                cell.font = TOTAL_FONT
    ws.freeze_panes = "A2"
    _fit(ws)
    return ws


def _shown(value: Any, fmt: str) -> str:
    """Roughly how wide a cell's value is when displayed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return "00/00/0000 00:00"
    if isinstance(value, dt.date):
        return "00/00/0000"
    if isinstance(value, float) and "%" in fmt:
        return tx.percent(value) + "+"
    if isinstance(value, (int, float)):
        return tx.number(value)
    return str(value)


def _fit(ws: Worksheet) -> None:
    """Column widths that fit their contents (headers wrap past 30 characters; long notes stop at 100)."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = _shown(cell.value, cell.number_format)
            longest = max((len(line) for line in text.splitlines()), default=0)
            if cell.row == 1:
                longest = min(longest, 30)
            widths[cell.column] = max(widths.get(cell.column, 0), min(longest, 100))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(8, width + 2)
