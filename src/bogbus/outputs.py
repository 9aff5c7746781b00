"""The one place a plan's output set is written: plan.json and everything rendered from it.

`bogbus plan` writes a quarter, a year or a repair; each used to hold its own copy of the
write sequence, and the copies drifted (the repair's forgot `--csv-dialect`). Here one
function, `write_plan_files`, decides what a plan's set is — plan.json, the change list
of a repair, and unless `render` is off the timetables, the staff køreplan and packing
list, each institution's letter and calendar, a repair's notices and the map — and the
three paths only decide where the set goes and how it is published all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .io.outputset import OutputSet
from .plan.document import Plan
from .plan.files import write_plan


@dataclass(frozen=True)
class OutputOptions:
    """What the user chose about the files: render them at all, and the CSV dialect."""

    render: bool = True
    csv_dialect: str = "excel"


def write_plan_files(plan: Plan, folder: Path, options: OutputOptions, *,
                     previous: Plan | None = None, letters_dir: Path | None = None,
                     notices_dir: Path | None = None, map_file: Path | None = None,
                     changes: bool = True) -> list[Path]:
    """Write one plan's set into `folder` (a staging folder); the paths written, in order.

    `previous`: the published plan a repair was made from — adds changes.csv/.json
    (unless `changes` is False: the board publishes a re-plan, which has no change list)
    and (rendered) the notices, when a visit changed or `notices_dir` is given (the
    caller decided, e.g. to replace stale notices). `letters_dir`, `notices_dir`,
    `map_file` default to `folder/institutioner`, `folder/notices` and `folder/map.html`."""
    from .render import write_map, write_outreach, write_timetables
    from .render.changesout import write_changes

    dialect = options.csv_dialect
    paths = [write_plan(plan, folder / "plan.json")]
    if previous is not None and changes:
        paths += write_changes(plan, folder, csv_dialect=dialect)
    if not options.render:
        return paths
    paths += write_timetables(plan, folder, csv_dialect=dialect)
    # staff køreplan, packing list; each institution's letter and calendar
    paths += write_outreach(plan, folder, csv_dialect=dialect, letters_dir=letters_dir)
    if previous is not None:
        from .render.notices import notices_needed, write_notices

        target = notices_dir or folder / "notices"
        # nothing changed and no earlier notices to replace: no (empty) notices folder,
        # which looked like notices gone missing
        if notices_dir is not None or notices_needed(plan, previous, target):
            paths += write_notices(plan, previous, target)
    paths.append(write_map(plan, map_file or folder / "map.html"))
    return paths


def publish_plan(plan: Plan, out: Path, options: OutputOptions, *, map_file: Path,
                 previous: Plan | None = None, changes: bool = True) -> list[Path]:
    """A quarter's (or, with `previous`, a repair's) set into `out` and the map to
    `map_file`, all or nothing: staged, then published together, replacing the files
    of the set `out` held before. The paths now in place, plan.json first.

    With `previous` the notices are written when some visit changed, or when `out`
    already holds notices that may now be stale; otherwise no notices folder is made.
    `changes=False`: no changes.csv/.json (the board's publish of a re-plan)."""
    out = Path(out)
    with OutputSet() as outputs:
        stage = outputs.stage_dir(out, prune=True)  # the new set replaces the old
        letters = notices = staged_map = None
        from .render import LETTER_DIR

        # folders of their own (a staged set holds files, not folders); a set written
        # without rendering still empties the ones an earlier rendered set left, so no
        # letter of an old plan stays beside the new plan.json
        if options.render or (out / LETTER_DIR).is_dir():
            letters = outputs.stage_dir(out / LETTER_DIR, prune=True)
        if previous is not None:
            from .render.notices import notices_needed

            # rendered: only when a visit changed or old notices must be replaced;
            # not rendered: an earlier set's notices are emptied
            if (out / "notices").is_dir() or (
                    options.render and notices_needed(plan, previous, out / "notices")):
                notices = outputs.stage_dir(out / "notices", prune=True)
        if options.render:
            staged_map = outputs.stage_file(map_file)
        write_plan_files(plan, stage, options, previous=previous, letters_dir=letters,
                         notices_dir=notices, map_file=staged_map, changes=changes)
        return outputs.publish()


def publish_year(plans: Sequence[Plan], out: Path, options: OutputOptions) -> list[Path]:
    """The year's four quarters into `out`/Q1…Q4 (each with its own map.html) and the
    year's report beside them, all or nothing (year.write_year)."""
    from .render.report import write_report
    from .year import write_year

    return write_year(plans, Path(out), lambda data, folder: write_plan_files(data, folder,
                                                                               options),
                      lambda folder: write_report(plans, folder,
                                                  csv_dialect=options.csv_dialect))
