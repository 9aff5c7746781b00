"""A4 PDFs in Danish: one poster per public stop and the full køreplan.

Made with fpdf2 and an embedded DejaVu Sans (shipped in `assets/fonts/`), so æøå and
any other text in a site name print and extract as text. Site names are drawn as plain
text (never interpreted as markup).
"""

from __future__ import annotations

from collections.abc import Callable

from fpdf import FPDF, XPos, YPos
from fpdf.enums import MethodReturnValue

from .danish import (
    EN_DASH,
    capitalise,
    date_long,
    date_range,
    date_short,
    day_time,
    kind_name,
    pattern_words,
    period_text,
    quarter_text,
    time_range,
    weekday_name,
)
from .pdfdoc import A4PDF, FONT, MARGIN, PAGE_H, PAGE_W, PT, no_break, text_line, text_table
from .planview import PlanView, StopEntry, clean_text, is_date
from .style import ACCENT_RGB, WEEKDAY_COLOURS, hex_rgb
from .waterview import WATER_HEADING, WATER_NOTE, water_legs

# the old private names, kept for callers on other branches (use render/pdfdoc.py)
_PDF, _line, _nb, _table = A4PDF, text_line, no_break, text_table


def _fit_size(
    pdf: FPDF, text: str, width: float, start: float, smallest: float, style: str = "B"
) -> float:
    size = start
    while size > smallest:
        pdf.set_font(FONT, style, size)
        if pdf.get_string_width(text) <= width:
            return size
        size -= 1
    pdf.set_font(FONT, style, smallest)
    return smallest


def _lines_needed(pdf: FPDF, text: str, width: float, size: float, style: str = "") -> int:
    pdf.set_font(FONT, style, size)
    lines = pdf.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES)
    assert isinstance(lines, list)  # output=LINES: the wrapped lines
    return max(1, len(lines))


# ---------------------------------------------------------------------------- posters
def _poster_footer(pdf: FPDF, v: PlanView) -> float:
    """Draw the footer at the bottom of the page; return its top y."""
    width = PAGE_W - 2 * MARGIN
    contact_lines = _lines_needed(pdf, v.contact, width, 14) if v.contact else 0
    h = 2 + 7.5 + contact_lines * 6.5 + 6
    top = PAGE_H - MARGIN - h
    pdf.set_draw_color(*ACCENT_RGB)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, top, PAGE_W - MARGIN, top)
    pdf.set_y(top + 2)
    text_line(pdf, v.library_name, 15, "B", h=7.5)
    if v.contact:
        text_line(pdf, v.contact, 14, h=6.5)
    text_line(
        pdf,
        f"Gælder {period_text(v.period_start, v.period_end)}. Ret til ændringer forbeholdes.",
        10,
        h=5,
        colour=(90, 90, 90),
    )
    return top


def _poster_entry(pdf: FPDF, v: PlanView, e: StopEntry, s: float) -> None:
    width = PAGE_W - 2 * MARGIN
    colour = hex_rgb(WEEKDAY_COLOURS.get(e.weekday, "#333333"))
    # weekday + time: the line citizens read from two metres
    text = day_time(e.weekday, e.arrival, e.departure)
    size = _fit_size(pdf, text, width - 6, 46 * s, 24 * s)
    h = size * PT * 1.35
    y = pdf.get_y()
    pdf.set_fill_color(*colour)
    pdf.rect(MARGIN, y, 3.0, h + 14 * s + 2, style="F")
    pdf.set_xy(MARGIN + 6, y)
    pdf.cell(width - 6, h, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pattern = capitalise(pattern_words(e.every_weeks, e.week_parity))
    if e.vehicle and v.multi_vehicle:
        pattern += f" ({e.vehicle})"
    pdf.set_font(FONT, "", 34 * s)
    pdf.set_x(MARGIN + 6)
    pdf.cell(width - 6, 14 * s, pattern, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5 * s)

    # every date of the quarter
    text_line(pdf, f"Datoer i {quarter_text(v.quarter) or 'perioden'}:", 22 * s, "B")
    pdf.ln(1 * s)
    dates = list(e.dates)
    if dates:
        _date_grid(pdf, dates, width, 28 * s)
    else:
        text_line(pdf, "Ingen datoer i perioden.", 28 * s)
    pdf.ln(4 * s)

    if e.skipped:
        text_line(pdf, "Bussen kommer ikke:", 22 * s, "B")
        for a, b, reason in e.skipped_ranges():
            text_line(pdf, f"{date_range(a, b)}: {reason}" if reason else date_range(a, b),
                      22 * s)
        pdf.ln(4 * s)


def _date_grid(pdf: FPDF, dates: list[str], width: float, size: float) -> None:
    """The dates in columns read down, then across: three columns when there are more
    than six dates, each as wide as the longest date at a type size that fits it (the
    longest month names, "30. september", and a quarter's 14 dates fit), so no date
    runs into the next column."""
    texts = [date_long(d) for d in dates]
    gap = 4.0
    cols = 3 if len(texts) > 6 else 2
    pdf.set_font(FONT, "", size)
    widest = max(pdf.get_string_width(t) for t in texts)
    if widest > width / cols - gap:  # shrink the type so the widest date fits its column
        size = size * (width / cols - gap) / widest
        pdf.set_font(FONT, "", size)
    rows = -(-len(texts) // cols)
    col_w = width / cols
    row_h = size * PT * 1.4
    y0 = pdf.get_y()
    for i, text in enumerate(texts):
        c, r = divmod(i, rows)
        pdf.set_xy(MARGIN + c * col_w, y0 + r * row_h)
        pdf.cell(col_w - gap, row_h, text)
    pdf.set_xy(MARGIN, y0 + rows * row_h)


def _draw_poster(v: PlanView, site_id: str, s: float) -> tuple[FPDF, bool]:
    name = v.name(site_id)
    pdf = A4PDF(title=f"Bogbussen – {name}")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = PAGE_W - 2 * MARGIN

    footer_top = _poster_footer(pdf, v)

    # top band
    pdf.set_fill_color(*ACCENT_RGB)
    pdf.rect(0, 0, PAGE_W, 26, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, "B", 30)
    pdf.set_xy(MARGIN, 5)
    pdf.cell(width, 16, v.poster_band(site_id))
    pdf.set_text_color(0, 0, 0)

    # stop name: as large as fits on one line, else wrapped
    pdf.set_y(34)
    size = _fit_size(pdf, name, width, 60 * s, 36 * s)
    text_line(pdf, name, size, "B", h=size * PT * 1.2)
    address = v.address(site_id)
    if address:
        text_line(pdf, address, 16 * s, colour=(70, 70, 70))
    pdf.ln(7 * s)

    entries = v.entries_for(site_id)
    if entries:
        for e in entries:
            _poster_entry(pdf, v, e, s)
    else:
        text_line(
            pdf,
            f"Bogbussen kommer ikke her i {quarter_text(v.quarter) or 'perioden'}.",
            28 * s,
            "B",
        )
        elsewhere = v.nearest_served_text(site_id)  # public: never the planner's reason
        if elsewhere:
            pdf.ln(3 * s)
            text_line(pdf, elsewhere, 22 * s)
    return pdf, pdf.get_y() <= footer_top - 2


def poster_pdf(v: PlanView, site_id: str) -> bytes:
    """One A4 poster for a public stop; shrinks its type until everything fits one page."""
    pdf: FPDF | None = None
    for s in (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62, 0.57, 0.52, 0.47, 0.42, 0.38, 0.34, 0.3):
        pdf, fits = _draw_poster(v, site_id, s)
        if fits:
            break
    assert pdf is not None  # the loop runs at least once
    return bytes(pdf.output())


# ---------------------------------------------------------------------------- køreplan
def _heading(
    pdf: FPDF, text: str, size: float, colour: tuple[int, int, int] | None = None, room: float = 40
) -> None:
    if pdf.get_y() > PAGE_H - MARGIN - room:
        pdf.add_page()
    if colour:
        y = pdf.get_y()
        pdf.set_fill_color(*colour)
        pdf.rect(MARGIN, y + 1, 2.5, size * PT * 1.1, style="F")
        pdf.set_x(MARGIN + 5)
    pdf.set_font(FONT, "B", size)
    pdf.cell(0, size * PT * 1.4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)


def _dates_line(dates: tuple[str, ...] | list[str]) -> str:
    return ", ".join(no_break(date_short(d)) for d in dates)


def _skipped_line(e: StopEntry) -> str:
    """The dates a stop's bus does not come, runs of one closure on one line."""
    return "\n".join(f"{no_break(date_range(a, b, short=True))}: {r}" if r
                     else no_break(date_range(a, b, short=True))
                     for a, b, r in e.skipped_ranges())


def koereplan_pdf(v: PlanView, staff: bool = False,
                  extra_pages: Callable[[FPDF], None] | None = None) -> bytes:
    """The køreplan: public stops by weekday. `staff=True` adds the dated outreach visits
    and what could not be planned, then `extra_pages` (the packing pages) draws its pages
    (never shown to citizens)."""
    quarter = quarter_text(v.quarter)
    title = "Bogbussens køreplan" + (" – personale" if staff else "")
    pdf = A4PDF(
        title=f"{title} {quarter}".strip(),
        footer_text=f"{title} {quarter} {EN_DASH} {v.library_name}",
    )
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages()
    pdf.add_page()

    text_line(pdf, title, 26, "B")
    text_line(
        pdf,
        f"{capitalise(quarter) + ': ' if quarter else ''}"
        f"{period_text(v.period_start, v.period_end)}",
        14,
    )
    text_line(pdf, v.library_name, 12, "B")
    if v.contact:
        text_line(pdf, v.contact, 11)
    pdf.ln(3)
    closed = [
        f"{date_long(a)}: {why}" if a == b else f"{date_long(a)} {EN_DASH} {date_long(b)}: {why}"
        for a, b, why in v.closed_days(staff=staff)
    ]
    if closed:
        text_line(pdf, "Bussen kører ikke: " + "; ".join(closed) + ".", 10)
    if staff and v.scenario:  # the data set's name: for staff, not for citizens
        text_line(pdf, f"Scenarie: {v.scenario}", 8, colour=(110, 110, 110))
    pdf.ln(4)

    multi = v.multi_vehicle
    headings = ["Tid", "Holdeplads", "Hvornår", "Kommer ikke"] + (["Bus"] if multi else [])
    widths = [32, 62, 50, 38] if not multi else [30, 54, 44, 34, 20]
    weekdays = []
    for e in v.stop_entries:
        if e.weekday not in weekdays:
            weekdays.append(e.weekday)
    if not weekdays:
        text_line(pdf, "Ingen holdepladser i perioden.", 12)
    for wd in weekdays:
        _heading(pdf, weekday_name(wd), 16, hex_rgb(WEEKDAY_COLOURS.get(wd, "#333333")))
        rows = []
        for e in (e for e in v.stop_entries if e.weekday == wd):
            when = capitalise(pattern_words(e.every_weeks, e.week_parity))
            if e.every_weeks > 1 and e.dates:
                when += ":\n" + _dates_line(e.dates)
            name = v.name(e.site_id)
            if v.address(e.site_id):
                name += "\n" + v.address(e.site_id)
            row = [time_range(e.arrival, e.departure), name, when, _skipped_line(e)]
            rows.append(row + ([e.vehicle] if multi else []))
        text_table(pdf, headings, rows, widths)

    if not staff:
        return bytes(pdf.output())
    # staff section
    pdf.add_page()
    text_line(pdf, "Til personalet: daginstitutioner og plejehjem", 20, "B")
    text_line(
        pdf,
        "Daterede besøg i perioden (opsøgende arbejde og depotbytte). Vises ikke for borgerne.",
        10,
        colour=(90, 90, 90),
    )
    pdf.ln(3)
    outreach = v.outreach_visits
    if outreach:
        headings = ["Dato", "Tid", "Sted", "Type", "Kasser"] + (["Bus"] if multi else [])
        widths = [26, 32, 70, 36, 18] if not multi else [24, 30, 62, 32, 16, 18]
        rows = []
        for vis in outreach:
            site = v.site(vis.site_id)
            name = v.name(vis.site_id)
            if v.address(vis.site_id):
                name += "\n" + v.address(vis.site_id)
            crates = site.get("crates") or ""
            row = [
                no_break(date_short(vis.date, weekday=True)),
                time_range(vis.arrival, vis.departure),
                name,
                kind_name(vis.kind),
                str(crates),
            ]
            rows.append(row + ([vis.vehicle] if multi else []))
        text_table(pdf, headings, rows, widths)
    else:
        text_line(pdf, "Ingen besøg i daginstitutioner eller plejehjem i perioden.", 11)
    crossings = water_legs(v)
    if crossings:
        _heading(pdf, WATER_HEADING, 14)
        text_line(pdf, WATER_NOTE, 9, colour=(90, 90, 90))
        text_table(pdf, ["Fra", "Til", "Vej", "Kørsel", "Dage"],
                   [[w.start, w.end, w.via, f"{w.km} km, {w.minutes} min", w.days]
                    for w in crossings], [40, 40, 42, 28, 32])

    if v.unserved:
        _heading(pdf, "Ikke planlagt", 14)
        rows = [
            [
                v.name(str(u.get("site_id"))),
                date_short(u["date"]) if is_date(u.get("date")) else "hele perioden",
                clean_text(u.get("reason")),
            ]
            for u in v.unserved
        ]
        text_table(pdf, ["Sted", "Dato", "Årsag"], rows, [60, 30, 92])
    if extra_pages is not None:
        extra_pages(pdf)
    return bytes(pdf.output())
