"""`bogbus compare`: key figures of several plans side by side, and per-stop changes.

Everything here works on plan dicts (plan.json), so a comparison can be re-derived
from the plan files alone: every figure is a sum over the plan's `routes` (or, for
stop changes, a diff of the plans' `stop_timetable`). Planning the sources is a
separate step (`plan_sources`) that runs them in parallel processes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from .pipeline import plan_source
from .plan.diff import CHANGE_KINDS, stop_changes
from .plan.document import Plan
from .plan.kpis import compute_kpis
from .render.comparetable import FIGURES, render, to_csv, to_json, to_table

__all__ = ["FIGURES", "compare_plans", "plan_one", "plan_sources", "render", "stop_changes",
           "summarize", "to_csv", "to_json", "to_table"]

SCHEMA = "bogbus.compare/1"
PROCESSES_PER_PLAN = 2  # the search and, beside it, the lower bound (solve/planner.py)



def co2_factor_text(plan: Plan) -> str:
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


def summarize(plan: Plan, label: str | None = None) -> dict:
    """One source's figures: the key figures re-derived from `plan["routes"]` by
    `plan.kpis.compute_kpis` (the same sums `bogbus check` verifies), runtime/gap from
    the plan."""
    k = compute_kpis(plan)
    visits = k["visits"]
    stop_ids = _stop_ids(plan)
    stops_served = {v["site_id"] for r in plan["routes"] for v in r["visits"]
                    if v["site_id"] in stop_ids}
    kpis = plan.get("kpis", {})
    reasons: dict[str, int] = {}
    for u in plan.get("unserved", []):
        reasons[u["reason"]] = reasons.get(u["reason"], 0) + 1
    return {
        "source": label or plan.get("scenario", ""),
        "scenario": plan.get("scenario"),
        "data": plan.get("data"),
        "quarter": plan.get("quarter"),
        "km_total": k["km_total"],
        "drive_hours": k["drive_hours"],
        "co2_kg": k["co2_kg"],
        "co2_factor": co2_factor_text(plan),
        "public_service_hours": k["public_service_hours"],
        "public_stops_served": len(stops_served),
        "stop_visits": visits["stop"],
        "daycare_visits": visits["daycare"],
        "children_unique": k["children_unique"], "child_visits": k["child_visits"],
        "residents_unique": k["residents_unique"], "resident_visits": k["resident_visits"],
        "nursing_home_visits": visits["nursing_home"],
        "routes": len(plan["routes"]),
        "unserved_count": len(plan.get("unserved", [])),
        "unserved": [{"site_id": u["site_id"], "date": u.get("date"), "reason": u["reason"]}
                     for u in plan.get("unserved", [])],
        "unserved_reasons": reasons,
        "runtime_s": (plan.get("solver") or {}).get("runtime_s"),
        "seed": (plan.get("solver") or {}).get("seed"),
        "time_limit_s": (plan.get("solver") or {}).get("time_limit_s"),
        "work": (plan.get("solver") or {}).get("work"),
        "clock_cut": list((plan.get("solver") or {}).get("clock_cut") or []),
        "inputs_sha256": plan.get("inputs_sha256"),
        "gap_pct": kpis.get("gap_pct"),
        "lower_bound_km": kpis.get("lower_bound_km"),
    }


def _stop_ids(plan: Plan) -> set[str]:
    return {s["id"] for s in plan["sites"] if s["kind"] == "stop"}


def compare_plans(plans: Sequence[Plan], labels: Sequence[str] | None = None,
                  previous: Plan | None = None) -> dict:
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


def _labels(plans: Sequence[Plan]) -> list[str]:
    """Scenario names; where two are equal, the data source too, then a number."""
    names = [p.get("scenario") or f"plan {i + 1}" for i, p in enumerate(plans)]
    names = [n if names.count(n) == 1 else f"{n} ({p.get('data')})"
             for n, p in zip(names, plans)]
    return [n if names.count(n) == 1 else f"{n} #{i + 1}" for i, n in enumerate(names)]


# ---------------------------------------------------------------- planning

def plan_one(source: str, quarter: str, time_limit_s: float | None,
             seed: int | None, previous: Plan | None = None,
             progress: Callable[[str], None] | None = None,
             work: int | None = None) -> Plan:
    """Plan one source and return its checked plan dict (runs in a worker process)."""
    if progress is not None:
        progress("reading the data")
    return plan_source(source, quarter, time_limit_s=time_limit_s, seed=seed,
                       previous=previous, progress=progress, work=work)


class _Relay:
    """A progress callback a worker process can carry: puts (source index, phase) on a
    manager queue that the parent turns into that source's progress bar."""

    def __init__(self, queue, index: int):
        self.queue, self.index = queue, index

    def __call__(self, message: str) -> None:
        self.queue.put((self.index, message))


def _relay_phases(queue, tasks: Sequence) -> None:
    started: set[int] = set()
    while (item := queue.get()) is not None:
        i, message = item
        if i not in started:
            started.add(i)
            tasks[i].start()
        if message is None:
            tasks[i].done()
        else:
            tasks[i](message)


def plan_sources(sources: Sequence[str], quarter: str, *, time_limit_s: float | None = None,
                 seed: int | None = None,
                 progress: Callable[[str], None] | None = None,
                 previous: Plan | None = None,
                 tasks: Sequence | None = None, work: int | None = None) -> list[Plan]:
    """Plan every source, in parallel processes where there are cores; plans in the
    order given. `previous`: a published plan every source keeps as its target.
    `tasks[i]` (optional, a `progress.TaskProgress`) follows source i: it is started when
    the source starts, shows its phases and is done when its plan is back."""
    say = progress or (lambda msg: None)
    # each source gets what a single `bogbus plan` gets: its own time limit and work
    # budget (neither is split), and two cores — one for the search, one for the lower
    # bound's process beside it. More plans than cores/2 at once would halve each
    # search's CPU, and the clock, not the work, would end it: another plan than `plan`.
    workers = max(1, min(len(sources), (os.cpu_count() or 1) // PROCESSES_PER_PLAN))
    t0 = time.perf_counter()
    if workers == 1:
        plans = []
        for i, src in enumerate(sources):
            say(f"planning {src} ({i + 1}/{len(sources)})")
            tk = tasks[i] if tasks else None
            if tk is not None:
                tk.start()
            plans.append(plan_one(src, quarter, time_limit_s, seed, previous, tk, work))
            if tk is not None:
                tk.done()
        return plans
    say(f"planning {len(sources)} sources on {workers} processes")
    results: dict[int, Plan] = {}
    import multiprocessing
    import threading

    ctx = multiprocessing.get_context("spawn")
    manager = ctx.Manager() if tasks else None
    queue = manager.Queue() if manager is not None else None
    listener = None
    if queue is not None:  # phases from the workers → the tasks' bars, in this process
        listener = threading.Thread(target=_relay_phases, args=(queue, tasks), daemon=True)
        listener.start()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    try:
        futures = {pool.submit(plan_one, src, quarter, time_limit_s, seed, previous,
                               _Relay(queue, i) if queue is not None else None, work): i
                   for i, src in enumerate(sources)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if queue is not None:
                queue.put((i, None))  # done, after any phase still queued
            say(f"planned {sources[i]} ({len(results)}/{len(sources)}, "
                f"{time.perf_counter() - t0:.0f} s)")
    except BaseException:  # an error, Ctrl-C or SIGTERM: stop the other plans now
        _stop_workers(pool)
        raise
    finally:
        if queue is not None and listener is not None:
            queue.put(None)
            listener.join(timeout=5)
        if manager is not None:
            manager.shutdown()
    pool.shutdown()
    return [results[i] for i in range(len(sources))]


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel queued plans and end running ones: waiting for them (what `with` does)
    would keep a Ctrl-C'd compare running for the whole time limit."""
    running = list((getattr(pool, "_processes", None) or {}).values())  # before shutdown
    pool.shutdown(wait=False, cancel_futures=True)                    # forgets them
    for proc in running:
        proc.terminate()
