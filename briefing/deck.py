"""The briefing deck (PowerPoint, 16:9): the key numbers first, then native charts (editable in
PowerPoint: chart objects with their data, never pictures) and the data-quality notes.

Counts on the charts use a number format whose thousands separator is a literal "." (Vietnamese
style on any computer); shares, whose decimal comma no format code can force, carry their label as
text written with Babel.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from . import text as tx
from .figures import BriefingError, BriefingFigures
from .template import template_path

#: A count with "." between thousands whatever the viewer's locale ("\." is a literal dot).
VI_COUNT = r"[>=1000000]#\.###\.###;[>=1000]#\.###;0"

NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
LIGHT = RGBColor(0xEE, 0xF2, 0xF8)
RED = RGBColor(0xC0, 0x00, 0x00)
GREEN = RGBColor(0x2E, 0x7D, 0x32)
#: Series colours: checkpoints (then the province's total in navy), reasons, shares.
PALETTE = (
    RGBColor(0x2F, 0x75, 0xB5),
    RGBColor(0xED, 0x7D, 0x31),
    RGBColor(0x70, 0xAD, 0x47),
    RGBColor(0x7F, 0x60, 0xA8),
    RGBColor(0xA5, 0xA5, 0xA5),
    RGBColor(0xFF, 0xC0, 0x00),
)

WIDE, HIGH = Emu(12192000), Emu(6858000)  # 13,333 × 7,5 in: 16:9
MARGIN = Inches(0.5)


def pptx_bytes(fig: BriefingFigures, template: Path | None = None) -> bytes:
    """The deck of ``fig`` as .pptx bytes; ``template`` (default: :func:`template_path`) is a .pptx of
    the Department's whose layouts and theme are used."""
    deck = _Deck(fig, template if template is not None else template_path())
    deck.build()
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    return buffer.getvalue()


class _Deck:
    def __init__(self, fig: BriefingFigures, template: Path | None) -> None:
        self.fig = fig
        self.templated = template is not None
        if template is not None:
            try:
                self.prs = Presentation(str(template))
            except Exception as exc:  # noqa: BLE001 - any unreadable file is the same problem for the user
                raise BriefingError("report.bad_template", template=str(template), detail=str(exc)) from exc
            _drop_slides(self.prs)
        else:
            self.prs = Presentation()
            self.prs.slide_width, self.prs.slide_height = WIDE, HIGH
        self.width = int(self.prs.slide_width or WIDE)
        self.height = int(self.prs.slide_height or HIGH)

    # --- slides ---------------------------------------------------------------------------------

    def build(self) -> None:
        fig = self.fig
        self.title_slide()
        self.headline_slide()
        if fig.has_data:
            self.checkpoint_slide()
        self.trend_slide()
        if fig.has_data:
            self.high_risk_slide()
            self.adoption_slide()
            self.origins_slide()
        self.quality_slide()

    def title_slide(self) -> None:
        fig = self.fig
        layout = _layout(self.prs, ("Title Slide",), 0)
        slide = self.prs.slides.add_slide(layout)
        title = slide.shapes.title
        subtitle = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if title is None:
            title = slide.shapes.add_textbox(MARGIN, Inches(2.2), self.width - 2 * MARGIN, Inches(1.6))
        if not self.templated:
            title.left, title.top, title.width, title.height = (
                Inches(0.8),
                Inches(1.9),
                self.width - Inches(1.6),
                Inches(1.9),
            )
        frame = title.text_frame
        frame.word_wrap = True
        frame.text = "BÁO CÁO\n" + tx.TITLE.upper()
        for i, para in enumerate(frame.paragraphs):
            para.alignment = PP_ALIGN.CENTER
            _style(para, 40 if i == 0 else 30, bold=True, color=None if self.templated else NAVY)
        if subtitle is None:
            subtitle = slide.shapes.add_textbox(MARGIN, Inches(4.2), self.width - 2 * MARGIN, Inches(2))
        if not self.templated:
            subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
                Inches(0.8),
                Inches(4.2),
                self.width - Inches(1.6),
                Inches(2.2),
            )
        lines = [tx.PROVINCE, tx.TEAM, f"Ngày {tx.date(fig.day)}"]
        if not fig.complete:
            lines[-1] += f" (số liệu đến {tx.cutoff(fig)})"
        sub = subtitle.text_frame
        sub.text = "\n".join(lines)
        for i, para in enumerate(sub.paragraphs):
            para.alignment = PP_ALIGN.CENTER
            _style(para, 24 if i < 2 else 28, bold=i == 2, color=None if self.templated else GREY)

    def headline_slide(self) -> None:
        fig, t = self.fig, self.fig.total
        slide, top = self.content_slide(f"Tổng quan ngày {tx.date(fig.day)}")
        if not fig.has_data:
            box = slide.shapes.add_textbox(MARGIN, top + Inches(1.5), self.width - 2 * MARGIN, Inches(1.5))
            box.text_frame.text = tx.NO_DATA + f" {tx.date(fig.day)}."
            _style(box.text_frame.paragraphs[0], 32, bold=True, color=RED)
            box.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            return
        cards = [
            ("Lượt qua chốt", tx.number(t.crossings), tx.change_short(t.crossings, t.previous), GREY),
            (
                "Nguy cơ cao",
                tx.number(t.high_risk),
                tx.change_short(t.high_risk, t.high_risk_previous),
                RED if t.high_risk > t.high_risk_previous else GREEN,
            ),
            (
                "Khai báo điện tử",
                tx.percent(t.electronic_share),
                _points_line(t.electronic_share, t.electronic_share_previous),
                GREEN if (t.electronic_share or 0) >= fig.target else RED,
            ),
            (
                "Cài Bluezone",
                tx.percent(t.bluezone_share),
                _points_line(t.bluezone_share, t.bluezone_share_previous),
                GREEN if (t.bluezone_share or 0) >= fig.target else RED,
            ),
        ]
        gap = Inches(0.3)
        width = (self.width - 2 * MARGIN - gap * (len(cards) - 1)) // len(cards)
        for i, (label, value, change, colour) in enumerate(cards):
            shape = slide.shapes.add_shape(
                MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN + i * (width + gap), top + Inches(0.3), width, Inches(2.6)
            )
            shape.fill.solid()
            shape.fill.fore_color.rgb = LIGHT
            shape.line.fill.background()
            frame = shape.text_frame
            frame.word_wrap = True
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame.text = f"{label}\n{value}\n{change}"
            sizes = (18, 44, 15)
            colours = (GREY, NAVY, colour)
            for para, size, col, bold in zip(frame.paragraphs, sizes, colours, (False, True, False)):
                para.alignment = PP_ALIGN.CENTER
                _style(para, size, bold=bold, color=col)
        lines = [
            f"Vào: {tx.number(t.crossings_in)} lượt · Ra: {tx.number(t.crossings_out)} lượt · "
            + (f"Trung bình 7 ngày trước: {tx.number(t.mean_7d)} lượt/ngày" if t.mean_7d is not None else ""),
            f"Mục tiêu ứng dụng CNTT: {tx.percent(fig.target, 0)} · Khai báo qua Wi-Fi miễn phí: "
            f"{tx.number(t.free_wifi)} ({tx.percent(t.wifi_share)} số khai báo điện tử tại chốt có Wi-Fi)",
        ]
        box = slide.shapes.add_textbox(MARGIN, top + Inches(3.3), self.width - 2 * MARGIN, Inches(1.6))
        box.text_frame.word_wrap = True
        box.text_frame.text = "\n".join(lines)
        for para in box.text_frame.paragraphs:
            para.alignment = PP_ALIGN.CENTER
            _style(para, 18, color=GREY)

    def checkpoint_slide(self) -> None:
        fig = self.fig
        slide, top = self.content_slide("Theo chốt kiểm soát")
        headers = (
            "Chốt",
            "Vào",
            "Ra",
            "Tổng",
            "Ngày trước",
            "TB 7 ngày",
            "Nguy cơ cao",
            "KB điện tử",
            "Bluezone",
        )
        rows = [_checkpoint_cells(r) for r in (*fig.checkpoints, fig.total)]
        widths = (3.0, 1.15, 1.15, 1.3, 1.35, 1.3, 1.35, 1.35, 1.35)
        self.table(slide, top + Inches(0.2), headers, rows, widths, bold_last=True)
        note = slide.shapes.add_textbox(MARGIN, self.height - Inches(1.2), self.width - 2 * MARGIN, Inches(0.6))
        note.text_frame.word_wrap = True
        note.text_frame.text = (
            "TB 7 ngày: trung bình lượt/ngày của 7 ngày trước. KB điện tử, Bluezone: tỷ lệ trên số lượt qua chốt; "
            f"mục tiêu {tx.percent(fig.target, 0)}."
        )
        _style(note.text_frame.paragraphs[0], 13, color=GREY)

    def trend_slide(self) -> None:
        fig = self.fig
        days = fig.trend_days
        slide, top = self.content_slide("Lượt qua chốt 7 ngày")
        data = CategoryChartData(number_format=VI_COUNT)
        data.categories = [tx.short_date(d.day) for d in days]
        for i, row in enumerate(fig.checkpoints):
            data.add_series(row.name, [d.by_checkpoint[i] for d in days])
        data.add_series("Tổng cộng", [d.crossings for d in days])
        chart = self.chart(slide, XL_CHART_TYPE.LINE_MARKERS, data, top)
        for i, series in enumerate(chart.plots[0].series):
            last = i == len(fig.checkpoints)
            series.format.line.color.rgb = NAVY if last else PALETTE[i % len(PALETTE)]
            series.format.line.width = Pt(3.5 if last else 2.25)
            series.smooth = False
            if last:
                labels = series.data_labels
                labels.number_format = VI_COUNT
                labels.number_format_is_linked = False
                labels.show_value = True
                labels.position = XL_LABEL_POSITION.ABOVE
                labels.font.size = Pt(13)
                labels.font.bold = True

    def high_risk_slide(self) -> None:
        fig = self.fig
        slide, top = self.content_slide(f"Nguy cơ cao: {tx.number(fig.total.high_risk)} lượt — theo lý do và chốt")
        data = CategoryChartData(number_format=VI_COUNT)
        data.categories = [r.name for r in fig.checkpoints]
        for i, name in enumerate(tx.REASON_NAMES):
            data.add_series(name, [r.reasons[i] for r in fig.checkpoints])
        chart = self.chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, data, top, height=Inches(4.9))
        self.bar_colours(chart, (RED, PALETTE[1], PALETTE[5]))
        self.count_labels(chart)
        note = slide.shapes.add_textbox(MARGIN, self.height - Inches(1.1), self.width - 2 * MARGIN, Inches(0.6))
        note.text_frame.word_wrap = True
        note.text_frame.text = "Một người có thể có nhiều lý do nguy cơ cao; tổng theo lý do có thể lớn hơn số người."
        _style(note.text_frame.paragraphs[0], 13, color=GREY)

    def adoption_slide(self) -> None:
        fig = self.fig
        slide, top = self.content_slide(f"Ứng dụng CNTT so với mục tiêu {tx.percent(fig.target, 0)}")
        rows = [r for r in (*fig.checkpoints, fig.total) if r.crossings]
        data = CategoryChartData(number_format="0%")
        data.categories = [r.name for r in rows]
        data.add_series("Khai báo điện tử", [round(r.electronic_share or 0.0, 4) for r in rows])
        data.add_series("Cài Bluezone", [round(r.bluezone_share or 0.0, 4) for r in rows])
        data.add_series(f"Mục tiêu {tx.percent(fig.target, 0)}", [fig.target for _ in rows])
        chart = self.chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, data, top, height=Inches(4.9))
        axis = chart.value_axis
        axis.maximum_scale, axis.minimum_scale = 1.0, 0.0
        axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "0%", False
        self.bar_colours(chart, (PALETTE[0], PALETTE[2], RED))
        plot = chart.plots[0]
        for series, shares in zip(
            list(plot.series)[:2], ([r.electronic_share for r in rows], [r.bluezone_share for r in rows])
        ):
            for point, share in zip(series.points, shares):
                label = point.data_label
                label.position = XL_LABEL_POSITION.OUTSIDE_END
                label.text_frame.text = tx.percent(share)
                _style(label.text_frame.paragraphs[0], 12)
        _target_as_line(chart)
        line = chart.plots[1].series[0].format.line
        line.color.rgb, line.width = RED, Pt(2.5)
        t = fig.total
        note = slide.shapes.add_textbox(MARGIN, self.height - Inches(1.1), self.width - 2 * MARGIN, Inches(0.6))
        note.text_frame.word_wrap = True
        note.text_frame.text = (
            f"Wi-Fi miễn phí: {tx.number(t.free_wifi)} khai báo qua Wi-Fi tại chốt "
            f"({tx.percent(t.wifi_share)} số khai báo điện tử tại các chốt có Wi-Fi)."
        )
        _style(note.text_frame.paragraphs[0], 14, color=GREY)

    def origins_slide(self) -> None:
        fig = self.fig
        slide, top = self.content_slide("Nơi đi của người nguy cơ cao")
        shown = fig.origins[:10]
        chart_width = self.width - 2 * MARGIN - (Inches(4.2) if fig.hot_zones else 0)
        if shown:
            data = CategoryChartData(number_format=VI_COUNT)
            data.categories = [o.province for o in shown]
            data.add_series("Lượt nguy cơ cao", [o.high_risk for o in shown])
            chart = self.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, top, width=chart_width, legend=False)
            chart.category_axis.reverse_order = True  # the most first, at the top
            self.bar_colours(chart, (RED,))
            self.count_labels(chart)
        else:
            box = slide.shapes.add_textbox(MARGIN, top + Inches(1), chart_width, Inches(1))
            box.text_frame.text = "Không có lượt nguy cơ cao trong ngày."
            _style(box.text_frame.paragraphs[0], 24, color=GREY)
        if fig.hot_zones:
            box = slide.shapes.add_textbox(
                self.width - MARGIN - Inches(4.0), top + Inches(0.2), Inches(4.0), Inches(4.8)
            )
            frame = box.text_frame
            frame.word_wrap = True
            zones = [
                f"• {tx.clip(z.province + (' / ' + z.district if z.district else ''), 40)}: {tx.clip(z.label, 40)}"
                for z in fig.hot_zones[:8]
            ]
            if len(fig.hot_zones) > 8:
                zones.append(f"… và {len(fig.hot_zones) - 8} vùng khác")
            frame.text = "\n".join([f"Vùng dịch áp dụng ngày {tx.short_date(fig.day)}:", *zones])
            for i, para in enumerate(frame.paragraphs):
                _style(para, 16 if i == 0 else 14, bold=i == 0, color=NAVY if i == 0 else GREY)

    def quality_slide(self) -> None:
        slide, top = self.content_slide("Chất lượng dữ liệu")
        notes = tx.quality_notes(self.fig)
        shown = notes[:8] + ([f"… và {len(notes) - 8} ghi chú khác (xem bảng tính)."] if len(notes) > 8 else [])
        box = slide.shapes.add_textbox(MARGIN, top + Inches(0.2), self.width - 2 * MARGIN, self.height - top - MARGIN)
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = "\n".join(f"• {note}" for note in shown)
        for para in frame.paragraphs:
            _style(para, 18, color=GREY)
            para.space_after = Pt(8)

    # --- parts ----------------------------------------------------------------------------------

    def content_slide(self, title: str):
        """A slide with ``title``; returns it and the top of the space below the title."""
        layout = _layout(self.prs, ("Title Only",), 5)
        slide = self.prs.slides.add_slide(layout)
        shape = slide.shapes.title
        if shape is None:
            shape = slide.shapes.add_textbox(MARGIN, Inches(0.25), self.width - 2 * MARGIN, Inches(0.9))
        elif not self.templated:
            shape.left, shape.top, shape.width, shape.height = (
                MARGIN,
                Inches(0.25),
                self.width - 2 * MARGIN,
                Inches(0.9),
            )
        shape.text_frame.text = title
        shape.text_frame.word_wrap = True
        para = shape.text_frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        _style(para, 30, bold=True, color=None if self.templated else NAVY)
        footer = slide.shapes.add_textbox(MARGIN, self.height - Inches(0.45), self.width - 2 * MARGIN, Inches(0.35))
        footer.text_frame.text = f"{tx.TEAM} · Báo cáo ngày {tx.date(self.fig.day)}"
        _style(footer.text_frame.paragraphs[0], 11, color=GREY)
        footer.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
        return slide, int(shape.top or 0) + int(shape.height or 0)

    def chart(self, slide, kind, data, top: int, *, width: int | None = None, height=None, legend: bool = True):
        height = height or self.height - top - Inches(0.7)
        frame = slide.shapes.add_chart(kind, MARGIN, top + Inches(0.1), width or self.width - 2 * MARGIN, height, data)
        chart = frame.chart
        chart.font.size = Pt(14)
        chart.has_legend = legend
        if legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        axis = chart.value_axis
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
        axis.tick_labels.number_format = data.number_format
        axis.tick_labels.number_format_is_linked = False
        return chart

    def bar_colours(self, chart, colours: Sequence[RGBColor]) -> None:
        for series, colour in zip(chart.plots[0].series, colours):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour

    def count_labels(self, chart) -> None:
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format, labels.number_format_is_linked = VI_COUNT, False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(13)

    def table(self, slide, top: int, headers, rows, widths, *, bold_last: bool = False) -> None:
        height = Inches(0.5) * (len(rows) + 1)
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), MARGIN, top, self.width - 2 * MARGIN, height)
        table = shape.table
        scale = (self.width - 2 * MARGIN) / Inches(sum(widths))
        for i, w in enumerate(widths):
            table.columns[i].width = Emu(int(Inches(w) * scale))
        for r, values in enumerate([headers, *rows]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = str(value)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                para = cell.text_frame.paragraphs[0]
                para.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT
                header = r == 0
                _style(para, 15 if header else 16, bold=header or (bold_last and r == len(rows)))
                if header:
                    para.runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = NAVY


def _checkpoint_cells(r) -> list[str]:
    return [
        r.name,
        tx.number(r.crossings_in),
        tx.number(r.crossings_out),
        tx.number(r.crossings),
        tx.number(r.previous),
        "—" if r.mean_7d is None else tx.number(r.mean_7d),
        tx.number(r.high_risk),
        tx.percent(r.electronic_share),
        tx.percent(r.bluezone_share),
    ]


def _points_line(now: float | None, before: float | None) -> str:
    moved = tx.points(now, before)
    if not moved:
        return "ngày trước: không có số liệu"
    return "không đổi so với ngày trước" if moved.startswith("0 ") else f"{moved} so với ngày trước"


def _style(para, size: int, *, bold: bool = False, color: RGBColor | None = None) -> None:
    """Font size, weight and colour of every run of a paragraph."""
    runs = para.runs or [para.add_run()]
    for run in runs:
        run.font.size = Pt(size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color


def _layout(prs, names: Sequence[str], fallback: int):
    """The template's layout of one of ``names``, else the ``fallback``-th (or the last) one."""
    for layout in prs.slide_layouts:
        if layout.name in names:
            return layout
    layouts = list(prs.slide_layouts)
    return layouts[min(fallback, len(layouts) - 1)]


def _drop_slides(prs) -> None:
    """Remove the slides a template comes with (its layouts and theme stay)."""
    ids = prs.slides._sldIdLst
    for slide_id in list(ids):
        prs.part.drop_rel(slide_id.rId)
        ids.remove(slide_id)


def _target_as_line(chart) -> None:
    """Turn the bar chart's last series (the target) into a line over the bars, on the same axes:
    python-pptx draws one chart type per chart, PowerPoint allows a bar and a line plot together."""
    plot_area = chart._chartSpace.chart.plotArea
    bar = plot_area.find(qn("c:barChart"))
    ser = bar.findall(qn("c:ser"))[-1]
    bar.remove(ser)
    # A line series has no bar-only children; it has a marker (after spPr) and ends with smooth.
    for tag in ("c:invertIfNegative", "c:pictureOptions", "c:shape", "c:dLbls"):
        for el in ser.findall(qn(tag)):
            ser.remove(el)
    marker = parse_xml(f'<c:marker {nsdecls("c")}><c:symbol val="none"/></c:marker>')
    anchor = ser.find(qn("c:spPr"))
    (anchor if anchor is not None else ser.find(qn("c:tx"))).addnext(marker)
    smooth = OxmlElement("c:smooth")
    smooth.set("val", "0")
    ser.append(smooth)
    line = parse_xml(f'<c:lineChart {nsdecls("c")}><c:grouping val="standard"/><c:varyColors val="0"/></c:lineChart>')
    line.append(ser)
    marker_flag = OxmlElement("c:marker")
    marker_flag.set("val", "1")
    line.append(marker_flag)
    for ax in bar.findall(qn("c:axId")):
        el = OxmlElement("c:axId")
        el.set("val", ax.get("val"))
        line.append(el)
    bar.addnext(line)
