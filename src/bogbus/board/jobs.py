"""Re-planning in the background, with progress the page polls and a cancel button.

The planner runs in a child process (spawned, so the server's threads are not
forked): cancelling terminates exactly that process, and nothing it did is kept. The
child calls `pipeline.plan_source`, which only returns a plan `bogbus check`
accepts; the board replaces its draft with it only then (`on_done`).
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..plan.document import Plan


def _child(source: str, quarter: str, time_limit_s: float | None, seed: int | None,
           work: int | None, previous: Plan | None, out: Any) -> None:
    """Runs in the child process: plan, report phases, hand back the checked plan."""
    from ..pipeline import plan_source

    try:
        out.put(("phase", "læser data"))
        plan = plan_source(source, quarter, time_limit_s=time_limit_s, seed=seed, work=work,
                           previous=previous, progress=lambda msg: out.put(("phase", msg)))
        out.put(("done", plan))
    except InputError as exc:
        out.put(("error", [str(p) for p in exc.problems if p.severity == "error"]))
    except Exception as exc:  # reported to the page, never a silent dead job
        out.put(("error", [f"{type(exc).__name__}: {exc}"]))


@dataclass
class Job:
    id: int
    source: str
    limit_s: float
    state: str = "running"  # running | done | failed | cancelled
    phase: str = "starter"
    phases: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        elapsed = (self.ended or time.monotonic()) - self.started
        return {"id": self.id, "state": self.state, "phase": self.phase,
                "phases": self.phases[-8:], "elapsed_s": round(elapsed, 1),
                "limit_s": self.limit_s,
                "left_s": max(0.0, round(self.limit_s - elapsed, 1))
                if self.state == "running" else 0.0,
                "errors": self.errors, "source": self.source}


class Jobs:
    """At most one re-plan at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._job: Job | None = None
        self._proc: Any = None
        self._count = 0

    def current(self) -> Job | None:
        return self._job

    def start(self, source: str, quarter: str, *, time_limit_s: float, seed: int | None,
              work: int | None, previous: Plan | None,
              on_done: Callable[[Plan], None]) -> Job:
        with self._lock:
            if self._job is not None and self._job.state == "running":
                raise RuntimeError("a re-plan is already running — wait or cancel it")
            self._count += 1
            job = Job(self._count, source, time_limit_s)
            ctx = mp.get_context("spawn")
            out = ctx.Queue()
            proc = ctx.Process(target=_child, args=(source, quarter, time_limit_s, seed, work,
                                                    previous, out))
            # not a daemon: the planner runs its lower bound in a process of its own,
            # which a daemonic process may not start; the server's exit cancels it
            atexit.register(self.cancel)
            proc.start()
            self._job, self._proc = job, proc
        threading.Thread(target=self._watch, args=(job, proc, out, on_done), daemon=True).start()
        return job

    def _watch(self, job: Job, proc: Any, out: Any, on_done: Callable[[Plan], None]) -> None:
        while job.state == "running":
            try:
                kind, value = out.get(timeout=0.2)
            except queue.Empty:
                if not proc.is_alive() and job.state == "running":
                    job.state, job.errors = "failed", ["planlægningen stoppede uventet"]
                continue
            if kind == "phase":
                job.phase = str(value)
                job.phases.append(job.phase)
            elif kind == "done":
                try:
                    on_done(value)
                    job.state = "done"
                except Exception as exc:  # e.g. the disk is full: the old draft stays
                    job.state, job.errors = "failed", [str(exc)]
            else:
                job.state, job.errors = "failed", list(value)
        job.ended = time.monotonic()
        proc.join(timeout=5)

    def cancel(self) -> Job | None:
        """Stop the running re-plan (its own process only); the old plan stays."""
        with self._lock:
            job, proc = self._job, self._proc
            if job is None or job.state != "running":
                return job
            job.state = "cancelled"
            job.ended = time.monotonic()
            proc.terminate()
            proc.join(timeout=5)
            return job
