"""One A4 letter in Danish per institution (daycare, nursing home): its dates and times,
the collection each visit brings and takes back, the library's contact line.

Made from the plan alone, like the posters; PDF (fpdf2, embedded DejaVu Sans) and a
self-contained HTML page with the same content. Institutions are told what they can
plan around: when the visits keep one weekday and one time of day, the letter says so
in one sentence before the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from .danish import (
    EN_DASH,
    capitalise,
    date_long,
    period_text,
    quarter_text,
    time_range,
    weekday_key,
    weekday_name,
)
from .htmlpages import esc
from .packing import collection_label, collections_of
from .pdfdoc import A4PDF, FONT, MARGIN, PAGE_H, PAGE_W, no_break, text_line, text_table
from .planview import PlanView, clean_text, is_date, safe_filename_part
from .style import ACCENT, ACCENT_RGB

LETTER_KINDS = ("daycare", "nursing_home")


@dataclass(frozen=True)
class LetterRow:
    date: str
    arrival: str
    departure: str
    deliver: str  # Danish text: the collection they get ("" without rotation)
    collect: str  # what the bus takes back


@dataclass(frozen=True)
class Letter:
    site_id: str
    name: str
    address: str
    kind: str
    rows: tuple[LetterRow, ...]
    steady: str  # "Bussen kommer hver 4. uge om tirsdagen kl. 09.05." or ""
    missed: tuple[str, ...]  # Danish lines about visits that could not be planned
    shortfall: tuple[str, ...]  # visits without a new collection / with a repeat
    rotation: bool


def letter_sites(v: PlanView) -> list[str]:
    """The institutions that get a letter: every daycare and nursing home in the plan."""
    return [sid for sid, s in v.sites.items() if s.get("kind") in LETTER_KINDS]


def letter_filename(site_id: str, ext: str) -> str:
    return f"brev-{safe_filename_part(site_id)}.{ext}"


def calendar_filename(site_id: str) -> str:
    return f"kalender-{safe_filename_part(site_id)}.ics"


def _crates_text(n: object) -> str:
    try:
        k = int(str(n))
    except (TypeError, ValueError):
        return ""
    return f"{k} kasse" if k == 1 else f"{k} kasser"


def build_letter(v: PlanView, site_id: str) -> Letter:
    colls = collections_of(v)

    def label(ids: list) -> str:
        return ", ".join(f"{collection_label(colls, str(c))} "
                         f"({_crates_text(colls[str(c)]['crates'] if str(c) in colls else None)})"
                         for c in ids)

    rotation = bool(colls)
    rows = []
    for r in sorted(v.routes, key=lambda r: (str(r.get("date")), str(r.get("vehicle")))):
        for x in r.get("visits", []):
            if x.get("site_id") != site_id:
                continue

            rows.append(LetterRow(str(r["date"]), str(x["arrival"]), str(x["departure"]),
                                  label(x.get("deliver", [])) if rotation else "",
                                  label(x.get("collect", [])) if rotation else ""))
    site = v.site(site_id)
    steady = ""
    if rows:
        days = {weekday_key(r.date) for r in rows}
        times = {r.arrival for r in rows}
        every = site.get("every_weeks")
        rhythm = f"cirka hver {every}. uge" if isinstance(every, int) and every > 1 else ""
        if len(days) == 1 and len(times) == 1:
            steady = (f"Bussen kommer {rhythm + ' ' if rhythm else ''}om "
                      f"{weekday_name(days.pop(), capital=False)}en "
                      f"{time_range(rows[0].arrival, rows[0].departure)}.")
        elif len(days) == 1:
            steady = (f"Bussen kommer {rhythm + ' ' if rhythm else ''}om "
                      f"{weekday_name(days.pop(), capital=False)}en; tidspunktet står ved "
                      "hver dato.")
    missed = tuple(
        f"Besøget omkring {date_long(u['date'], year=True)} kunne ikke planlægges. "
        "Vi kontakter jer om en anden dag." if is_date(u.get("date")) else
        "Vi kunne ikke finde en fast tid til jer i perioden. Vi kontakter jer."
        for u in v.unserved if u.get("site_id") == site_id)
    short = []
    rot = v.plan.get("rotation")
    for sf in rot["shortfall"] if rot is not None else []:
        for x in sf.get("visits", []):
            if x.get("site_id") == site_id and is_date(x.get("date")):
                when = date_long(x["date"], year=True)
                short.append(f"{when}: I får ingen ny samling denne gang."
                             if x.get("problem") == "none" else
                             f"{when}: samlingen har været hos jer inden for det sidste år.")
    return Letter(site_id, v.name(site_id), v.address(site_id), str(site.get("kind")),
                  tuple(rows), steady, missed, tuple(short), rotation)


def _intro(v: PlanView, letter: Letter) -> str:
    return (f"Her er bogbussens besøg hos jer i {quarter_text(v.quarter) or 'perioden'} "
            f"({period_text(v.period_start, v.period_end)}).")


def _rotation_text(letter: Letter) -> str:
    if not letter.rotation:
        return ""
    return ("Ved hvert besøg tager vi den samling med tilbage, som I har, og giver jer en ny. "
            "Læg venligst bøgerne klar i kasserne.")


def _closed_text(v: PlanView, site_id: str) -> str:
    closed = [f"{date_long(a)}: {why}" if a == b else
              f"{date_long(a)} {EN_DASH} {date_long(b)}: {why}"
              for a, b, why in v.closed_days(site=site_id)]
    return ("Bussen kører ikke: " + "; ".join(closed) + ".") if closed else ""


# ------------------------------------------------------------------------------- HTML
_CSS = """
@page { size: A4 portrait; margin: 0; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; background: #e8ecee; }
.letter { width: 210mm; min-height: 297mm; margin: 10mm auto; background: #fff;
          padding: 0 18mm 14mm; display: flex; flex-direction: column;
          box-shadow: 0 1px 6px rgba(0,0,0,.25); font-size: 11pt; line-height: 1.45; }
@media print { body { background: #fff; } .letter { margin: 0; box-shadow: none; } }
.band { background: var(--accent); color: #fff; margin: 0 -18mm 8mm; padding: 5mm 18mm;
        font-size: 18pt; font-weight: bold; }
.to { margin-bottom: 8mm; } .to .name { font-weight: bold; font-size: 13pt; }
h1 { font-size: 20pt; margin: 0 0 4mm; }
.steady { font-size: 14pt; font-weight: bold; margin: 3mm 0 4mm; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 5mm; }
th { background: var(--accent); color: #fff; text-align: left; padding: 1.5mm 2mm; }
td { vertical-align: top; padding: 1.5mm 2mm; border-bottom: 0.2mm solid #bbb; }
tbody tr:nth-child(odd) td { background: #f2f6f7; }
td.time, td.date { white-space: nowrap; }
.note { color: #444; }
footer { margin-top: auto; border-top: 0.8mm solid var(--accent); padding-top: 2mm; }
footer .lib { font-weight: bold; }
"""


def letter_html(v: PlanView, site_id: str) -> str:
    lt = build_letter(v, site_id)
    out = [f'<div class="letter" style="--accent:{ACCENT}">',
           f'<div class="band">{esc(v.library_name)}</div>',
           f'<div class="to"><div class="name">{esc(lt.name)}</div>'
           + (f"<div>{esc(lt.address)}</div>" if lt.address else "") + "</div>",
           f"<h1>Bogbussens besøg {esc(quarter_text(v.quarter))}</h1>",
           f"<p>Kære {esc(lt.name)}</p>", f"<p>{esc(_intro(v, lt))}</p>"]
    if lt.steady:
        out.append(f'<p class="steady">{esc(lt.steady)}</p>')
    if lt.rows:
        heads = ["Dato", "Kl."] + (["I får", "Vi tager med tilbage"] if lt.rotation else [])
        out.append("<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in heads)
                   + "</tr></thead><tbody>")
        for r in lt.rows:
            cells = [esc(capitalise(f"{weekday_name(weekday_key(r.date), capital=False)} "
                                    f"{date_long(r.date)}")),
                     esc(time_range(r.arrival, r.departure, prefix=""))]
            if lt.rotation:
                cells += [esc(r.deliver or "–"), esc(r.collect or "–")]
            out.append("<tr>" + "".join(f'<td class="{("date", "time")[i] if i < 2 else ""}">'
                                        f"{c}</td>" for i, c in enumerate(cells)) + "</tr>")
        out.append("</tbody></table>")
    else:
        out.append("<p>Der er ingen besøg hos jer i perioden.</p>")
    for line in (*lt.missed, *lt.shortfall):
        out.append(f'<p class="note">{esc(line)}</p>')
    for text in (_rotation_text(lt), _closed_text(v, lt.site_id)):
        if text:
            out.append(f'<p class="note">{esc(text)}</p>')
    out.append(f'<p class="note">Kalender: filen {esc(calendar_filename(site_id))} kan '
               "lægges ind i jeres kalender (Outlook, Google, telefon).</p>")
    out.append("<p>Med venlig hilsen<br>Bogbussen</p>")
    out.append(f'<footer><div class="lib">{esc(v.library_name)}</div>'
               + (f"<div>{esc(v.contact)}</div>" if v.contact else "") + "</footer></div>")
    title = f"Bogbussens besøg hos {lt.name}"
    return ('<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(out) + "\n</body>\n</html>\n")


# -------------------------------------------------------------------------------- PDF
def letter_pdf(v: PlanView, site_id: str) -> bytes:
    lt = build_letter(v, site_id)
    pdf = A4PDF(title=f"Bogbussens besøg hos {lt.name}")
    pdf.set_auto_page_break(True, margin=30)
    pdf.add_page()
    pdf.set_fill_color(*ACCENT_RGB)
    pdf.rect(0, 0, PAGE_W, 16, style="F")
    pdf.set_xy(MARGIN, 4)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 8, clean_text(v.library_name))
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(24)
    text_line(pdf, lt.name, 13, "B")
    if lt.address:
        text_line(pdf, lt.address, 11)
    pdf.ln(6)
    text_line(pdf, f"Bogbussens besøg {quarter_text(v.quarter)}".strip(), 20, "B")
    pdf.ln(2)
    text_line(pdf, f"Kære {lt.name}", 11)
    pdf.ln(1)
    text_line(pdf, _intro(v, lt), 11)
    pdf.ln(2)
    if lt.steady:
        text_line(pdf, lt.steady, 14, "B")
        pdf.ln(2)
    if lt.rows:
        heads = ["Dato", "Kl."] + (["I får", "Vi tager med tilbage"] if lt.rotation else [])
        widths = [40, 26, 58, 58] if lt.rotation else [60, 60]
        rows = [[no_break(capitalise(f"{weekday_name(weekday_key(r.date), capital=False)} "
                                f"{date_long(r.date)}")),
                 time_range(r.arrival, r.departure, prefix="")]
                + ([r.deliver or EN_DASH, r.collect or EN_DASH] if lt.rotation else [])
                for r in lt.rows]
        text_table(pdf, heads, rows, widths)
    else:
        text_line(pdf, "Der er ingen besøg hos jer i perioden.", 11)
    for line in (*lt.missed, *lt.shortfall, _rotation_text(lt), _closed_text(v, lt.site_id),
                 f"Kalender: filen {calendar_filename(site_id)} kan lægges ind i jeres "
                 "kalender (Outlook, Google, telefon)."):
        if line:
            text_line(pdf, line, 10, colour=(60, 60, 60))
            pdf.ln(1)
    pdf.ln(3)
    text_line(pdf, "Med venlig hilsen", 11)
    text_line(pdf, "Bogbussen", 11)
    # footer: library and contact line at the bottom of the (last) page
    pdf.set_auto_page_break(False)
    top = PAGE_H - MARGIN - 14
    pdf.set_draw_color(*ACCENT_RGB)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, top, PAGE_W - MARGIN, top)
    pdf.set_y(top + 2)
    text_line(pdf, v.library_name, 11, "B")
    if v.contact:
        text_line(pdf, v.contact, 10)
    return bytes(pdf.output())
