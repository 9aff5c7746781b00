"""Publish the board's plan: the plan folder exactly as `bogbus plan` writes it.

The one call the board makes to write a plan folder (plan.json, posters, køreplan,
letters, ICS, CSV, map) lives in `write_plan_folder` below, a copy of the steps the
`plan` command's writer takes today (cli.py) until that writer is one library
function; then this function should call it. Everything is staged in an `OutputSet`
and swapped in at the end, so a server killed mid-publish leaves the previously
published folder as it was. Against a previously published plan of the same quarter
the notices for every changed stop and institution are written too.
"""

from __future__ import annotations

from pathlib import Path

from ..io.outputset import OutputSet
from ..plan.files import write_plan


def write_plan_folder(data: dict, out: Path, map_file: Path,
                      previous: dict | None = None) -> list[Path]:
    """All or nothing: plan.json, timetables, outreach letters, map (and notices against
    `previous`); the paths now in place."""
    from ..render import LETTER_DIR, write_map, write_outreach, write_timetables

    with OutputSet() as outputs:
        stage = outputs.stage_dir(out, prune=True)
        write_plan(data, stage / "plan.json")
        write_timetables(data, stage)
        write_outreach(data, stage, letters_dir=outputs.stage_dir(out / LETTER_DIR, prune=True))
        if previous is not None and previous.get("quarter") == data.get("quarter"):
            from ..render.notices import write_notices

            write_notices(data, previous, outputs.stage_dir(out / "notices", prune=True))
        write_map(data, outputs.stage_file(map_file))
        return outputs.publish()
