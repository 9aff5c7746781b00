"""`bogbus report`: the board's report from one or more plan.json files.

Writes into one folder, each file atomically:
- `report.json` — every figure (schema `bogbus.report/1`, `reportdata`);
- `report.html` — one self-contained page in Danish (charts embedded);
- `report.pdf`  — the same on A4;
- `report.csv`  — one row per plan and one total row per scenario, in the CSV dialect
  asked for (Danish Excel by default), for whoever wants to continue in a spreadsheet.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ...io import atomic
from ...io.csvwrite import Cell, csv_text
from ...plan.document import Plan
from .data import KINDS, group_plans, report_figures
from .html import report_html
from .layout import report_charts
from .pdf import report_pdf

CSV_COLUMNS = ("scenario", "quarter", "routes", "visits_total", *(f"visits_{k}" for k in KINDS),
               "children_unique", "child_visits", "residents_unique", "resident_visits",
               "public_service_hours", "km", "drive_hours", "route_hours", "litres", "kwh",
               "co2_kg", "cost_kr", "gap_pct", "unserved")


def _csv_row(label: str, quarter: str, f: dict) -> list[Cell]:
    return [label, quarter, f["routes"] if "routes" in f else None, f["visits_total"],
            *(f["visits"].get(k, 0) for k in KINDS), f["children_unique"],
            f["child_visits"], f["residents_unique"], f["resident_visits"],
            f["public_service_hours"], f["km"], f["drive_hours"], f["route_hours"],
            f["energy"]["litres"], f["energy"]["kwh"], f["co2_kg"],
            f["cost"]["total_kr"] if f.get("cost") else None, f.get("gap_pct"), f["unserved"]]


def report_csv(doc: dict, dialect: str | None = None) -> str:
    rows: list[Sequence[Cell]] = [CSV_COLUMNS]
    for g in doc["groups"]:
        for p in g["plans"]:
            rows.append(_csv_row(g["label"], p["quarter"], p))
        rows.append(_csv_row(g["label"], "total", g["totals"]))
    return csv_text(rows, dialect)


def write_report(plans: Sequence[Plan], out_dir: Path, labels: Sequence[str] | None = None,
                 csv_dialect: str | None = None) -> list[Path]:
    """Render the report of `plans` into `out_dir`; returns the paths written."""
    doc = report_figures(plans, labels)
    charts = report_charts(doc, group_plans(plans, labels))
    html = report_html(doc, charts)
    pdf = report_pdf(doc, charts)
    csv = report_csv(doc, csv_dialect)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    return [atomic.write_text(out / "report.json", text),
            atomic.write_text(out / "report.html", html),
            atomic.write_bytes(out / "report.pdf", pdf),
            atomic.write_text(out / "report.csv", csv)]


def plan_files(paths: Sequence[str | Path]) -> list[Path]:
    """PLAN arguments → plan.json files: a file as given, a folder's plan.json, or the
    plan.json of each sub-folder (a year folder `…-2027/Q1 … Q4`)."""
    from ...errors import BogbusError

    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            out.append(p)
        elif p.is_dir() and (p / "plan.json").is_file():
            out.append(p / "plan.json")
        elif p.is_dir() and (subs := sorted(p.glob("*/plan.json"))):
            out += subs
        elif p.is_dir():
            raise BogbusError(f"{p}: no plan.json in this folder or its sub-folders — "
                              "give plan files or folders written by `bogbus plan`")
        else:
            raise BogbusError(f"{p}: no such plan file or folder — run `bogbus plan` first")
    return out


def default_out(files: Sequence[Path]) -> Path:
    """Where the report goes without --out: the folder all the plans share (beside a
    single plan; the year folder for a year)."""
    import os

    folders = [str(f.resolve().parent) for f in files]
    return _relative(Path(os.path.commonpath(folders)))


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
