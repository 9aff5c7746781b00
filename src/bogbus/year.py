"""A year: the four quarters planned in sequence, each kept stable against the one before.

`bogbus plan SOURCE --year 2027` plans 2027Q1 … Q4; each quarter gets the previous one
as `previous`, so a stop keeps its weekday and time through the year unless that becomes
infeasible, and each institution's every-N-weeks rhythm runs on from its last visit of
the quarter before (`io.previous.PreviousPlan.anchors_for`; the plan records it in its
`rhythm` section, and `bogbus check` of the year folder verifies every boundary). The
year is written as one folder:

    plans/<scenario>-2027/Q1/plan.json (+ timetables, map.html) … Q4/…, report.*

A year is written all or nothing: every quarter is planned and checked first, the files
are written into a hidden sibling folder, and only then is that folder moved into place.
A quarter that cannot be planned is a clear error (exit 1) and nothing is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .calendar import build_calendar, parse_quarter
from .errors import BogbusError
from .io.atomic import current_umask
from .model import Instance
from .plan.document import Plan

QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def year_quarters(year: int) -> list[str]:
    if not 1900 <= int(year) <= 9999:
        raise BogbusError(f"--year {year}: not a year (write e.g. --year 2027)")
    return [f"{int(year)}{q}" for q in QUARTERS]


def plannable(instance: Instance, quarter: str) -> None:
    """Raise a clear error when the quarter has not one day the bus could run: holidays
    and closures cover every shift day of every vehicle."""
    st = instance.settings
    period = parse_quarter(quarter)
    cal = build_calendar(period, st.holidays, st.closures)
    if not any(cal.service_dates(v) for v in st.vehicles):
        reasons = sorted({c.reason or "closure" for c in cal.closures})
        raise BogbusError(
            f"{quarter}: the bus has no service day in this quarter "
            f"({', '.join(reasons) or 'holidays'} cover every shift day) — shorten the "
            "closure in settings.yaml (calendar.closures) or plan the quarters one by one")


YEAR_ENTRIES = {*QUARTERS, "report.html", "report.pdf", "report.json", "report.csv"}


def check_year_folder(out: Path) -> None:
    """Refuse an output folder that holds anything but a year bogbus wrote: the year
    replaces the whole folder, and `--out .` must never replace the user's own files."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise BogbusError(f"--out {out}: is a file, not a folder")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in YEAR_ENTRIES
                         and not p.name.startswith(".bogbus"))  # bogbus's own manifest
        if foreign:
            raise BogbusError(
                f"--out {out}: the folder holds other files ({', '.join(foreign[:4])}"
                f"{' …' if len(foreign) > 4 else ''}) and a year replaces the whole folder — "
                "give a new or empty folder, or one written by `bogbus plan --year`")


PlanQuarter = Callable[[str, Plan | None, Callable[[str], None] | None], Plan]


def plan_year(instance: Instance, year: int, plan_quarter: PlanQuarter, *,
              previous: Plan | None = None,
              progress: Sequence[Callable[[str], None]] | None = None) -> list[Plan]:
    """The four quarters' plan dicts, in order. `plan_quarter(quarter, previous,
    progress)` plans and checks one quarter (raising on failure); `progress[i]` is the
    i-th quarter's progress callback (with optional `start()`/`done()`)."""
    quarters = year_quarters(year)
    for q in quarters:  # before spending minutes on Q1: is every quarter plannable at all?
        plannable(instance, q)
    plans: list[Plan] = []
    for i, q in enumerate(quarters):
        say = progress[i] if progress else None
        if say is not None and hasattr(say, "start"):
            say.start()
        try:
            plan = plan_quarter(q, previous, say)
        except BogbusError as exc:
            raise BogbusError(f"{q}: {exc} — the year was not written") from None
        if say is not None and hasattr(say, "done"):
            say.done(f"{len(plan['routes'])} routes, {len(plan['unserved'])} unserved")
        plans.append(plan)
        previous = plan
    return plans


YEAR_MANIFEST = ".bogbus-outputs"  # every file the year wrote, relative to its folder


def _written_before(out: Path) -> set[str] | None:
    """What the previous year in `out` wrote (its manifest); None when it has none."""
    manifest = out / YEAR_MANIFEST
    if not manifest.is_file():
        return None
    return set(manifest.read_text(encoding="utf-8").splitlines()) - {""}


def _foreign(old: Path, before: set[str] | None, now: set[str]) -> list[str]:
    """Files under `old` bogbus did not write there: not in its manifest, or (a folder
    of an older bogbus, without one) not among the files this run writes."""
    ours = before if before is not None else now
    return sorted(rel for p in old.rglob("*") if not p.is_dir() or p.is_symlink()
                  if (rel := p.relative_to(old).as_posix()) not in ours
                  and rel != YEAR_MANIFEST)


def _carry_over(old: Path, new: Path, before: set[str] | None, now: set[str]) -> bool:
    """Move the user's own files from the replaced year into the new one (bogbus never
    removes a file it did not write); False if one could not be moved (then the old
    folder is kept)."""
    kept = True
    for rel in _foreign(old, before, now):
        target = new / rel
        if target.exists() or target.is_symlink():
            kept = False  # the new year wrote a file of that name: keep the user's in old
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            (old / rel).rename(target)
        except OSError:
            kept = False
    return kept


def write_year(plans: Sequence[Plan], out: Path,
               write_quarter: Callable[[Plan, Path], list[Path]],
               write_extra: Callable[[Path], list[Path]] | None = None) -> list[Path]:
    """Write the year into `out` all or nothing: everything goes into a hidden folder
    beside `out` first (`write_quarter(plan, folder)` per quarter, then
    `write_extra(folder)` for the report), which then replaces `out`. Files the user put
    into the old year folder (a note in Q2/) are moved into the new one."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes 0700; the year follows the umask
    old: Path | None = None
    try:
        written: list[Path] = []
        for plan in plans:
            q = str(plan["quarter"])[-2:]
            written += write_quarter(plan, tmp / q)
        if write_extra is not None:
            written += write_extra(tmp)
        now = {p.relative_to(tmp).as_posix() for p in written}
        (tmp / YEAR_MANIFEST).write_text("".join(f"{r}\n" for r in sorted(now)),
                                         encoding="utf-8")
        os.chmod(tmp / YEAR_MANIFEST, 0o666 & ~current_umask())
        before = _written_before(out) if out.is_dir() else None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{tmp.name.rsplit('.', 2)[-2]}")
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            old.rename(out)
        raise
    if old is not None and _carry_over(old, out, before, now):
        shutil.rmtree(old, ignore_errors=True)
    return [out / p.relative_to(tmp) for p in written]
