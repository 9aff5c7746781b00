"""The board's state behind the HTTP layer: the workspace, the plan on the board, the
scenario file it keeps and the running re-plan. Testable without a server.

Which plan is shown: the board's draft (`plans/<name>-<quarter>-board/plan.json`,
written by a re-plan) if there is one, else the published plan
(`plans/<name>-<quarter>/plan.json`, what `bogbus plan SOURCE` writes), else none
until the first re-plan. Moves made since that plan are kept as pins in the scenario
and shown on top of it (`overlay`) until the next re-plan.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ..calendar import next_quarter, parse_quarter
from ..errors import BogbusError
from ..io import load_source
from ..model import Instance
from ..plan.document import Plan
from ..plan.files import read_plan, write_plan
from ..travel import TravelMatrix, build_travel
from . import weekgrid
from .jobs import Jobs
from .move import Slot, answer_move
from .publish import write_plan_folder
from .scenariofile import BoardScenario, Saved, pins
from .workspace import Workspace, safe_name

MAX_MOVE_TIME_S = 0.3  # the target for one move's answer on Randers (bench/board.py)


class Board:
    def __init__(self, workspace: Workspace, quarter: str | None = None, *,
                 work: int | None = None, time_limit_s: float | None = None,
                 seed: int | None = None) -> None:
        self.ws = workspace
        source = load_source(workspace.source)  # bad data: the CLI's message, exit 1
        self.name = safe_name(source.scenario)
        self.quarter = (parse_quarter(quarter) if quarter else next_quarter(date.today())).quarter
        self.work, self.time_limit_s, self.seed = work, time_limit_s, seed
        self.scenario = BoardScenario(workspace.scenarios / f"board-{self.name}.yaml",
                                      workspace.source)
        self.jobs = Jobs()
        self._lock = threading.RLock()
        self._instance: tuple[str, Instance, TravelMatrix] | None = None
        self.overlay: dict[str, dict[str, Any]] = {}  # moves since the plan: card fields
        self.plan: Plan | None = None
        self.plan_path: Path | None = None
        for path in (self.draft_path, self.published_path):
            if path.is_file():
                self.plan, self.plan_path = read_plan(path), path
                break

    # -- places ----------------------------------------------------------------
    @property
    def draft_path(self) -> Path:
        return self.ws.plans / f"{self.name}-{self.quarter}-board" / "plan.json"

    @property
    def published_dir(self) -> Path:
        return self.ws.plans / f"{self.name}-{self.quarter}"

    @property
    def published_path(self) -> Path:
        return self.published_dir / "plan.json"

    # -- the instance the moves are answered on ----------------------------------
    def instance(self) -> tuple[Instance, TravelMatrix]:
        """The board's scenario (or the source) loaded, with its travel model; cached
        by the scenario's version."""
        _doc, version = self.scenario.read()
        with self._lock:
            if self._instance is None or self._instance[0] != version:
                inst = load_source(self.scenario.planning_source())
                self._instance = (version, inst, build_travel(inst))
            return self._instance[1], self._instance[2]

    def _remember(self, saved: Saved) -> None:
        """The instance a saved change was validated on becomes the cached one (no reload
        on the next drag); the travel model is kept when no site moved or was added."""
        with self._lock:
            travel = None
            if self._instance is not None:
                old = {(x.id, x.lat, x.lon) for x in self._instance[1].sites}
                if {(x.id, x.lat, x.lon) for x in saved.instance.sites} <= old:
                    travel = self._instance[2]
            self._instance = (saved.version, saved.instance,
                              travel or build_travel(saved.instance))

    # -- views ----------------------------------------------------------------------
    def slots(self) -> dict[str, Slot]:
        assert self.plan is not None
        slots = weekgrid.slots_of(self.plan)
        for sid, o in self.overlay.items():
            if sid in slots:
                slots[sid] = (o["vehicle"], o["weekday"], o["phase"])
        return slots

    def state(self) -> dict[str, Any]:
        doc, version = self.scenario.read()
        job = self.jobs.current()
        out: dict[str, Any] = {
            "name": self.name, "quarter": self.quarter, "version": version,
            "scenario_file": self.ws.relative(self.scenario.path),
            "scenario": doc, "pins": pins(doc), "closed": list(doc.get("remove") or []),
            "added": [a.get("id") for a in (doc.get("add") or [])],
            "plan_file": self.ws.relative(self.plan_path) if self.plan_path else None,
            "published": self.ws.relative(self.published_path)
            if self.published_path.is_file() else None,
            "plans": self.ws.plan_files(), "job": job.as_json() if job else None,
            "plan": None}
        if self.plan is not None:
            closed = set(doc.get("remove") or [])
            pinned = pins(doc)
            overlay = {sid: {**o, "pinned": sid in pinned} for sid, o in self.overlay.items()}
            for sid in pinned:
                overlay.setdefault(sid, {"pinned": True})
            out["plan"] = {"figures": weekgrid.key_figures(self.plan),
                           "cards": weekgrid.cards(self.plan, overlay, closed),
                           "points": weekgrid.map_points(self.plan),
                           "shifts": weekgrid.shifts(self.plan),
                           "period": self.plan["period"],
                           "scenario": self.plan.get("scenario"),
                           "sites": {s["id"]: _site_fields(s) for s in self.plan["sites"]}}
        return out

    # -- a move ------------------------------------------------------------------
    def move(self, sid: str, target: Slot, version: str) -> dict[str, Any]:
        """Answer a drop; a feasible one is saved as a pin (scenario) and shown."""
        if self.plan is None:
            raise BogbusError("no plan on the board yet — plan first")
        started = time.perf_counter()
        with self._lock:
            instance, travel = self.instance()
            slots = self.slots()
            if sid not in slots:
                raise BogbusError(f"{sid}: not a public stop in the plan's timetable")
            known = {v.name for v in instance.settings.vehicles}
            if target[0] not in known:
                raise BogbusError(f"vehicle {target[0]!r}: not in settings.yaml "
                                  f"({', '.join(sorted(known))})")
            answer = answer_move(instance, travel, slots, sid, target)
            out = answer.as_json()
            out["seconds"] = round(time.perf_counter() - started, 3)
            if not answer.feasible:
                return out
            several = len(instance.settings.vehicles) > 1
            saved = self.scenario.apply({"op": "pin", "site": sid, "weekday": target[1],
                                         "time": answer.arrival,
                                         "vehicle": target[0] if several else None}, version)
            self._remember(saved)
            for day in answer.days:
                for other, t in day["times"].items():
                    o = self.overlay.setdefault(other, {})
                    o.update({"vehicle": day["vehicle"], "weekday": day["weekday"],
                              "phase": slots[other][2] if other != sid else target[2],
                              "arrival": t, "departure": _departure(instance, other, t),
                              "moved": other == sid or o.get("moved", False)})
            out["version"] = saved.version
            out["seconds"] = round(time.perf_counter() - started, 3)
            return out

    def change(self, change: dict, version: str) -> Saved:
        with self._lock:
            saved = self.scenario.apply(change, version)
            self._remember(saved)
            if change.get("op") == "unpin":
                self.overlay.pop(str(change.get("site")), None)
            return saved

    # -- re-plan -------------------------------------------------------------------
    def replan(self) -> dict[str, Any]:
        source = self.scenario.planning_source()
        limit = self.time_limit_s if self.time_limit_s is not None else \
            load_source(source).settings.time_limit_s
        job = self.jobs.start(str(source), self.quarter, time_limit_s=limit, seed=self.seed,
                              work=self.work, previous=self.plan, on_done=self._adopt)
        return job.as_json()

    def _adopt(self, plan: Plan) -> None:
        """A re-plan's checked plan becomes the draft (written atomically), the overlay
        is cleared: the plan now holds the moves."""
        write_plan(plan, self.draft_path)
        with self._lock:
            self.plan, self.plan_path, self.overlay = plan, self.draft_path, {}

    # -- publish -------------------------------------------------------------------
    def publish(self) -> list[str]:
        if self.plan is None:
            raise BogbusError("no plan on the board yet — plan first")
        if self.overlay:
            raise BogbusError("the board has moves that are not planned yet — re-plan "
                              "(Genplanlæg) before publishing")
        previous = read_plan(self.published_path) if self.published_path.is_file() else None
        with self._lock:
            plan = self.plan
        written = write_plan_folder(plan, self.published_dir,
                                    self.ws.maps / f"{self.name}-{self.quarter}.html",
                                    previous=previous)
        return [self.ws.relative(p) for p in written]


def _site_fields(s: Mapping[str, Any]) -> dict[str, Any]:
    return {k: s.get(k) for k in ("id", "kind", "name", "earliest", "latest", "duration_min",
                                  "every_weeks", "days", "lat", "lon")}


def _departure(instance: Instance, sid: str, arrival: str) -> str:
    from ..model import hhmm, parse_hhmm

    return hhmm(parse_hhmm(arrival) + instance.site(sid).duration_min)


