"""Publish the board's plan: the plan folder exactly as `bogbus plan` writes it.

The board writes its plan folder (plan.json, posters, køreplan, letters, ICS, CSV, map)
with the same writer the `plan` command uses (`bogbus.outputs.publish_plan`): everything
is staged in an `OutputSet` and swapped in at the end, so a server killed mid-publish
leaves the previously published folder as it was. Against a previously published plan
of the same quarter the notices for every changed stop and institution are written too
(no change list: a board re-plan is not a repair).
"""

from __future__ import annotations

from pathlib import Path

from ..outputs import OutputOptions, publish_plan
from ..plan.document import Plan


def write_plan_folder(data: Plan, out: Path, map_file: Path,
                      previous: Plan | None = None) -> list[Path]:
    """All or nothing: plan.json, timetables, outreach letters, map (and notices against
    `previous` of the same quarter); the paths now in place."""
    same_quarter = previous is not None and previous.get("quarter") == data.get("quarter")
    return publish_plan(data, Path(out), OutputOptions(), map_file=map_file,
                        previous=previous if same_quarter else None, changes=False)
