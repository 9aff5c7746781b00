"""The lunch-break rule: a vehicle with a break rule takes its full break inside the
allowed window, in a gap between visits long enough for the drive and the break."""

from __future__ import annotations

from ...model import parse_hhmm
from ..document import Route
from .context import Violations
from .routes import RouteFrame
from .visits import Gap


def check_break(r: Route, frame: RouteFrame, gaps: list[Gap], out: Violations) -> None:
    """Check the route's break against its vehicle's break rule (if it has one)."""
    br = frame.vehicle.get("break")
    if not br:
        return
    day_s = frame.day
    b = r.get("break")
    if not b:
        out.add("break", "no lunch break", day_s)
        return
    bs, be = parse_hhmm(b["start"]), parse_hhmm(b["end"])
    if be - bs != br["minutes"]:
        out.add("break", f"break is {be - bs} min, needs {br['minutes']}", day_s)
    if bs < parse_hhmm(br["earliest"]) or be > parse_hhmm(br["latest"]):
        out.add("break", f"break {b['start']}–{b['end']} outside "
                         f"{br['earliest']}–{br['latest']}", day_s)
    if not any(a <= bs and be <= z and z - a >= drive + br["minutes"] for a, z, drive in gaps):
        out.add("break", "break overlaps a visit or a drive", day_s)
