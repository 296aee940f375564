"""The written report (Word), in the national format of administrative documents (Decree
30/2020/NĐ-CP): issuing body and national title side by side, number and date line, title, the
sentences written from the figures, a table by checkpoint, recipients and signature. Times New
Roman, A4 with margins 2 cm top and bottom, 3 cm left, 2 cm right."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from data_access.timeutil import local_today

from . import text as tx
from .figures import BriefingFigures

FONT = "Times New Roman"
BODY_PT = 14
TEXT_WIDTH_CM = 16.0  # 21 cm less the 3 cm and 2 cm margins

RECIPIENTS = ("- Ban Chỉ đạo tỉnh;", "- Lãnh đạo Sở;", "- Lưu: VT, TCNTT.")


def docx_bytes(fig: BriefingFigures) -> bytes:
    """The report of ``fig`` as .docx bytes, dated the local day it is made."""
    doc = Document()
    _page(doc)
    _header(doc, fig)
    _title(doc, fig)
    _body(doc, fig)
    _signature(doc)
    doc.core_properties.title = f"Báo cáo ngày {tx.date(fig.day)}"
    doc.core_properties.author = tx.TEAM
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    # Word takes the font of East Asian and complex scripts from their own attributes.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


def _para(container, text: str = "", *, size: int = BODY_PT, bold=False, italic=False, underline=False, align=None):
    """A paragraph of one run (``container`` is the document or a table cell)."""
    para = container.add_paragraph()
    if text:
        run = para.add_run(text)
        run.font.size = Pt(size)
        run.font.name = FONT
        run.bold, run.italic, run.underline = bold, italic, underline
    if align is not None:
        para.alignment = align
    return para


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _two_columns(doc, rows: int, widths_cm: Sequence[float]):
    table = doc.add_table(rows=rows, cols=2)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    return table


def _cell_lines(cell, lines) -> None:
    """Write ``lines`` (text, size, bold, italic, underline) into ``cell``, centred."""
    first = cell.paragraphs[0]
    for i, (text, size, bold, italic, underline) in enumerate(lines):
        para = first if i == 0 else cell.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(text)
        run.font.size, run.font.name = Pt(size), FONT
        run.bold, run.italic, run.underline = bold, italic, underline


def _header(doc, fig: BriefingFigures) -> None:
    table = _two_columns(doc, 2, (6.5, TEXT_WIDTH_CM - 6.5))
    _cell_lines(
        table.cell(0, 0),
        [
            ("UBND TỈNH THÁI BÌNH", 12, False, False, False),
            ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", 12, False, False, False),
            ("TỔ CNTT PHÒNG, CHỐNG DỊCH COVID-19", 12, True, False, False),
        ],
    )
    _cell_lines(
        table.cell(0, 1),
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False, False),
            ("Độc lập - Tự do - Hạnh phúc", 13, True, False, True),
        ],
    )
    _cell_lines(table.cell(1, 0), [("Số: …/BC-TCNTT", 13, False, False, False)])
    made = local_today(fig.made_at)
    _cell_lines(table.cell(1, 1), [(tx.date_line(made), 14, False, True, False)])
    for cell in table.rows[1].cells:
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def _title(doc, fig: BriefingFigures) -> None:
    _para(doc)
    _para(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{tx.TITLE} ngày {tx.date(fig.day)}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if not fig.complete:
        _para(
            doc,
            f"(số liệu tính đến {tx.cutoff(fig)}, ngày chưa kết thúc)",
            italic=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    _para(doc, "—————", align=WD_ALIGN_PARAGRAPH.CENTER)


def _text(doc, text: str, *, bold: bool = False) -> None:
    """A body paragraph: justified, first line indented, 6 pt after."""
    para = _para(doc, text, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para.paragraph_format.first_line_indent = Cm(1)
    para.paragraph_format.space_after = Pt(6)
    para.paragraph_format.line_spacing = 1.15


def _body(doc, fig: BriefingFigures) -> None:
    _text(
        doc,
        f"Tổ CNTT phòng, chống dịch Covid-19 báo cáo tình hình khai báo y tế tại các chốt kiểm soát ra, vào "
        f"tỉnh ngày {tx.date(fig.day)} như sau:",
    )
    _text(doc, "1. Lượt người qua chốt", bold=True)
    _text(doc, tx.crossings_sentence(fig))
    if fig.has_data:
        busiest = tx.busiest_sentence(fig)
        if busiest:
            _text(doc, busiest)
        _checkpoint_table(doc, fig)
        _text(doc, "2. Người thuộc diện nguy cơ cao", bold=True)
        _text(doc, tx.high_risk_sentence(fig))
        _text(doc, "3. Ứng dụng công nghệ thông tin trong khai báo y tế", bold=True)
        _text(doc, tx.adoption_sentence(fig))
        quality_heading = "4. Chất lượng dữ liệu"
    else:
        quality_heading = "2. Chất lượng dữ liệu"
    _text(doc, quality_heading, bold=True)
    for note in tx.quality_notes(fig):
        _text(doc, f"- {note}")
    _text(doc, "Tổ CNTT phòng, chống dịch Covid-19 kính báo cáo./.")


def _checkpoint_table(doc, fig: BriefingFigures) -> None:
    headers = ("Chốt", "Vào", "Ra", "Tổng", "Ngày trước", "Nguy cơ cao", "KB điện tử")
    widths = (4.0, 1.8, 1.8, 2.0, 2.2, 2.0, 2.2)
    rows = [
        (
            r.name,
            tx.number(r.crossings_in),
            tx.number(r.crossings_out),
            tx.number(r.crossings),
            tx.number(r.previous),
            tx.number(r.high_risk),
            tx.percent(r.electronic_share),
        )
        for r in (*fig.checkpoints, fig.total)
    ]
    table = doc.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for r, values in enumerate([headers, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Cm(widths[c])
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 0 and r else WD_ALIGN_PARAGRAPH.CENTER
            if c and r:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = para.add_run(str(value))
            run.font.size, run.font.name = Pt(13), FONT
            run.bold = r == 0 or r == len(rows)
    _para(doc).paragraph_format.space_after = Pt(6)


def _signature(doc) -> None:
    _para(doc)
    table = _two_columns(doc, 1, (8.0, TEXT_WIDTH_CM - 8.0))
    left, right = table.cell(0, 0), table.cell(0, 1)
    first = left.paragraphs[0]
    run = first.add_run("Nơi nhận:")
    run.font.size, run.font.name, run.bold, run.italic = Pt(12), FONT, True, True
    for line in RECIPIENTS:
        para = left.add_paragraph()
        r = para.add_run(line)
        r.font.size, r.font.name = Pt(11), FONT
    _cell_lines(right, [("TỔ TRƯỞNG", 14, True, False, False)])
