"""The A4 PDF building blocks every Danish PDF of bogbus shares: the document (DejaVu
Sans embedded, margins, Danish metadata, page footer), a wrapped text line, a table in
the house style, and the no-break rule for dates in table cells.

Posters and the køreplan (render/pdf.py), letters, notices, packing pages and the
board's report all draw with these, so a change of font, margin or table style is made
once. Public names: the modules that use them are not reaching into another's privates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace, XPos, YPos

from .danish import EN_DASH
from .style import ACCENT_RGB

FONT_DIR = Path(__file__).parent / "assets" / "fonts"
FONT = "DejaVu"
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 14.0
PT = 0.3528  # mm per point
NBSP = "\u00a0"

# fpdf2 logs one warning per glyph a font lacks (e.g. emoji in a hostile name); the
# character is then simply not drawn, which is what we want.
logging.getLogger("fpdf").setLevel(logging.ERROR)


class A4PDF(FPDF):
    """An A4 portrait document in Danish with DejaVu Sans and an optional page footer."""

    def __init__(self, title: str, footer_text: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_title(title)
        self.set_author("bogbus")
        self.set_creator("bogbus")
        self.set_lang("da")
        self._footer_text = footer_text
        self.set_font(FONT, "", 11)

    def footer(self) -> None:  # fpdf2 hook
        if not self._footer_text:
            return
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self._footer_text} {EN_DASH} side {self.page_no()} af {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def text_line(
    pdf: FPDF,
    text: str,
    size: float,
    style: str = "",
    h: float | None = None,
    align: str = "L",
    colour: tuple[int, int, int] = (0, 0, 0),
) -> None:
    """Text wrapped to the text width, then the cursor on the next line at the margin."""
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.set_x(MARGIN)
    pdf.multi_cell(
        PAGE_W - 2 * MARGIN,
        h or size * PT * 1.25,
        text,
        align=align,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)


def no_break(text: str) -> str:
    """Keep a date like "2. mar." on one line when a table cell wraps."""
    return text.replace(" ", NBSP)


def text_table(pdf: FPDF, headings: list[str], rows: list[list[str]],
               widths: Sequence[float]) -> None:
    """A table in the house style: accent headings, light rows, horizontal rules."""
    heading_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT_RGB)
    pdf.set_font(FONT, "", 10)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_fill_color(242, 246, 247)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        v_align="TOP",
        headings_style=heading_style,
        line_height=5.2,
        padding=(1.2, 1.5),
        borders_layout="HORIZONTAL_LINES",
        cell_fill_color=(242, 246, 247),
        cell_fill_mode="ROWS",
        width=PAGE_W - 2 * MARGIN,
    ) as table:
        head = table.row()
        for h in headings:
            head.cell(h)
        for r in rows:
            row = table.row()
            for text in r:
                row.cell(text)
    pdf.ln(5)

