"""The lower bound beside the search: a second process on the second core.

Why: the bound (bound.py) needs nothing from the search except which stops are served
and, to stop its probes early, the plan's cost. Run after the search it took 40–50 %
of a 30 s run; run beside it, it costs no wall time on a machine with two cores (a
planner's laptop has at least two), and the plan stays exactly what the search alone
gives — the bound never feeds back into the timetable.

The child reports every improvement of the bound as it proves it; at the deadline the
parent takes the last report and stops the child, so the bound can never make
`bogbus plan` overrun its time limit. Where `fork` is not available (Windows, macOS'
default) the bound runs after the search instead, with the time left.

When the search leaves stops unserved, the bound for all servable stops says nothing
about the plan (it serves fewer), so the parent sends the child the stops it serves
(`narrow`) as soon as the search ends. The child, done with the first bound, answers
for those stops: from its LP over walks, which only has to let the others go and go
on (docs/lower-bound.md), or anew. Before, the parent recomputed it only after the
outreach, in what was left of the limit — at 180 stops nothing but the neighbour floor.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import time
from dataclasses import replace

from ...model import Instance
from ...travel import TravelMatrix
from .core import TemplateBound, narrowed_walk_bound, template_lower_bound


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # Linux: KiB


def _detach() -> None:
    """Never outlive the planner, never hold its output: if the parent is killed (e.g.
    a compare worker stopped by SIGTERM) the kernel ends this child too (Linux), and
    its stdout/stderr go to /dev/null so a caller waiting for the parent's output
    pipes is not kept waiting by an orphan."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's terminate() still applies
        pass
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _narrowing(inbox, deadline: float) -> tuple | None:
    """The parent's request for fewer stops (served, the plan's km, due by), waited
    for until `deadline`; None if none comes or the parent has gone."""
    left = deadline - time.perf_counter()
    try:
        return inbox.recv() if left > 0 and inbox.poll(left) else None
    except (EOFError, OSError):
        return None


def _asked(inbox) -> bool:
    """Has the parent sent an order (or gone)? Never blocks."""
    try:
        return bool(inbox.poll())
    except (EOFError, OSError):
        return True


def _child(conn, inbox, instance: Instance, travel: TravelMatrix, served: frozenset[str],
           det_limit: float, seed: int, deadline: float) -> None:
    """Runs in the child: send each proven bound, then the final one; then, if the
    parent names the stops its plan serves (`inbox`), the same for those. Ctrl-C and
    SIGTERM end it silently: the parent reports the interruption (and stops it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _detach()
    t0 = time.process_time()
    narrowed = [False]
    last: list[TemplateBound] = []  # the last bound reported
    best: list[tuple[float, tuple]] = []  # the cheapest real timetable offered

    def report(b: TemplateBound) -> None:
        last[:] = [b]
        # every report for all servable stops carries the cheapest timetable so far:
        # the parent keeps only the last report it read
        if best and not narrowed[0]:
            b = replace(b, incumbent=best[0][1], incumbent_km=best[0][0])
        conn.send(replace(b, cpu_s=round(time.process_time() - t0, 2), peak_mb=_peak_mb(),
                          narrowed=narrowed[0]))

    def offer(km: float, days: tuple) -> None:
        if not narrowed[0] and (not best or km < best[0][0]):
            best[:] = [(km, days)]
            if last:
                report(last[0])  # the same bound, now with this timetable

    kept: dict = {}
    try:
        final = template_lower_bound(instance, travel, set(served), float("inf"),
                                     det_limit=det_limit, seed=seed, deadline=deadline,
                                     report=report, keep=kept, offer=offer,
                                     interrupt=lambda: _asked(inbox))
        report(replace(final, final=True))
        order = _narrowing(inbox, deadline)
        if order is None:
            return
        fewer, upper_km, until = order
        narrowed[0] = True
        if "walks" in kept:
            final = narrowed_walk_bound(instance, travel, kept["walks"], set(fewer),
                                        deadline=until, report=report)
        else:  # the routes enumerated for all: for fewer stops they do too (the
            # probes' budget as the planner's own recompute had it: a short one)
            final = template_lower_bound(instance, travel, set(fewer), upper_km,
                                         det_limit=NARROWED_DET, seed=seed, deadline=until,
                                         report=report)
        report(replace(final, final=True))
    except Exception as exc:  # noqa: BLE001 - the parent must get an answer, never hang
        conn.send(TemplateBound(None, "unavailable", 0, note=f"bound failed: {exc}",
                                final=True, narrowed=narrowed[0]))
    finally:
        conn.close()


# deterministic seconds of the probes for a narrowed bound whose routes enumerate
NARROWED_DET = 1.0

# bound methods after which no optimal timetable will follow (bound.py: the days were
# too big for the shared-time stage, docs/lower-bound.md)
NO_WITNESS = frozenset({"walks", "shared-walks", "unavailable"})  # ("neighbour" first, always)


class BoundJob:
    """The bound for `served` stops, started now, collected by `result`."""

    def __init__(self, instance: Instance, travel: TravelMatrix, served: set[str], *,
                 det_limit: float, seed: int, deadline: float) -> None:
        self.served = frozenset(served)
        self.args = (instance, travel, self.served, det_limit, seed, deadline)
        self.proc = None
        self._latest: TemplateBound | None = None  # the last report read
        self._closed = False  # the child's end of the pipe is closed
        self._until: float | None = None  # set by narrow(): when that answer is due
        if "fork" in mp.get_all_start_methods():
            ctx = mp.get_context("fork")  # the child shares the loaded data, no pickling
            self.conn, send = ctx.Pipe(duplex=False)
            inbox, self._outbox = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=_child, args=(send, inbox, *self.args),
                                    daemon=True)
            self.proc.start()
            send.close()
            inbox.close()

    def narrow(self, served: set[str], upper_km: float, until: float) -> bool:
        """Ask the child for the bound of timetables serving exactly `served` (fewer
        than it started with; the plan's timetable costs `upper_km`), due by `until`;
        from then on `result` returns only that bound (or None). False where there is
        no child to ask."""
        if self.proc is None or self._closed:
            return False
        try:
            self._outbox.send((frozenset(served), upper_km, until))
        except OSError:  # the child has ended (a failure it reported, or killed)
            return False
        self._until = until
        return True

    def witness(self, until: float) -> TemplateBound | None:
        """Wait until `until` at most for a report that settles whether the bound
        will offer a timetable: one with an optimal timetable (`witness`), the final
        one, or one of a method that never offers one (NO_WITNESS: days too big for
        the shared-time stage); the child keeps running. That report, or None if none
        came in time or there is no child."""
        if self.proc is None:
            return None
        while self._latest is None or not (self._latest.final or self._latest.witness
                                           or self._latest.status in NO_WITNESS):
            if not self.conn.poll(max(0.0, until - time.perf_counter())):
                return None
            try:
                self._latest = self.conn.recv()
            except EOFError:
                self._closed = True
                return None
        return self._latest

    @property
    def latest(self) -> TemplateBound | None:
        """The last report `witness` read (None before any): after a wait the clock
        ended, the bound's cheapest real timetable so far is on it (`incumbent`)."""
        return self._latest

    def result(self, until: float) -> TemplateBound | None:
        """The best bound proven by `until` (perf_counter), or None if none yet. Runs
        the bound here, with that deadline, when no child could be started."""
        if self.proc is None:
            instance, travel, served, det_limit, seed, _ = self.args
            return template_lower_bound(instance, travel, set(served), float("inf"),
                                        det_limit=det_limit, seed=seed, deadline=until)
        narrowed = False
        if self._until is not None:  # the narrowed answer is due earlier; reports
            until, narrowed = min(until, self._until), True  # before it: other stops
        latest = None if narrowed else self._latest  # what witness() has read already
        try:
            while not self._closed and not (latest is not None and latest.final):
                left = until - time.perf_counter()
                if not self.conn.poll(max(0.0, left)):
                    break  # the deadline: keep what is proven so far
                try:
                    msg = self.conn.recv()
                except EOFError:
                    break
                if msg.narrowed != narrowed:
                    continue
                latest = msg
                if msg.final:
                    break
        finally:
            if self.proc.is_alive():
                self.proc.terminate()
            self.proc.join(1.0)
            self.conn.close()
            self._outbox.close()
        if latest is not None and not latest.final and latest.lower_km is not None:
            latest = replace(latest, note=(latest.note + "; " if latest.note else "")
                             + "stopped at the time limit")
        return latest
