"""A year: the four quarters planned in sequence, each kept stable against the one before.

`bogbus plan SOURCE --year 2027` plans 2027Q1 … Q4; each quarter gets the previous one
as `previous` (so a stop keeps its weekday and time through the year unless that becomes
infeasible), and the year is written as one folder:

    plans/<scenario>-2027/Q1/plan.json (+ timetables, map.html) … Q4/…, report.*

A year is written all or nothing: every quarter is planned and checked first, the files
are written into a hidden sibling folder, and only then is that folder moved into place.
A quarter that cannot be planned is a clear error (exit 1) and nothing is written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .calendar import build_calendar, parse_quarter
from .errors import BogbusError
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


def write_year(plans: Sequence[Plan], out: Path,
               write_quarter: Callable[[Plan, Path], list[Path]],
               write_extra: Callable[[Path], list[Path]] | None = None) -> list[Path]:
    """Write the year into `out` all or nothing: everything goes into a hidden folder
    beside `out` first (`write_quarter(plan, folder)` per quarter, then
    `write_extra(folder)` for the report), which then replaces `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old: Path | None = None
    try:
        written: list[Path] = []
        for plan in plans:
            q = str(plan["quarter"])[-2:]
            written += write_quarter(plan, tmp / q)
        if write_extra is not None:
            written += write_extra(tmp)
        if out.exists():
            old = out.with_name(f".{out.name}.old-{tmp.name.rsplit('.', 2)[-2]}")
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return [out / p.relative_to(tmp) for p in written]
