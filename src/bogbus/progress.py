"""Progress of long work (`plan`, `plan --year`, `compare`) for the person waiting.

Why: a quarter takes the search limit (30 s by default) plus the lower bound, a year
four times that, and `compare` runs sources in parallel — half a minute or more of
silence looks like a hang. The core only calls plain `progress(message)` callbacks;
this module turns them into

- a rich progress bar per task (a quarter, a source) with the phase and the time left
  against the search limit, drawn on stderr and only when stderr is a terminal;
- plain `… message` lines on stderr otherwise (logs, pipes, CI);
- nothing at all with `--quiet`.

stdout is never touched, so `bogbus compare --format json > x.json` stays clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.progress_bar import ProgressBar
from rich.text import Text


class _LimitBar(BarColumn):
    """A bar that fills with the time spent against the search limit (not with work
    done, which the planner cannot know in advance)."""

    def render(self, task: Task) -> ProgressBar:
        limit = float(task.fields.get("limit") or 0)
        done = task.finished
        spent = _spent(task)
        return ProgressBar(total=max(limit, 1e-9), completed=limit if done else min(spent, limit),
                           width=None if self.bar_width is None else max(1, self.bar_width),
                           pulse=not done and limit > 0 and spent > limit,
                           animation_time=task.get_time(), style=self.style,
                           complete_style=self.complete_style,
                           finished_style=self.finished_style, pulse_style=self.pulse_style)


class _TimeLeft(ProgressColumn):
    """`12 s left of 30 s`, `finishing (+4 s)` after the limit, `done in 34 s`."""

    def render(self, task: Task) -> Text:
        limit = float(task.fields.get("limit") or 0)
        spent = _spent(task)
        if task.finished:
            return Text(f"done in {task.fields.get('took', spent):.0f} s", style="green")
        if not task.fields.get("started"):
            return Text("waiting", style="dim")
        if spent <= limit:
            return Text(f"{limit - spent:.0f} s left of {limit:.0f} s")
        return Text(f"finishing (+{spent - limit:.0f} s)", style="yellow")


def _spent(task: Task) -> float:
    started = task.fields.get("started")
    return time.monotonic() - started if started else 0.0


class TaskProgress:
    """The callback of one task: call it with a phase message; `start()` when the
    work begins, `done()` when it ends."""

    def __init__(self, owner: ProgressReporter, label: str, limit_s: float | None):
        self.owner, self.label, self.limit_s = owner, label, limit_s or 0.0
        self.id = owner._add(label, self.limit_s)

    def start(self) -> None:
        self.owner._start(self)

    def __call__(self, message: str) -> None:
        self.owner._say(self, message)

    def done(self, message: str = "") -> None:
        self.owner._done(self, message)


class ProgressReporter:
    """Progress for one command. Use as a context manager; `task(label, limit)` per
    quarter or source. `live=None` decides by `stream.isatty()`."""

    def __init__(self, quiet: bool = False, stream: IO[str] | None = None,
                 live: bool | None = None, console: Console | None = None):
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        if live is None:
            isatty = getattr(self.stream, "isatty", None)
            live = bool(isatty and isatty())
        self.live = live and not quiet
        self._progress: Progress | None = None
        self._console = console
        self._tasks: list[TaskProgress] = []

    def __enter__(self) -> ProgressReporter:
        if self.live:
            console = self._console or Console(file=self.stream, stderr=self.stream is sys.stderr)
            self._progress = Progress(
                TextColumn("[bold]{task.fields[label]}[/bold]"), _LimitBar(bar_width=24),
                _TimeLeft(), TextColumn("{task.description}"),
                console=console, transient=False, refresh_per_second=4)
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def task(self, label: str, limit_s: float | None) -> TaskProgress:
        t = TaskProgress(self, label, limit_s)
        self._tasks.append(t)
        return t

    def message(self, text: str) -> None:
        """A line outside any task (e.g. "wrote …" while bars are shown)."""
        if self.quiet:
            return
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)

    # -- internals, called by TaskProgress
    def _task(self, t: TaskProgress) -> Task:
        assert self._progress is not None
        return next(x for x in self._progress.tasks if x.id == t.id)

    def _add(self, label: str, limit: float) -> TaskID:
        if self._progress is None:
            return TaskID(-1)
        return self._progress.add_task("", total=None, label=label, limit=limit, started=None)

    def _start(self, t: TaskProgress) -> None:
        if self._progress is not None:
            self._progress.update(t.id, started=time.monotonic(), description="starting")
        elif not self.quiet:
            print(f"… {t.label}: started (search limit {t.limit_s:g} s)", file=self.stream,
                  flush=True)

    def _say(self, t: TaskProgress, message: str) -> None:
        if self._progress is not None:
            task = self._task(t)
            if not task.fields.get("started"):
                self._progress.update(t.id, started=time.monotonic())
            self._progress.update(t.id, description=message)
        elif not self.quiet:
            print(f"… {t.label}: {message}" if len(self._tasks) > 1 else f"… {message}",
                  file=self.stream, flush=True)

    def _done(self, t: TaskProgress, message: str) -> None:
        if self._progress is not None:
            took = _spent(self._task(t))
            self._progress.update(t.id, total=1, completed=1, description=message, took=took)
        elif not self.quiet and len(self._tasks) > 1:
            print(f"… {t.label}: {message}", file=self.stream, flush=True)


def silent() -> Callable[[str], None]:
    return lambda _msg: None
