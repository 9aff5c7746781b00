"""Notices for the people a repair touches, in Danish.

- `notice-<stop>.pdf` / `.html`: an A4 notice to hang at each public stop with a
  cancelled or changed date ("Bogbussen kommer ikke onsdag 12. maj"), with the reason
  and the regular time that still holds;
- `letter-<site>.pdf` / `.html` / `.txt`: a short letter to each daycare, nursing home
  or branch whose dates changed (the text file to paste into an e-mail).

Built from the change list (`plan["repair"]["changes"]`, or `changes.diff_visits`
against the published plan), never from the solver, so a planner can re-render them.
Reasons written by the solver are in English; a citizen reads the closure's own
(Danish) reason, or a plain Danish sentence.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import BogbusError
from ..io import atomic
from ..plan.changes import change_date, diff_visits
from ..plan.document import Change, Plan
from .danish import clock, date_long, day_time, pattern_words, weekday_key, weekday_name
from .pdfdoc import A4PDF, FONT, MARGIN
from .planview import clean_text, safe_filename_part, view
from .style import ACCENT_RGB

GENERIC = {
    "cancelled": "bussen kan ikke køre den dag",
    "released": "besøget måtte flyttes for at få plads til en ændring i køreplanen",
    "moved": "for at holde den faste afstand mellem besøgene",
    "added": "ny holdeplads eller nyt besøg",
}


def danish_reason(change: Change, plan: Plan) -> str:
    """The reason a reader should see: the closure's or holiday's own name when the
    change comes from one, else a plain Danish sentence."""
    cal = plan.get("calendar") or {}
    names = [clean_text(c.get("reason")) for c in cal.get("closures") or []]
    names += [clean_text(h.get("name")) for h in cal.get("holidays") or []]
    why = clean_text(change.get("reason"))
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if why == name or f"({name})" in why or f"'{name}'" in why:
            return name
    return GENERIC.get(change.get("change", ""), "ændret plan")


def change_list(plan: Plan, previous: Plan) -> list[Change]:
    """The repair's stored change list when it was made against `previous`, else the
    difference of the two plans (same quarter required)."""
    if plan.get("quarter") != previous.get("quarter"):
        raise BogbusError(f"--previous is a plan for {previous.get('quarter')}, the plan is for "
                          f"{plan.get('quarter')} — notices compare two plans of one quarter")
    rep = plan.get("repair") if isinstance(plan.get("repair"), dict) else None
    if rep and rep.get("previous", {}).get("inputs_sha256") == previous.get("inputs_sha256") \
            and rep.get("previous", {}).get("scenario") == previous.get("scenario"):
        return list(rep.get("changes") or [])
    return diff_visits(previous, plan)[0]


NBSP = "\u00a0"


def _when(v: Mapping[str, Any]) -> str:
    """`onsdag 12. maj`, kept on one line (no break inside the date)."""
    return (f"{weekday_name(weekday_key(v['date']), False)}{NBSP}"
            f"{date_long(v['date']).replace(' ', NBSP)}")


def _stop_lines(changes: list[Change], plan: Plan) -> list[tuple[str, str]]:
    """(headline, reason) per change of one stop, in date order; a stop with a new
    slot from a date (`valid_from`) gets one line for the new timetable instead of one
    per date."""
    out = []
    sid = changes[0]["site_id"] if changes else ""
    entry = next((e for e in plan.get("stop_timetable", []) if e.get("site_id") == sid
                  and e.get("valid_from")), None)
    if entry is not None:
        when = day_time(entry["weekday"], entry["arrival"], entry["departure"])
        when = when.replace("kl. ", f"kl.{NBSP}")
        slot = [c for c in changes if c["change"] in ("moved", "added", "released")]
        if slot:
            first = min(entry.get("dates") or [entry["valid_from"]])  # its first new date
            out.append((f"Ny køreplan fra {date_long(first).replace(' ', NBSP)}: "
                        f"{when[:1].lower()}{when[1:]}, "
                        f"{pattern_words(entry.get('every_weeks'), entry.get('week_parity'))}",
                        danish_reason(slot[0], plan)))
        changes = [c for c in changes if c not in slot]
    for c in sorted(changes, key=change_date):
        a, b, why = c["old"], c["new"], danish_reason(c, plan)
        if a and not b:
            out.append((f"Bogbussen kommer ikke {_when(a)}", why))
        elif a and b and a["date"] == b["date"]:
            out.append((f"{_when(a)}: kl.{NBSP}{clock(b['arrival'])} i stedet for "
                        f"kl.{NBSP}{clock(a['arrival'])}", why))
        elif a and b:
            out.append((f"{_when(a)} flyttes til {_when(b)} kl.{NBSP}{clock(b['arrival'])}", why))
        elif b:
            out.append((f"Nyt: bogbussen kommer {_when(b)} kl.{NBSP}{clock(b['arrival'])}", why))
    return out


def _regular(plan: Plan, sid: str) -> str:
    for e in plan.get("stop_timetable", []):
        if e.get("site_id") == sid and not e.get("valid_from"):
            when = day_time(e["weekday"], e["arrival"], e["departure"])
            when = when.replace("kl. ", f"kl.{NBSP}")
            return (f"Ellers kører bogbussen som sædvanlig: {when[:1].lower()}{when[1:]}, "
                    f"{pattern_words(e.get('every_weeks'), e.get('week_parity'))}.")
    return ""


def _letter_lines(changes: list[Change], plan: Plan) -> list[str]:
    out = []
    for c in sorted(changes, key=change_date):
        a, b, why = c["old"], c["new"], danish_reason(c, plan)
        if a and b:
            out.append(f"Besøget {_when(a)} kl.{NBSP}{clock(a['arrival'])} flyttes til "
                       f"{_when(b)} kl.{NBSP}{clock(b['arrival'])} ({why}).")
        elif a:
            out.append(f"Besøget {_when(a)} kl.{NBSP}{clock(a['arrival'])} er aflyst ({why}).")
        elif b:
            out.append(f"Nyt besøg {_when(b)} kl.{NBSP}{clock(b['arrival'])} ({why}).")
    return out


def _remaining(plan: Plan, sid: str, after: str) -> list[str]:
    return [f"{_when(r)} kl.{NBSP}{clock(x['arrival'])}" for r in plan.get("routes", [])
            for x in r["visits"] if x["site_id"] == sid and r["date"] >= after]


def _pdf(title: str, lines: list[tuple[str, int, str]], footer: str,
         band: str | None = None) -> bytes:
    """A simple A4 page: an optional coloured band, then (text, size in pt, style)
    lines, wrapped left-aligned ("" is vertical space of that size)."""
    pdf = A4PDF(title, footer)
    pdf.add_page()
    w = pdf.w - 2 * MARGIN
    if band:
        pdf.set_fill_color(*ACCENT_RGB)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(FONT, "B", 24)
        pdf.set_xy(0, 0)
        pdf.cell(pdf.w, 24, f"   {band}", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(6)
    for text, size, style in lines:
        if text == "":
            pdf.ln(size * 0.35)
            continue
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(w, size * 0.47, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(size * 0.12)
    return bytes(pdf.output())


def _html(title: str, body: str, big: bool) -> str:
    size = "20pt" if big else "12pt"
    return ("<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n"
            "@page { size: A4 portrait; margin: 16mm; }\n"
            "body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; margin: 16mm; "
            f"font-size: {size}; max-width: 180mm; }}\n"
            ".band { background: #00606b; color: #fff; padding: 4mm 6mm; font-size: 22pt; "
            "font-weight: bold; }\n h1 { font-size: 30pt; } .why { color: #444; } "
            "li { margin: 0 0 3mm; } footer { border-top: 0.6mm solid #00606b; "
            "margin-top: 10mm; padding-top: 2mm; font-size: 11pt; }\n"
            f"</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def stop_notice(plan: Plan, sid: str, changes: list[Change]) -> tuple[bytes, str]:
    """(PDF, HTML) of the notice for one public stop."""
    v = view(plan)
    name, lib, contact = v.name(sid), v.library_name, v.contact
    items = _stop_lines(changes, plan)
    regular = _regular(plan, sid)
    good_news = all(c["change"] == "added" for c in changes)  # a new stop or date back
    band = "Nyt fra bogbussen" if good_news else "Ændring i bogbussens køreplan"
    closing = "Velkommen til bogbussen!" if good_news else "Vi beklager ulejligheden."

    def why_text(why: str) -> str:  # a generic reason adds nothing to good news
        return "" if good_news and why == GENERIC["added"] else f"Årsag: {why}"

    lines: list[tuple[str, int, str]] = [(name, 34, "B"), ("", 14, "")]
    for head, why in items:
        lines += [(head, 30, "B")] + ([(why_text(why), 18, "")] if why_text(why) else [])
        lines.append(("", 10, ""))
    if regular:
        lines += [("", 10, ""), (regular, 18, "")]
    lines += [("", 14, ""), (closing, 18, ""), ("", 20, ""), (lib, 15, "B")]
    if contact:
        lines.append((contact, 12, ""))
    pdf = _pdf(f"{band}: {name}", lines, lib, band=band)
    esc = html.escape
    body = (f"<div class=\"band\">{esc(band)}</div>"
            f"<h1>{esc(name)}</h1><ul>"
            + "".join(f"<li><b>{esc(h)}</b>"
                      + (f"<br><span class=\"why\">{esc(why_text(w))}</span>"
                         if why_text(w) else "") + "</li>"
                      for h, w in items) + "</ul>"
            + (f"<p>{esc(regular)}</p>" if regular else "")
            + f"<p>{esc(closing)}</p>"
            + f"<footer><b>{esc(lib)}</b>{'<br>' + esc(contact) if contact else ''}</footer>")
    return pdf, _html(f"Ændring: {name}", body, big=True)


def institution_letter(plan: Plan, sid: str, changes: list[Change]) -> tuple[bytes, str, str]:
    """(PDF, HTML, plain text) of the letter to one institution."""
    v = view(plan)
    name, lib, contact = v.name(sid), v.library_name, v.contact
    items = _letter_lines(changes, plan)
    first = min(v["date"] for c in changes for v in (c["old"], c["new"]) if v)
    rest = _remaining(plan, sid, first)
    text = [f"Kære {name}", "", "Bogbussens besøg hos jer ændres:", ""]
    text += [f"- {x}" for x in items]
    if rest:
        text += ["", "Jeres besøg fremover:", ""] + [f"- {x}" for x in rest]
    text += ["", "Vi beklager ulejligheden. Skriv eller ring, hvis datoerne ikke passer jer.",
             "", "Venlig hilsen", lib] + ([contact] if contact else [])
    plain = "\n".join(text) + "\n"
    lines = [(f"Til {name}", 16, "B"), ("", 6, "")]
    lines += [(t if not t.startswith("- ") else "•  " + t[2:], 12,
               "B" if t.endswith(":") else "") for t in text]
    pdf = _pdf(f"Ændrede besøg: {name}", lines, lib)
    esc = html.escape
    body = (f"<p><b>Kære {esc(name)}</b></p><p>Bogbussens besøg hos jer ændres:</p><ul>"
            + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>"
            + ("<p>Jeres besøg fremover:</p><ul>" + "".join(f"<li>{esc(x)}</li>" for x in rest)
               + "</ul>" if rest else "")
            + "<p>Vi beklager ulejligheden. Skriv eller ring, hvis datoerne ikke passer jer.</p>"
            + f"<p>Venlig hilsen<br><b>{esc(lib)}</b>{'<br>' + esc(contact) if contact else ''}"
            "</p>")
    return pdf, _html(f"Ændrede besøg: {name}", body, big=False), plain


def notices_needed(plan: Plan, previous: Plan, out_dir: Path) -> bool:
    """Whether writing notices into `out_dir` has anything to do: some visit changed, or
    the folder holds earlier notices that may now be stale. Without either, no folder is
    created — an empty notices folder looked like notices gone missing."""
    return bool(change_list(plan, previous)) or Path(out_dir).exists()


def write_notices(plan: Plan, previous: Plan, out_dir: Path) -> list[Path]:
    """Write every notice and letter for the changes between `previous` and `plan`."""
    changes = change_list(plan, previous)
    by_site: dict[str, list[Change]] = {}
    for c in changes:
        by_site.setdefault(c["site_id"], []).append(c)
    out_dir = Path(out_dir)
    written: list[Path] = []
    for sid, cs in sorted(by_site.items()):
        part = safe_filename_part(sid)
        if cs[0]["kind"] == "stop":
            pdf, page = stop_notice(plan, sid, cs)
            written.append(atomic.write_bytes(out_dir / f"notice-{part}.pdf", pdf))
            written.append(atomic.write_text(out_dir / f"notice-{part}.html", page))
        else:
            pdf, page, text = institution_letter(plan, sid, cs)
            written.append(atomic.write_bytes(out_dir / f"letter-{part}.pdf", pdf))
            written.append(atomic.write_text(out_dir / f"letter-{part}.html", page))
            written.append(atomic.write_text(out_dir / f"letter-{part}.txt", text))
    _remove_stale(out_dir, written)
    return written


def _remove_stale(out_dir: Path, written: list[Path]) -> None:
    """Notices of an earlier repair written to the same folder would tell people about
    changes that no longer hold: remove our own file names that were not written now."""
    keep = {p.name for p in written}
    for pattern in ("notice-*.pdf", "notice-*.html", "letter-*.pdf", "letter-*.html",
                    "letter-*.txt"):
        for f in out_dir.glob(pattern):
            if f.name not in keep and f.is_file():
                f.unlink()
