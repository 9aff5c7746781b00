"""The A4 PDF building blocks every Danish PDF of bogbus shares: the document (DejaVu
Sans embedded, margins, Danish metadata, page footer), a wrapped text line, a table in
the house style, and the no-break rule for dates in table cells.

Posters and the køreplan (render/pdf.py), letters, notices, packing pages and the
board's report all draw with these, so a change of font, margin or table style is made
once. Public names: the modules that use them are not reaching into another's privates.
"""

from __future__ import annotations

import logging
import re
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


CELL_PAD = 1.5  # mm left and right inside a table cell


def _unbreakable(pdf: FPDF, text: str, style: str = "") -> float:
    """Width of the widest piece of `text` a table cell may not break: words between
    ordinary spaces and line breaks (a no-break space keeps "ons. 10. nov." whole)."""
    pdf.set_font(FONT, style, pdf.font_size_pt)
    return max((pdf.get_string_width(w) for w in re.split(r"[ \n]+", text) if w), default=0.0)


def fit_widths(pdf: FPDF, headings: list[str], rows: list[list[str]],
               widths: Sequence[float], total: float) -> list[float] | None:
    """Column widths near `widths` (scaled to `total`) in which no word has to be split:
    a column narrower than its widest word grows, and the columns with room to spare
    give it up in proportion. None when the words cannot all fit at this type size."""
    scale = total / sum(widths)
    want = [w * scale for w in widths]
    need = []
    for j in range(len(want)):
        word = max([_unbreakable(pdf, headings[j], "B")]
                   + [_unbreakable(pdf, r[j]) for r in rows if j < len(r)])
        need.append(word + 2 * CELL_PAD + 2 * pdf.c_margin + 0.6)
    if sum(need) > total:
        return None
    out = [max(w, n) for w, n in zip(want, need, strict=True)]
    excess = sum(out) - total
    while excess > 1e-6:
        slack = [o - n for o, n in zip(out, need, strict=True)]
        room = sum(slack)
        out = [o - excess * sl / room for o, sl in zip(out, slack, strict=True)]
        excess = sum(out) - total
    return out


def text_table(pdf: FPDF, headings: list[str], rows: list[list[str]],
               widths: Sequence[float]) -> None:
    """A table in the house style (accent headings, light rows, horizontal rules) whose
    columns are widened where a word would otherwise be cut in two ("novemb|er"); the
    type gets smaller only if that is not enough."""
    heading_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT_RGB)
    total = PAGE_W - 2 * MARGIN
    size = 10.0
    pdf.set_font(FONT, "", size)
    fitted = fit_widths(pdf, headings, rows, widths, total)
    while fitted is None and size > 6:
        size -= 0.5
        pdf.set_font(FONT, "", size)
        fitted = fit_widths(pdf, headings, rows, widths, total)
    pdf.set_font(FONT, "", size)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_fill_color(242, 246, 247)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=fitted or list(widths),
        text_align="LEFT",
        v_align="TOP",
        headings_style=heading_style,
        line_height=5.2 * size / 10,
        padding=(1.2, CELL_PAD),
        borders_layout="HORIZONTAL_LINES",
        cell_fill_color=(242, 246, 247),
        cell_fill_mode="ROWS",
        width=total,
    ) as table:
        head = table.row()
        for h in headings:
            head.cell(h)
        for r in rows:
            row = table.row()
            for text in r:
                row.cell(text)
    pdf.set_font(FONT, "", 10)
    pdf.ln(5)
