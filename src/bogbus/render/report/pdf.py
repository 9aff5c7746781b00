"""`report.pdf`: the board's report on A4 (fpdf2, the embedded DejaVu font of the posters).

Page 1: key figures and what they mean against the goal; then the per-quarter tables,
the charts and the map thumbnail(s). The same rows as the HTML (`reporttext`), the same
PNGs (`reportcharts`).
"""

from __future__ import annotations

import io

from fpdf import FontFace, XPos, YPos

from ..pdfdoc import A4PDF, FONT, MARGIN, PAGE_H, PAGE_W
from ..style import ACCENT_RGB
from .layout import key_blocks
from .text import (
    METHOD_NOTES,
    collection_paragraphs,
    goal_paragraphs,
    quarter_header,
    quarter_rows,
    subtitle,
    title,
)

WIDTH = PAGE_W - 2 * MARGIN


def _heading(pdf: A4PDF, text: str, need: float = 30) -> None:
    if pdf.get_y() + need > PAGE_H - 18:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(*ACCENT_RGB)
    pdf.cell(WIDTH, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)


def _para(pdf: A4PDF, text: str, size: float = 10) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_x(MARGIN)
    pdf.multi_cell(WIDTH, size * 0.3528 * 1.4, text, align="L", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)


def text_table(pdf: A4PDF, head: list[str], rows: list[list[str]], widths: tuple[float, ...],
           size: float = 9, total_last: bool = False, width: float = WIDTH) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_fill_color(242, 246, 247)
    pdf.set_draw_color(190, 190, 190)
    head_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT_RGB)
    with pdf.table(col_widths=widths, width=width, align="LEFT", text_align=("LEFT",) +
                   ("RIGHT",) * (len(head) - 1), headings_style=head_style,
                   line_height=size * 0.3528 * 1.45, cell_fill_color=(242, 246, 247),
                   cell_fill_mode="ROWS", borders_layout="HORIZONTAL_LINES",
                   first_row_as_headings=True) as table:
        table.row(head)
        for i, r in enumerate(rows):
            bold = total_last and i == len(rows) - 1
            table.row(r, style=FontFace(emphasis="BOLD") if bold else None)


def _image(pdf: A4PDF, png: bytes, width: float) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
    height = width * h / w
    if height > PAGE_H - 40:  # a chart of many scenarios: shrunk to one page
        width, height = width * (PAGE_H - 40) / height, PAGE_H - 40
    if pdf.get_y() + height > PAGE_H - 16:
        pdf.add_page()
    x = MARGIN + (WIDTH - width) / 2
    pdf.image(io.BytesIO(png), x=x, y=pdf.get_y(), w=width, h=height)
    pdf.set_y(pdf.get_y() + height + 3)


def report_pdf(doc: dict, charts: dict[str, bytes]) -> bytes:
    """The report PDF for `doc` (report.json) with `charts` (file name → PNG)."""
    groups = doc["groups"]
    pdf = A4PDF(title=title(doc), footer_text=title(doc))
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_fill_color(*ACCENT_RGB)
    pdf.rect(0, 0, PAGE_W, 30, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, "B", 20)
    pdf.set_xy(MARGIN, 6)
    pdf.cell(WIDTH, 10, title(doc), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    pdf.cell(WIDTH, 7, subtitle(doc), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(34)

    for i, (caption, head, rows) in enumerate(key_blocks(doc)):
        _heading(pdf, "Nøgletal" + (f", {caption}" if caption else ""),
                 need=30 if i == 0 else 12 + 5 * len(rows))
        first = 96.0 if len(head) <= 3 else 70.0
        rest = min(45.0, (WIDTH - first) / (len(head) - 1))
        text_table(pdf, head, rows, (first, *([rest] * (len(head) - 1))),
                   width=first + rest * (len(head) - 1))
    pdf.ln(2)
    for p in (*goal_paragraphs(doc), *collection_paragraphs(doc)):
        _para(pdf, p, 10)
        pdf.ln(1)

    for g in groups:
        _heading(pdf, "Pr. kvartal" + (f": {g['label']}" if len(groups) > 1 else ""),
                 need=12 + 6 * (len(g["plans"]) + 2))
        text_table(pdf, quarter_header(), quarter_rows(g),
               (30, 16, 18, 20, 22, 20, 18, 18, 20), size=7.5, total_last=True)

    _heading(pdf, "Diagrammer", need=75)
    _image(pdf, charts["boern.png"], 0.85 * WIDTH)  # fits under the tables on page 1
    for name in ("kvartaler.png", "ugedage.png", "typer.png"):
        _image(pdf, charts[name], 0.92 * WIDTH)

    maps = [png for name, png in sorted(charts.items()) if name.startswith("kort-")]
    _heading(pdf, "Kort over holdepladser, institutioner og ruter", need=120)
    for png in maps:
        _image(pdf, png, WIDTH)

    _heading(pdf, "Sådan er tallene regnet", need=40)
    for note in METHOD_NOTES:
        _para(pdf, f"• {note}", 8.5)
    return bytes(pdf.output())
