"""`bogbus compare`: key figures of several plans side by side, and per-stop changes.

Everything here works on plan dicts (plan.json), so a comparison can be re-derived
from the plan files alone: every figure is a sum over the plan's `routes` (or, for
stop changes, a diff of the plans' `stop_timetable`). Planning the sources is a
separate step (`plan_sources`) that runs them in parallel processes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Sequence

SCHEMA = "bogbus.compare/1"

# (key, label) in display order; values come from `summarize`
FIGURES: tuple[tuple[str, str], ...] = (
    ("km_total", "km per quarter"),
    ("drive_hours", "drive hours"),
    ("co2_kg", "CO2 kg"),
    ("public_service_hours", "public service hours"),
    ("public_stops_served", "public stops served"),
    ("stop_visits", "stop visits"),
    ("daycare_visits", "daycare visits"),
    ("children_reached", "children reached"),
    ("nursing_home_visits", "nursing-home exchanges"),
    ("residents_reached", "residents reached"),
    ("unserved_count", "unserved"),
    ("runtime_s", "runtime s"),
    ("gap_pct", "gap %"),
)
CHANGE_KINDS = ("weekday_moved", "time_moved", "frequency_changed", "dropped", "added")


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def co2_factor_text(plan: dict) -> str:
    """The CO2 factors the plan used, stated the way the table shows them."""
    f = plan.get("co2_factors", {})
    fuels = {("litres" if (v.get("energy") or {}).get("litres_per_100km") else "kwh")
             for v in plan.get("vehicles", [])} or {"litres"}
    parts = []
    if "litres" in fuels:
        parts.append(f"{f.get('kg_per_litre', 0):g} kg/l")
    if "kwh" in fuels:
        parts.append(f"{f.get('kg_per_kwh', 0):g} kg/kWh")
    return ", ".join(parts)


def summarize(plan: dict, label: str | None = None) -> dict:
    """One source's figures, each a sum over `plan["routes"]` (runtime/gap from the plan)."""
    sites = {s["id"]: s for s in plan["sites"]}
    vehicles = {v["name"]: v for v in plan.get("vehicles", [])}
    factors = plan.get("co2_factors", {})
    km = drive = service = co2 = 0.0
    visits = {"stop": 0, "daycare": 0, "nursing_home": 0, "branch": 0}
    children = residents = 0
    stops_served: set[str] = set()
    for r in plan["routes"]:
        km += r["km"]
        drive += r["drive_min"]
        energy = vehicles.get(r["vehicle"], {}).get("energy") or {}
        co2 += r["km"] / 100 * ((energy.get("litres_per_100km") or 0)
                                * factors.get("kg_per_litre", 0)
                                + (energy.get("kwh_per_100km") or 0)
                                * factors.get("kg_per_kwh", 0))
        for v in r["visits"]:
            s = sites[v["site_id"]]
            visits[s["kind"]] = visits.get(s["kind"], 0) + 1
            if s["kind"] == "stop":
                stops_served.add(s["id"])
                service += _minutes(v["departure"]) - _minutes(v["arrival"])
            elif s["kind"] == "daycare":
                children += s.get("children") or 0
            elif s["kind"] == "nursing_home":
                residents += s.get("residents") or 0
    kpis = plan.get("kpis", {})
    reasons: dict[str, int] = {}
    for u in plan.get("unserved", []):
        reasons[u["reason"]] = reasons.get(u["reason"], 0) + 1
    return {
        "source": label or plan.get("scenario", ""),
        "scenario": plan.get("scenario"),
        "data": plan.get("data"),
        "quarter": plan.get("quarter"),
        "km_total": round(km, 1),
        "drive_hours": round(drive / 60, 2),
        "co2_kg": round(co2, 1),
        "co2_factor": co2_factor_text(plan),
        "public_service_hours": round(service / 60, 2),
        "public_stops_served": len(stops_served),
        "stop_visits": visits["stop"],
        "daycare_visits": visits["daycare"],
        "children_reached": int(children),
        "nursing_home_visits": visits["nursing_home"],
        "residents_reached": int(residents),
        "routes": len(plan["routes"]),
        "unserved_count": len(plan.get("unserved", [])),
        "unserved": [{"site_id": u["site_id"], "date": u.get("date"), "reason": u["reason"]}
                     for u in plan.get("unserved", [])],
        "unserved_reasons": reasons,
        "runtime_s": (plan.get("solver") or {}).get("runtime_s"),
        "seed": (plan.get("solver") or {}).get("seed"),
        "time_limit_s": (plan.get("solver") or {}).get("time_limit_s"),
        "inputs_sha256": plan.get("inputs_sha256"),
        "gap_pct": kpis.get("gap_pct"),
        "lower_bound_km": kpis.get("lower_bound_km"),
    }


def _slot(entry: dict) -> dict:
    return {"vehicle": entry.get("vehicle"), "weekday": entry["weekday"],
            "arrival": entry["arrival"], "every_weeks": entry.get("every_weeks"),
            "week_phase": entry.get("week_phase")}


def stop_changes(first: dict, other: dict) -> list[dict]:
    """Per public stop, what changed from `first`'s timetable to `other`'s; unchanged
    stops are left out. `kinds` lists weekday_moved, time_moved, frequency_changed,
    dropped, added."""
    a = {e["site_id"]: e for e in first.get("stop_timetable", [])}
    b = {e["site_id"]: e for e in other.get("stop_timetable", [])}
    names = {s["id"]: s["name"] for s in (*first.get("sites", []), *other.get("sites", []))}
    out = []
    for sid in sorted(set(a) | set(b)):
        x, y = a.get(sid), b.get(sid)
        kinds: list[str] = []
        moved = None
        if y is None:
            kinds.append("dropped")
        elif x is None:
            kinds.append("added")
        else:
            if x["weekday"] != y["weekday"]:
                kinds.append("weekday_moved")
            moved = _minutes(y["arrival"]) - _minutes(x["arrival"])
            if moved:
                kinds.append("time_moved")
            if x.get("every_weeks") != y.get("every_weeks"):
                kinds.append("frequency_changed")
        if not kinds:
            continue
        out.append({"site_id": sid, "name": names.get(sid, ""), "kinds": kinds,
                    "time_moved_min": moved,
                    "from": _slot(x) if x else None, "to": _slot(y) if y else None})
    return out


def compare_plans(plans: Sequence[dict], labels: Sequence[str] | None = None,
                  previous: dict | None = None) -> dict:
    """The comparison document (`"schema": "bogbus.compare/1"`) of plan dicts; the first
    plan is the reference for the per-stop changes — or, given `previous` (the
    published plan every source was planned against), every plan is compared with
    it, so each source's changes are only what that scenario causes."""
    if not plans:
        raise ValueError("nothing to compare")
    labels = list(labels) if labels else _labels(plans)
    sources = [summarize(p, lab) for p, lab in zip(plans, labels)]
    changes = []
    if previous is not None:
        ref_label = f"previous {previous.get('scenario')} {previous.get('quarter')}"
        pairs = [(previous, ref_label, p, lab) for p, lab in zip(plans, labels)]
    else:
        pairs = [(plans[0], labels[0], p, lab) for p, lab in zip(plans[1:], labels[1:])]
    for ref, ref_lab, p, lab in pairs:
        stops = stop_changes(ref, p)
        counts = {k: sum(k in c["kinds"] for c in stops) for k in CHANGE_KINDS}
        counts["stops_changed"] = len(stops)
        changes.append({"source": lab, "against": ref_lab, "counts": counts, "stops": stops})
    return {"schema": SCHEMA, "quarter": sorted({p.get("quarter") for p in plans}),
            "reference": pairs[0][1] if pairs else labels[0], "sources": sources,
            "changes": changes}


def _labels(plans: Sequence[dict]) -> list[str]:
    """Scenario names; where two are equal, the data source too, then a number."""
    names = [p.get("scenario") or f"plan {i + 1}" for i, p in enumerate(plans)]
    names = [n if names.count(n) == 1 else f"{n} ({p.get('data')})"
             for n, p in zip(names, plans)]
    return [n if names.count(n) == 1 else f"{n} #{i + 1}" for i, n in enumerate(names)]


# ---------------------------------------------------------------- formatting

def _fmt(value) -> str:
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


def _kpi_rows(doc: dict) -> list[list[str]]:
    rows = [[label] + [_fmt(s[key]) for s in doc["sources"]] for key, label in FIGURES]
    rows.insert(3, ["CO2 factor"] + [s["co2_factor"] for s in doc["sources"]])
    return rows


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


def to_csv(doc: dict) -> str:
    """Two tables separated by a blank line: figures (one column per source), then
    per-stop changes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["figure"] + [s["source"] for s in doc["sources"]])
    for key, _label in FIGURES:
        w.writerow([key] + ["" if s[key] is None else s[key] for s in doc["sources"]])
    w.writerow(["co2_factor"] + [s["co2_factor"] for s in doc["sources"]])
    w.writerow([])
    w.writerow(["source", "against", "site_id", "name", "changes", "weekday_from", "weekday_to",
                "arrival_from", "arrival_to", "time_moved_min", "every_weeks_from",
                "every_weeks_to"])
    for ch in doc["changes"]:
        for s in ch["stops"]:
            f, t = s["from"] or {}, s["to"] or {}
            w.writerow([ch["source"], ch["against"], s["site_id"], s["name"],
                        "|".join(s["kinds"]), f.get("weekday", ""), t.get("weekday", ""),
                        f.get("arrival", ""), t.get("arrival", ""),
                        "" if s["time_moved_min"] is None else s["time_moved_min"],
                        f.get("every_weeks", ""), t.get("every_weeks", "")])
    return buf.getvalue()


def render(doc: dict, fmt: str) -> str:
    if fmt == "json":
        return to_json(doc)
    if fmt == "csv":
        return to_csv(doc)
    return to_table(doc, markdown=(fmt == "markdown"))


# ---------------------------------------------------------------- planning

def plan_one(source: str, quarter: str, time_limit_s: float | None,
             seed: int | None, previous: dict | None = None) -> dict:
    """Plan one source and return its checked plan dict (runs in a worker process)."""
    from .calendar import parse_quarter
    from .check import check_plan
    from .errors import BogbusError
    from .io import load_source
    from .plan import build_plan
    from .solve import plan_quarter

    instance = load_source(source)
    result = plan_quarter(instance, parse_quarter(quarter), time_limit_s=time_limit_s,
                          seed=seed, previous=previous)
    data = build_plan(result)
    violations = check_plan(data, instance)
    if violations:
        raise BogbusError(f"{source}: internal error: the plan broke {len(violations)} "
                          f"rule(s): {violations[0]}")
    return data


def plan_sources(sources: Sequence[str], quarter: str, *, time_limit_s: float | None = None,
                 seed: int | None = None,
                 progress: Callable[[str], None] | None = None,
                 previous: dict | None = None) -> list[dict]:
    """Plan every source, in parallel processes where there are cores; plans in the
    order given. `previous`: a published plan every source keeps as its target."""
    say = progress or (lambda msg: None)
    workers = max(1, min(len(sources), os.cpu_count() or 1))
    t0 = time.perf_counter()
    if workers == 1:
        plans = []
        for i, src in enumerate(sources):
            say(f"planning {src} ({i + 1}/{len(sources)})")
            plans.append(plan_one(src, quarter, time_limit_s, seed, previous))
        return plans
    say(f"planning {len(sources)} sources on {workers} processes")
    results: dict[int, dict] = {}
    import multiprocessing

    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(plan_one, src, quarter, time_limit_s, seed, previous): i
                   for i, src in enumerate(sources)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            say(f"planned {sources[i]} ({len(results)}/{len(sources)}, "
                f"{time.perf_counter() - t0:.0f} s)")
    return [results[i] for i in range(len(sources))]
