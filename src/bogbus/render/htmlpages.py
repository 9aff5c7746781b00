"""HTML versions of the posters and the køreplan: same content as the PDFs, printable CSS.

Self-contained pages (no scripts, no external files). Every text from the plan is
HTML-escaped, so a site called `<script>…</script>` shows as that text.
"""

from __future__ import annotations

import html

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
from .planview import PlanView, clean_text, is_date
from .style import ACCENT, WEEKDAY_COLOURS
from .waterview import WATER_HEADING, WATER_NOTE, water_legs


def esc(text: object) -> str:
    return html.escape(clean_text(text), quote=True)


_BASE_CSS = f"""
:root {{ --accent: {ACCENT}; }}
* {{ box-sizing: border-box; }}
body {{ font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #000; margin: 0;
       background: #e8ecee; }}
@media print {{ body {{ background: #fff; }} }}
"""

_POSTER_CSS = (
    _BASE_CSS
    + """
@page { size: A4 portrait; margin: 0; }
.poster { width: 210mm; height: 297mm; margin: 10mm auto; background: #fff; padding: 0 14mm 12mm;
          display: flex; flex-direction: column; overflow: hidden;
          box-shadow: 0 1px 6px rgba(0,0,0,.25); page-break-after: always; break-after: page; }
@media print { .poster { margin: 0; box-shadow: none; } }
.band { background: var(--accent); color: #fff; margin: 0 -14mm; padding: 5mm 14mm;
        font-size: 30pt; font-weight: bold; }
h1 { font-size: 44pt; line-height: 1.1; margin: 7mm 0 1mm; overflow-wrap: anywhere; }
.address { font-size: 16pt; color: #444; margin: 0 0 5mm; }
.entry { margin: 4mm 0 5mm; }
.when { border-left: 3mm solid; padding-left: 4mm; margin-bottom: 5mm; }
.daytime { font-size: 30pt; font-weight: bold; line-height: 1.25; white-space: nowrap; }
.pattern { font-size: 26pt; }
h2 { font-size: 18pt; margin: 3mm 0 2mm; }
ul.dates { list-style: none; padding: 0; margin: 0; font-size: 24pt; line-height: 1.4;
           columns: 3; }
ul.dates li { white-space: nowrap; break-inside: avoid; }
ul.skipped { list-style: none; padding: 0; margin: 0; font-size: 18pt; }
.none { font-size: 28pt; font-weight: bold; }
footer { margin-top: auto; border-top: 0.8mm solid var(--accent); padding-top: 2mm;
         font-size: 14pt; }
footer .lib { font-weight: bold; font-size: 15pt; }
footer .valid { font-size: 10pt; color: #555; }
"""
)

_KOEREPLAN_CSS = (
    _BASE_CSS
    + """
@page { size: A4 portrait; margin: 14mm; }
main { max-width: 190mm; margin: 10mm auto; background: #fff; padding: 10mm 12mm;
       box-shadow: 0 1px 6px rgba(0,0,0,.25); font-size: 10pt; }
@media print { main { margin: 0; padding: 0; box-shadow: none; max-width: none; } }
h1 { font-size: 26pt; margin: 0 0 1mm; }
h2 { font-size: 16pt; margin: 7mm 0 2mm; border-left: 2.5mm solid var(--day, #333);
      padding-left: 3mm; break-after: avoid; page-break-after: avoid; }
h2.staff { font-size: 20pt; border: none; padding: 0;
            break-before: page; page-break-before: always; }
.sub { font-size: 14pt; } .lib { font-weight: bold; } .muted { color: #555; }
table { width: 100%; border-collapse: collapse; margin-bottom: 4mm; }
thead { display: table-header-group; }
th { background: var(--accent); color: #fff; text-align: left; padding: 1.5mm; }
td { vertical-align: top; padding: 1.5mm; border-bottom: 0.2mm solid #bbb; }
tr { break-inside: avoid; page-break-inside: avoid; }
tbody tr:nth-child(odd) td { background: #f2f6f7; }
td.time { white-space: nowrap; } .dates { font-size: 9pt; }
"""
)


def _page(title: str, css: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _footer(v: PlanView) -> str:
    contact = f'<div class="contact">{esc(v.contact)}</div>' if v.contact else ""
    return (
        f'<footer><div class="lib">{esc(v.library_name)}</div>{contact}'
        f'<div class="valid">Gælder {esc(period_text(v.period_start, v.period_end))}. '
        "Ret til ændringer forbeholdes.</div></footer>"
    )


def poster_section(v: PlanView, site_id: str) -> str:
    quarter = quarter_text(v.quarter) or "perioden"
    parts = [
        f'<section class="poster" id="poster-{esc(site_id)}">',
        f'<div class="band">{esc(v.poster_band(site_id))}</div>',
        f"<h1>{esc(v.name(site_id))}</h1>",
    ]
    if v.address(site_id):
        parts.append(f'<p class="address">{esc(v.address(site_id))}</p>')
    entries = v.entries_for(site_id)
    for e in entries:
        colour = WEEKDAY_COLOURS.get(e.weekday, "#333333")
        pattern = capitalise(pattern_words(e.every_weeks, e.week_parity))
        if e.vehicle and v.multi_vehicle:
            pattern += f" ({e.vehicle})"
        parts.append('<div class="entry">')
        parts.append(
            f'<div class="when" style="border-color:{colour}">'
            f'<div class="daytime">{esc(day_time(e.weekday, e.arrival, e.departure))}</div>'
            f'<div class="pattern">{esc(pattern)}</div></div>'
        )
        parts.append(f"<h2>Datoer i {esc(quarter)}:</h2>")
        if e.dates:
            cols = 3 if len(e.dates) > 6 else 2
            items = "".join(f"<li>{esc(date_long(d))}</li>" for d in e.dates)
            # three columns of the longest dates ("30. september") fit at 20 pt, not 24 pt
            size = ";font-size:20pt" if cols == 3 else ""
            parts.append(f'<ul class="dates" style="columns:{cols}{size}">{items}</ul>')
        else:
            parts.append("<p>Ingen datoer i perioden.</p>")
        if e.skipped:
            items = "".join(
                f"<li>{esc(date_range(a, b))}{': ' + esc(r) if r else ''}</li>"
                for a, b, r in e.skipped_ranges()
            )
            parts.append(f'<h2>Bussen kommer ikke:</h2><ul class="skipped">{items}</ul>')
        parts.append("</div>")
    if not entries:
        parts.append(f'<p class="none">Bogbussen kommer ikke her i {esc(quarter)}.</p>')
        elsewhere = v.nearest_served_text(site_id)  # public: never the planner's reason
        if elsewhere:
            parts.append(f'<p class="address">{esc(elsewhere)}</p>')
    parts.append(_footer(v))
    parts.append("</section>")
    return "\n".join(parts)


def posters_html(v: PlanView, site_ids: list[str]) -> str:
    body = "\n".join(poster_section(v, sid) for sid in site_ids)
    if not site_ids:
        body = "<p>Ingen holdepladser i planen.</p>"
    return _page(f"Bogbussen – opslag {quarter_text(v.quarter)}", _POSTER_CSS, body)


def _table(headings: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    """Rows hold already-escaped HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headings)
    classes = classes or [""] * len(headings)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{c}">{cell}</td>' if c else f"<td>{cell}</td>"
            for c, cell in zip(classes, r, strict=True)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _name_cell(v: PlanView, site_id: str) -> str:
    cell = esc(v.name(site_id))
    if v.address(site_id):
        cell += f'<br><span class="muted">{esc(v.address(site_id))}</span>'
    return cell


def koereplan_html(v: PlanView, staff: bool = False, extra_html: str = "") -> str:
    """Public stops by weekday; `staff=True` adds the outreach visits, then `extra_html`
    (the packing pages)."""
    quarter = quarter_text(v.quarter)
    title = "Bogbussens køreplan" + (" – personale" if staff else "")
    out = [
        "<main>",
        f"<h1>{esc(title)}</h1>",
        (
            f'<div class="sub">{esc(capitalise(quarter)) + ": " if quarter else ""}'
            f"{esc(period_text(v.period_start, v.period_end))}</div>"
        ),
        f'<div class="lib">{esc(v.library_name)}</div>',
    ]
    if v.contact:
        out.append(f"<div>{esc(v.contact)}</div>")
    closed = [
        f"{date_long(a)}: {why}" if a == b else f"{date_long(a)} {EN_DASH} {date_long(b)}: {why}"
        for a, b, why in v.closed_days(staff=staff)
    ]
    if closed:
        out.append(f"<p>Bussen kører ikke: {esc('; '.join(closed))}.</p>")
    if staff and v.scenario:  # the data set's name: for staff, not for citizens
        out.append(f'<p class="muted">Scenarie: {esc(v.scenario)}</p>')

    multi = v.multi_vehicle
    weekdays: list[str] = []
    for e in v.stop_entries:
        if e.weekday not in weekdays:
            weekdays.append(e.weekday)
    if not weekdays:
        out.append("<p>Ingen holdepladser i perioden.</p>")
    for wd in weekdays:
        colour = WEEKDAY_COLOURS.get(wd, "#333333")
        out.append(f'<h2 style="--day:{colour}">{esc(weekday_name(wd))}</h2>')
        rows = []
        for e in (e for e in v.stop_entries if e.weekday == wd):
            when = esc(capitalise(pattern_words(e.every_weeks, e.week_parity)))
            if e.every_weeks > 1 and e.dates:
                when += (
                    ':<br><span class="dates">'
                    + esc(", ".join(date_short(d) for d in e.dates))
                    + "</span>"
                )
            skipped = "<br>".join(
                esc(f"{date_range(a, b, short=True)}: {r}" if r else date_range(a, b, short=True))
                for a, b, r in e.skipped_ranges()
            )
            row = [esc(time_range(e.arrival, e.departure)), _name_cell(v, e.site_id), when, skipped]
            rows.append(row + ([esc(e.vehicle)] if multi else []))
        headings = ["Tid", "Holdeplads", "Hvornår", "Kommer ikke"] + (["Bus"] if multi else [])
        out.append(_table(headings, rows, ["time", "", "", ""] + ([""] if multi else [])))

    if not staff:
        out.append("</main>")
        return _page(f"{title} {quarter}".strip(), _KOEREPLAN_CSS, "\n".join(out))
    out.append('<h2 class="staff">Til personalet: daginstitutioner og plejehjem</h2>')
    out.append(
        '<p class="muted">Daterede besøg i perioden (opsøgende arbejde og depotbytte). '
        "Vises ikke for borgerne.</p>"
    )
    if v.outreach_visits:
        rows = []
        for vis in v.outreach_visits:
            crates = v.site(vis.site_id).get("crates") or ""
            row = [
                esc(date_short(vis.date, weekday=True)),
                esc(time_range(vis.arrival, vis.departure)),
                _name_cell(v, vis.site_id),
                esc(kind_name(vis.kind)),
                esc(crates),
            ]
            rows.append(row + ([esc(vis.vehicle)] if multi else []))
        headings = ["Dato", "Tid", "Sted", "Type", "Kasser"] + (["Bus"] if multi else [])
        out.append(_table(headings, rows, ["time", "time", "", "", ""] + ([""] if multi else [])))
    else:
        out.append("<p>Ingen besøg i daginstitutioner eller plejehjem i perioden.</p>")
    crossings = water_legs(v)
    if crossings:
        out.append(f"<h3>{esc(WATER_HEADING)}</h3>")
        out.append(f'<p class="muted">{esc(WATER_NOTE)}</p>')
        rows = [[esc(w.start), esc(w.end), esc(w.via), esc(f"{w.km} km, {w.minutes} min"),
                 esc(w.days)] for w in crossings]
        out.append(_table(["Fra", "Til", "Vej", "Kørsel", "Dage"], rows))
    if v.unserved:
        out.append("<h3>Ikke planlagt</h3>")
        rows = [
            [
                esc(v.name(str(u.get("site_id")))),
                esc(date_short(u["date"]) if is_date(u.get("date")) else "hele perioden"),
                esc(u.get("reason")),
            ]
            for u in v.unserved
        ]
        out.append(_table(["Sted", "Dato", "Årsag"], rows))
    out.append(extra_html)
    out.append("</main>")
    return _page(f"{title} {quarter}".strip(), _KOEREPLAN_CSS, "\n".join(out))
