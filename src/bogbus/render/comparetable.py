"""`bogbus compare` output: the comparison document as a table, Markdown, CSV or JSON.

Formatting only; the document itself is built by `bogbus.compare.compare_plans`.
"""

from __future__ import annotations

import json
from typing import Any

from ..io.csvwrite import Cell, csv_text

# (key, label) in display order; values come from `compare.summarize`
FIGURES: tuple[tuple[str, str], ...] = (
    ("km_total", "km per quarter"),
    ("drive_hours", "drive hours"),
    ("co2_kg", "CO2 kg"),
    ("public_service_hours", "public service hours"),
    ("public_stops_served", "public stops served"),
    ("stop_visits", "stop visits"),
    ("daycare_visits", "daycare visits"),
    ("children_unique", "children reached (unique)"),
    ("child_visits", "child-visits"),
    ("nursing_home_visits", "nursing-home exchanges"),
    ("residents_unique", "residents reached (unique)"),
    ("resident_visits", "resident-visits"),
    ("unserved_count", "unserved"),
    ("runtime_s", "runtime s"),
    ("gap_pct", "gap %"),
)

def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _change_text(c: dict) -> str:
    if "dropped" in c["kinds"]:
        return "dropped"
    if "added" in c["kinds"]:
        t = c["to"]
        return f"added: {t['weekday']} {t['arrival']} every {t['every_weeks']} wk"
    f, t = c["from"], c["to"]
    parts = []
    if "weekday_moved" in c["kinds"]:
        parts.append(f"{f['weekday']}→{t['weekday']}")
    if "time_moved" in c["kinds"]:
        parts.append(f"{f['arrival']}→{t['arrival']} ({c['time_moved_min']:+d} min)")
    if "frequency_changed" in c["kinds"]:
        parts.append(f"every {f['every_weeks']}→{t['every_weeks']} wk")
    return ", ".join(parts)


def ended_by(source: dict) -> str:
    """What ended a source's search: "work" (reproducible: the same data, seed and work
    give the same plan as `bogbus plan`) or "clock: <phases>" (the machine was too busy;
    the figures may differ from a `plan` of the same source)."""
    cut = source.get("clock_cut") or []
    return f"clock: {', '.join(cut)}" if cut else "work"


def _kpi_rows(doc: dict) -> list[list[str]]:
    rows = [[label] + [_fmt(s[key]) for s in doc["sources"]] for key, label in FIGURES]
    rows.insert(3, ["CO2 factor"] + [s["co2_factor"] for s in doc["sources"]])
    rows.append(["search ended by"] + [ended_by(s) for s in doc["sources"]])
    return rows


def _clock_note(doc: dict, markdown: bool) -> list[str]:
    cut = [s["source"] for s in doc["sources"] if s.get("clock_cut")]
    if not cut:
        return []
    text = (f"The clock, not the work budget, ended the search of {', '.join(cut)}: the "
            "machine was busy, so these figures may differ from `bogbus plan` of the same "
            "source; give --work N (or a longer --time-limit) for reproducible figures.")
    return ["", f"**Note:** {text}" if markdown else f"Note: {text}"]


def to_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def to_table(doc: dict, markdown: bool = False) -> str:
    head = [""] + [s["source"] for s in doc["sources"]]
    rows = _kpi_rows(doc)
    lines: list[str] = []
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|---" + "|---:" * (len(head) - 1) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            lines.append("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                                   for i, c in enumerate(r)).rstrip())
    lines += _clock_note(doc, markdown)
    for s in doc["sources"]:
        if s["unserved"]:
            lines.append("")
            lines.append(f"{'**' if markdown else ''}Unserved in {s['source']}"
                         f"{'**' if markdown else ''}:")
            lines += [f"{'- ' if markdown else '  '}{u['site_id']}"
                      f"{' ' + u['date'] if u['date'] else ''}: {u['reason']}"
                      for u in s["unserved"]]
    for ch in doc["changes"]:
        lines.append("")
        c = ch["counts"]
        title = (f"Stops in {ch['source']} against {ch['against']}: {c['stops_changed']} changed "
                 f"({c['weekday_moved']} weekday, {c['time_moved']} time, "
                 f"{c['frequency_changed']} frequency, {c['dropped']} dropped, "
                 f"{c['added']} added)")
        lines.append(f"**{title}**" if markdown else title)
        if markdown and ch["stops"]:
            lines += ["", "| stop | name | change |", "|---|---|---|"]
        for s in ch["stops"]:
            lines.append(f"| {s['site_id']} | {s['name']} | {_change_text(s)} |" if markdown
                         else f"  {s['site_id']}  {s['name']}: {_change_text(s)}")
    return "\n".join(lines) + "\n"


def to_csv(doc: dict, dialect: str | None = None) -> str:
    """Two tables separated by a blank line: figures (one column per source), then
    per-stop changes; in the CSV `dialect` (excel default, or plain — io.csvwrite)."""
    rows: list[list[Cell]] = [["figure"] + [s["source"] for s in doc["sources"]]]
    for key, _label in FIGURES:
        rows.append([key] + [s[key] for s in doc["sources"]])
    rows.append(["co2_factor"] + [s["co2_factor"] for s in doc["sources"]])
    rows.append(["search_ended_by", *(ended_by(s) for s in doc["sources"])])
    rows.append([])
    rows.append(["source", "against", "site_id", "name", "changes", "weekday_from",
                 "weekday_to", "arrival_from", "arrival_to", "time_moved_min",
                 "every_weeks_from", "every_weeks_to"])
    for ch in doc["changes"]:
        for s in ch["stops"]:
            f, t = s["from"] or {}, s["to"] or {}
            rows.append([ch["source"], ch["against"], s["site_id"], s["name"],
                         "|".join(s["kinds"]), f.get("weekday"), t.get("weekday"),
                         f.get("arrival"), t.get("arrival"), s["time_moved_min"],
                         f.get("every_weeks"), t.get("every_weeks")])
    return csv_text(rows, dialect)


def render(doc: dict, fmt: str, csv_dialect: str | None = None) -> str:
    """The document in `fmt`: table (default), markdown, csv (in `csv_dialect`) or json."""
    if fmt == "json":
        return to_json(doc)
    if fmt == "csv":
        return to_csv(doc, csv_dialect)
    return to_table(doc, markdown=(fmt == "markdown"))
