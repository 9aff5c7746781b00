"""The packing list as Danish pages of the staff køreplan: one page per route with what to
load at the depot (in the order it leaves the bus), what is handed in and out at each
institution with the crates on the bus after it, and what comes back to the depot.

The data is render/packing.py's; the drawing reuses the køreplan's PDF and HTML helpers.
"""

from __future__ import annotations

from typing import Any

from .danish import capitalise, clock, date_long, weekday_key, weekday_name
from .htmlpages import esc
from .packing import PackRoute, collection_label, collections_of, packing_routes
from .pdfdoc import text_line, text_table
from .planview import PlanView
from .shortfall import shortfall_lines

ACTION_DA = {"load": "Læsses i depotet", "collect": "Hentes", "deliver": "Afleveres",
             "return": "Tilbage i depotet"}


def _day_title(pr: PackRoute, multi: bool) -> str:
    title = capitalise(f"{weekday_name(weekday_key(pr.date), capital=False)} "
                       f"{date_long(pr.date, year=True)}")
    return f"Pakkeliste {title}" + (f" – {pr.vehicle}" if multi else "")


def _departure(pr: PackRoute) -> str:
    """When the bus leaves: after the lunch break when the day starts with it at the
    depot (a route whose stops all open after the break window), else at its start."""
    if pr.lunch_first:
        a, b = pr.lunch_first
        return f"Frokost i depotet kl. {clock(a)}–{clock(b)}, afgang kl. {clock(b)}"
    return f"Afgang fra depotet kl. {clock(pr.start)}"


def _rows(v: PlanView, pr: PackRoute) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """(load rows, route rows, back rows) as Danish table text."""
    colls = collections_of(v)

    def crates(n: int) -> str:
        return f"{n} kasse" if n == 1 else f"{n} kasser"

    load = [[str(i + 1), collection_label(colls, m.collection_id), crates(m.crates),
             v.name(m.site_id)] for i, m in enumerate(pr.load)]
    route = []
    for (sid, time, moves), after in zip(pr.stops, pr.legs[1:], strict=True):
        got = [f"{collection_label(colls, m.collection_id)} ({crates(m.crates)})"
               for m in moves if m.action == "collect"]
        give = [f"{collection_label(colls, m.collection_id)} ({crates(m.crates)})"
                + (f", direkte fra {v.name(m.handover_from)}" if m.handover_from else "")
                for m in moves if m.action == "deliver"]
        route.append([clock(time) if time else "", v.name(sid), "\n".join(give) or "–",
                      "\n".join(got) or "–", str(after)])
    back = [f"{collection_label(colls, m.collection_id)} ({crates(m.crates)}) fra "
            f"{v.name(m.site_id)}" for m in pr.back]
    return load, route, back


def packing_pages_pdf(pdf: Any, v: PlanView) -> None:
    """One page per route in the staff køreplan PDF, after what the stock lacks."""
    routes = packing_routes(v)
    multi = v.multi_vehicle
    short = shortfall_lines(v.plan)
    if short:
        pdf.add_page()
        text_line(pdf, "Samlinger der mangler", 18, "B")
        for line in short:
            text_line(pdf, line, 11)
            pdf.ln(2)
    for pr in routes:
        pdf.add_page()
        load, route, back = _rows(v, pr)
        text_line(pdf, _day_title(pr, multi), 18, "B")
        text_line(pdf, f"{_departure(pr)}, hjemme kl. {clock(pr.end)}. Kasser på bussen "
                  f"undervejs: {' / '.join(map(str, pr.legs))}.", 10, colour=(80, 80, 80))
        pdf.ln(2)
        text_line(pdf, "1. Pak bussen i depotet (i den rækkefølge kasserne skal af)", 12, "B")
        if load:
            text_table(pdf, ["Nr.", "Samling", "Kasser", "Til"], load, [12, 80, 25, 65])
        else:
            text_line(pdf, "Intet at læsse: alt afleveres direkte fra et andet sted.", 10)
            pdf.ln(2)
        text_line(pdf, "2. Undervejs", 12, "B")
        text_table(pdf, ["Tid", "Sted", "Aflever", "Hent", "Kasser efter"], route,
               [16, 44, 50, 50, 22])
        text_line(pdf, "3. Tilbage i depotet", 12, "B")
        text_line(pdf, "\n".join(back) if back else "Intet kommer tilbage.", 10)


def packing_pages_html(v: PlanView) -> str:
    """The same pages as HTML sections (each starts a new printed page)."""
    multi = v.multi_vehicle
    out = []
    short = shortfall_lines(v.plan)
    if short:
        out.append('<section class="packing"><h2 class="staff">Samlinger der mangler</h2>'
                   + "".join(f"<p>{esc(line)}</p>" for line in short) + "</section>")
    for pr in packing_routes(v):
        load, route, back = _rows(v, pr)
        out.append('<section class="packing">')
        out.append(f"<h2 class=\"staff\">{esc(_day_title(pr, multi))}</h2>")
        out.append(f'<p class="muted">{esc(_departure(pr))}, hjemme kl. {esc(clock(pr.end))}. '
                   f'Kasser på bussen undervejs: {esc(" / ".join(map(str, pr.legs)))}.</p>')
        out.append("<h3>1. Pak bussen i depotet (i den rækkefølge kasserne skal af)</h3>")
        out.append(_html_table(["Nr.", "Samling", "Kasser", "Til"], load) if load else
                   "<p>Intet at læsse: alt afleveres direkte fra et andet sted.</p>")
        out.append("<h3>2. Undervejs</h3>")
        out.append(_html_table(["Tid", "Sted", "Aflever", "Hent", "Kasser efter"], route))
        out.append("<h3>3. Tilbage i depotet</h3>")
        out.append("<p>" + ("<br>".join(esc(b) for b in back) if back else
                            "Intet kommer tilbage.") + "</p>")
        out.append("</section>")
    return "\n".join(out)


def _html_table(heads: list[str], rows: list[list[str]]) -> str:
    body = "".join("<tr>" + "".join("<td>" + "<br>".join(esc(p) for p in c.split("\n"))
                                    + "</td>" for c in r) + "</tr>" for r in rows)
    return ("<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in heads)
            + f"</tr></thead><tbody>{body}</tbody></table>")
