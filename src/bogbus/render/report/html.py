"""`report.html`: the board's report as one self-contained page (charts embedded).

One file, so it can be mailed or put on an intranet as it is; the charts are the same
PNGs the PDF prints, embedded as data URIs. All text is escaped (scenario and site
names come from editable files).
"""

from __future__ import annotations

import base64

from ..htmlpages import esc
from ..style import ACCENT
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

_CSS = f"""
:root {{ --accent: {ACCENT}; }}
* {{ box-sizing: border-box; }}
body {{ font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; background: #e8ecee;
       color: #111; }}
main {{ max-width: 200mm; margin: 8mm auto; background: #fff; padding: 0 12mm 10mm;
        box-shadow: 0 1px 6px rgba(0,0,0,.25); font-size: 10.5pt; }}
@media print {{ body {{ background: #fff; }} main {{ margin: 0; box-shadow: none; }} }}
.band {{ background: var(--accent); color: #fff; margin: 0 -12mm 4mm; padding: 6mm 12mm; }}
.band h1 {{ margin: 0; font-size: 22pt; }}
.band p {{ margin: 1mm 0 0; font-size: 11pt; }}
h2 {{ font-size: 14pt; margin: 7mm 0 2mm; color: var(--accent); }}
table {{ width: 100%; border-collapse: collapse; margin: 2mm 0 3mm; }}
th {{ background: var(--accent); color: #fff; text-align: right; padding: 1.5mm 2mm; }}
th:first-child, td:first-child {{ text-align: left; }}
td {{ padding: 1.2mm 2mm; border-bottom: 0.2mm solid #ccc; text-align: right; }}
td:first-child {{ min-width: 45mm; }}  /* wraps: 4 scenario columns must fit */
tbody tr:nth-child(odd) td {{ background: #f2f6f7; }}
tr.total td {{ font-weight: bold; border-top: 0.4mm solid #333; }}
td.sub {{ padding-left: 6mm; }}
.goal {{ border-left: 2mm solid var(--accent); padding: 1mm 4mm; background: #f2f6f7; }}
figure {{ margin: 3mm 0; break-inside: avoid; }}
figure img {{ width: 100%; height: auto; }}
.maps {{ display: flex; flex-wrap: wrap; gap: 4mm; }}
.maps figure {{ flex: 1 1 80mm; }}
ul.notes {{ font-size: 9pt; color: #444; padding-left: 5mm; }}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}"></figure>'


def _table(head: list[str], rows: list[list[str]], total_last: bool = False) -> str:
    out = ["<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for i, r in enumerate(rows):
        cls = ' class="total"' if total_last and i == len(rows) - 1 else ""
        cells = []
        for j, c in enumerate(r):
            sub = ' class="sub"' if j == 0 and str(c).startswith("– ") else ""
            cells.append(f"<td{sub}>{esc(c)}</td>")
        out.append(f"<tr{cls}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def report_html(doc: dict, charts: dict[str, bytes]) -> str:
    """The report page for `doc` (report.json) with `charts` (file name → PNG)."""
    groups = doc["groups"]
    parts = [f'<div class="band"><h1>{esc(title(doc))}</h1><p>{esc(subtitle(doc))}</p></div>']
    for caption, head, rows in key_blocks(doc):
        parts.append(f"<h2>Nøgletal{', ' + esc(caption) if caption else ''}</h2>")
        parts.append(_table(head, rows))
    parts += [f'<p class="goal">{esc(p)}</p>' for p in goal_paragraphs(doc)]
    parts += [f'<p class="goal">{esc(p)}</p>' for p in collection_paragraphs(doc)]
    for g in groups:
        parts.append(f"<h2>Pr. kvartal{': ' + esc(g['label']) if len(groups) > 1 else ''}</h2>")
        parts.append(_table(quarter_header(), quarter_rows(g), total_last=True))
    parts.append("<h2>Diagrammer</h2>")
    for name, alt in (("boern.png", "Børn nået mod målet"),
                      ("kvartaler.png", "Besøg pr. kvartal"),
                      ("ugedage.png", "Besøg pr. ugedag"),
                      ("typer.png", "Besøg pr. type sted")):
        parts.append(_img(charts[name], alt))
    parts.append("<h2>Kort</h2><div class=\"maps\">")
    parts += [_img(png, "Kort over holdepladser, institutioner og ruter")
              for name, png in sorted(charts.items()) if name.startswith("kort-")]
    parts.append("</div><h2>Sådan er tallene regnet</h2><ul class=\"notes\">")
    parts += [f"<li>{esc(n)}</li>" for n in METHOD_NOTES]
    parts.append("</ul>")
    body = "\n".join(parts)
    return ('<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title(doc))}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<main>\n{body}\n</main>\n</body>\n</html>\n")
