"""The `bogbus` command line: parse options, call the core, print. Nothing else."""

from __future__ import annotations

import signal
import sys
import threading
import time
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .calendar import Period
from .cliopts import DAY, QUARTER, SEED, TIME_LIMIT, YEAR
from .errors import BogbusError, InputError

if TYPE_CHECKING:  # the CLI imports the core lazily, so `bogbus --help` stays quick
    from .outputs import OutputOptions
    from .plan.document import Plan

EXIT_OK, EXIT_INPUT, EXIT_UNSERVED = 0, 1, 3
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM  # 130, 143


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt so that every
    `finally` and temporary-file cleanup runs before the process ends."""


def _on_sigterm(signum, frame) -> None:
    raise _Terminated()


class _Group(click.Group):
    """Turns user errors into a clean message and exit code 1 — never a traceback —
    and Ctrl-C / SIGTERM into exit 130 / 143 after the outputs are cleaned up."""

    def invoke(self, ctx: click.Context):
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing half-written was left behind.", err=True)
            ctx.exit(EXIT_SIGINT)
        except _Terminated:
            click.echo("Terminated: nothing half-written was left behind.", err=True)
            ctx.exit(EXIT_SIGTERM)
        except OSError as exc:  # a disk that is full, read-only or gone while writing
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc} — nothing was written; check "
                       "the disk space and permissions of that place", err=True)
            ctx.exit(EXIT_INPUT)
        except InputError as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            click.echo(f"Cannot continue: {len(errors)} problem(s) in the input.", err=True)
            for p in exc.problems:
                click.echo(f"  {p.severity}: {p}", err=True)
            ctx.exit(EXIT_INPUT)
        except BogbusError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def output_name(*parts: str) -> str:
    """A file or folder name built from data (scenario, quarter): one plain name that
    stays inside its output folder whatever the data says (`../../x` cannot escape)."""
    import hashlib
    import re

    text = "-".join(str(p) for p in parts)
    safe = re.sub(r"[^\w.-]|\.\.+", "_", text).strip("._-")[:80] or "plan"
    if safe != text:  # a changed name gets a short hash so two names cannot collide
        safe += "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return safe


@click.group(cls=_Group)
@click.version_option(package_name="bogbus")
def main() -> None:
    """Plan a library bogbus: regular stop timetables, outreach visits, posters and maps."""


CSV_DIALECT = click.option(
    "--csv-dialect", type=click.Choice(["excel", "plain"]), default="excel", show_default=True,
    help="CSV files: excel = ';', UTF-8 with BOM, decimal comma (Danish Excel); plain = ',' "
         "for machines.")
QUIET = click.option("--quiet", is_flag=True, help="No progress on stderr.")


@main.command()
@click.argument("source", default="data/randers", type=click.Path())
@click.option("--quarter", type=QUARTER,
              help="Quarter to plan, e.g. 2027Q1 (default: the next one).")
@click.option("--year", type=YEAR,
              help="Plan the four quarters of this year in sequence (each kept stable against "
                   "the one before) into plans/<scenario>-<year>/Q1…Q4 plus the year's report.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for plan.json and timetables (default plans/<scenario>-<quarter> "
                   "or plans/<scenario>-<year>).")
@click.option("--time-limit", type=TIME_LIMIT,
              help="Search time in seconds (default from settings).")
@click.option("--seed", type=SEED, help="Random seed (default from settings).")
@click.option("--work", type=click.IntRange(min=1),
              help="Search work budget in day solves: the same data, seed and work give "
                   "the same plan on any machine (unless the time limit ends it first).")
@click.option("--no-render", is_flag=True, help="Write plan.json only: no timetables or map.")
@click.option("--previous", "previous_file", type=click.Path(dir_okay=False),
              help="A previous plan.json: keep its stop timetable unless infeasible; a "
                   "published plan of the same quarter is repaired (see --from).")
@click.option("--from", "from_text", metavar="DATE", type=DAY,
              help="Repair the published --previous plan of the same quarter from DATE "
                   "(default: the first date the data differs); see docs/replanning.md.")
@CSV_DIALECT
@QUIET
def plan(source: str, quarter: Period | None, year: int | None, out_dir: str | None,
         time_limit: float | None, seed: int | None, work: int | None, no_render: bool,
         previous_file: str | None, from_text: str | None, csv_dialect: str,
         quiet: bool) -> None:
    """Plan a quarter (or with --year a whole year) for SOURCE (a data folder or scenario
    file) and write plan.json, timetables and map."""
    started = time.perf_counter()  # the time limit counts from here: imports and loading too
    from .calendar import next_quarter, parse_quarter
    from .io import load_source_warned
    from .io.outdir import check_out_dir
    from .outputs import OutputOptions, publish_plan
    from .plan.files import read_plan
    from .progress import ProgressReporter
    from .render.summary import plan_summary

    if year is not None and quarter:
        raise click.UsageError("give either --quarter or --year, not both")
    previous = read_plan(Path(previous_file)) if previous_file else None
    if from_text and previous is None:
        raise BogbusError("--from repairs a published plan: give it with --previous PLAN")
    instance, data_warnings = load_source_warned(source)
    for p in data_warnings:  # the same warnings `bogbus validate` prints
        click.echo(f"warning: {p}", err=True)
    limit = time_limit if time_limit is not None else instance.settings.time_limit_s
    if year is not None:
        if from_text:
            raise click.UsageError("--from repairs one quarter; it does not go with --year")
        _plan_year(instance, year, out_dir, time_limit, seed, previous, no_render, csv_dialect,
                   quiet, limit, work)
        return
    if quarter is None and from_text and previous is not None:  # a repair: its quarter
        quarter = parse_quarter(previous["quarter"])
    period = quarter or next_quarter(date.today())
    if previous is not None and (from_text or period.quarter == previous["quarter"]):
        # a published plan of the same quarter: repair it (docs/replanning.md)
        _repair(instance, previous, period, from_text, out_dir, seed,
                OutputOptions(not no_render, csv_dialect))
        return
    name = output_name(instance.scenario, period.quarter)
    out = check_out_dir(out_dir or f"plans/{name}", "--out")
    if not no_render:
        check_out_dir("maps", "the map folder")
    with ProgressReporter(quiet=quiet) as progress:
        task = progress.task(period.quarter, limit)
        task.start()
        data = _plan_checked(instance, period, time_limit, seed, previous, task,
                             work=work, started=started)
        task.done()
    written = publish_plan(data, out, OutputOptions(not no_render, csv_dialect),
                           map_file=Path("maps") / f"{name}.html")
    path = out / "plan.json"
    for line in plan_summary(data):
        click.echo(line)
    click.echo(f"wrote {path}" + (f" and {len(written) - 1} timetable/map files" if
                                  len(written) > 1 else ""))
    sys.exit(EXIT_UNSERVED if data["unserved"] else EXIT_OK)


def _plan_checked(instance: Any, period: Any, time_limit: float | None, seed: int | None,
                  previous: Plan | None, progress: Any, *, work: int | None = None,
                  started: float | None = None) -> Plan:
    """One quarter through the pipeline (plan → build → check); warnings go to stderr and
    a plan the checker rejects is an error with every violation listed (never written)."""
    from .pipeline import PlanRejected, plan_instance

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        try:
            data = plan_instance(instance, period, time_limit_s=time_limit, seed=seed,
                                 progress=progress, previous=previous, work=work,
                                 started=started)
        except PlanRejected as exc:  # the planner never writes a plan its checker rejects
            for v in exc.violations:
                click.echo(f"  {v}", err=True)
            raise
    for w in caught:  # e.g. a site far from any road in the osm model
        click.echo(f"warning: {w.message}", err=True)
    return data


def _plan_year(instance: Any, year: int, out_dir: str | None, time_limit: float | None,
               seed: int | None, previous: Plan | None, no_render: bool, csv_dialect: str,
               quiet: bool, limit: float, work: int | None = None) -> None:
    from .io.outdir import check_out_dir
    from .outputs import OutputOptions, publish_year
    from .progress import ProgressReporter
    from .render.summary import plan_summary, year_summary
    from .year import check_year_folder, plan_year, year_quarters

    quarters = year_quarters(year)
    out = check_out_dir(out_dir or f"plans/{output_name(instance.scenario, str(year))}",
                        "--out")
    check_year_folder(out)
    with ProgressReporter(quiet=quiet) as progress:
        tasks = [progress.task(q, limit) for q in quarters]
        plans = plan_year(instance, year,
                          lambda q, prev, say: _plan_checked(instance, q, time_limit, seed,
                                                             prev, say, work=work),
                          previous=previous, progress=tasks)

    written = publish_year(plans, out, OutputOptions(not no_render, csv_dialect))
    for data in plans:
        for line in plan_summary(data):
            click.echo(line)
    for line in year_summary(plans):
        click.echo(line)
    click.echo(f"wrote {out}/ ({len(written)} files: Q1–Q4 plans"
               + ("" if no_render else ", timetables, maps") + " and report.html/.pdf/.json)")
    sys.exit(EXIT_UNSERVED if any(d["unserved"] for d in plans) else EXIT_OK)


def _repair(instance: Any, previous: Plan, period: Period, from_text: str | None,
            out_dir: str | None, seed: int | None, options: OutputOptions) -> None:
    """`plan --previous P --from D`: repair the published plan; write the plan, the
    change list and (unless --no-render) timetables, map and notices — all or none."""
    from .io.outdir import check_out_dir
    from .outputs import publish_plan
    from .pipeline import PlanRejected, repair_instance
    from .render.summary import plan_summary, repair_summary

    name = output_name(instance.scenario, period.quarter, "repair")
    out = check_out_dir(out_dir or f"plans/{name}", "--out")
    if options.render:
        check_out_dir("maps", "the map folder")
    try:
        data, how = repair_instance(instance, previous, period, from_text,
                                    seed=instance.settings.seed if seed is None else seed)
    except PlanRejected as exc:  # never written: the checker rejects it
        for v in exc.violations:
            click.echo(f"  {v}", err=True)
        raise
    # plan, change list and (rendered) timetables, letters, notices, map: all or none
    written = publish_plan(data, out, options, map_file=Path("maps") / f"{name}.html",
                           previous=previous)
    for line in plan_summary(data) + repair_summary(data, how):
        click.echo(line)
    click.echo(f"wrote {out / 'plan.json'} and {len(written) - 1} change/timetable/notice "
               "files")
    sys.exit(EXIT_UNSERVED if data["unserved"] else EXIT_OK)


@main.command()
@click.argument("source", default="data/randers", type=click.Path())
def validate(source: str) -> None:
    """Check the data in SOURCE and report every problem at once."""
    from .io import validate_source

    instance, problems = validate_source(source)
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        click.echo(f"{p.severity}: {p}", err=bool(errors))
    if errors:
        click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)", err=True)
        sys.exit(EXIT_INPUT)
    assert instance is not None
    from .travel.report import travel_report

    for w in travel_report(instance).warnings:  # the water model's (bad water file: exit 1)
        click.echo(f"warning: {w}")
    kinds: dict[str, int] = {}
    for s in instance.sites:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    click.echo(f"OK: {source}: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
               + f", {len(instance.settings.vehicles)} vehicle(s)")


@main.command()
@click.argument("plan_file", type=click.Path())
@click.argument("source", required=False, type=click.Path())
@click.option("--previous", "previous_file", type=click.Path(dir_okay=False),
              help="The published plan a repaired PLAN was made from (verify that the past "
                   "and every untouched visit are kept), or the plan of the quarter before "
                   "(verify that every institution's rhythm runs on across the boundary).")
def check(plan_file: str, source: str | None, previous_file: str | None) -> None:
    """Re-verify PLAN against its data (SOURCE, else the data folder it names, else the
    sites and settings stored in the plan) and every regularity rule. PLAN may be the
    folder `plan --out` wrote (its plan.json), or a year folder (plans/<scenario>-<year>):
    each quarter, and the rhythm across each boundary."""
    from .io import load_source
    from .plan.check import check_plan
    from .plan.check.sequence import check_against, check_year, plan_files
    from .plan.files import read_plan

    files, folder = plan_files(Path(plan_file))
    plans = [read_plan(f) for f in files]
    data = plans[0]
    published = read_plan(Path(previous_file)) if previous_file else None
    named = data.get("data") or ""  # the SOURCE the plan was made from, as it was typed
    looks_like_source = (Path(named).is_file() and named.endswith((".yaml", ".yml"))) or \
        (Path(named) / "sites.csv").is_file()
    src = source or (named if named and looks_like_source else None)
    instance = load_source(src) if src else None
    against = src or "the data stored in the plan"
    if folder:
        found = check_year(plans, instance, published)
        if found:
            click.echo(f"{len(found)} violation(s) in {plan_file} (checked against "
                       f"{against}):", err=True)
            for q, v in found:
                click.echo(f"  {q} {v}", err=True)
            sys.exit(EXIT_INPUT)
        click.echo(f"OK: {plan_file} keeps every rule in {len(plans)} quarter(s) and across "
                   f"each boundary ({sum(len(p['routes']) for p in plans)} routes, "
                   f"{sum(len(p['unserved']) for p in plans)} unserved listed; checked "
                   f"against {against})")
        return
    violations = check_plan(data, instance)
    if published is not None:
        violations += check_against(data, published, instance)
    if violations:
        click.echo(f"{len(violations)} violation(s) in {plan_file} (checked against {against}):",
                   err=True)
        for v in violations:
            click.echo(f"  {v}", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"OK: {plan_file} keeps every rule ({len(data['routes'])} routes, "
               f"{len(data['unserved'])} unserved listed; checked against {against})")


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--quarter", type=QUARTER,
              help="Quarter to plan, e.g. 2027Q1 (default: the next one).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]),
              default="table", show_default=True)
@click.option("--time-limit", type=TIME_LIMIT, help="Search time per source in seconds.")
@click.option("--seed", type=SEED, help="Random seed (default from settings).")
@click.option("--work", type=click.IntRange(min=1),
              help="Search work budget per source in day solves (reproducible runs).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False),
              help="Write the comparison to this file instead of the screen.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False),
              help="Also write a map with every plan's routes as layers.")
@click.option("--save-plans", "plans_dir", type=click.Path(file_okay=False),
              help="Also write each plan to DIR/<n>-<scenario>/plan.json.")
@click.option("--previous", "previous_file", type=click.Path(dir_okay=False),
              help="A published plan: plan every source against it (its stop timetable "
                   "kept) and show each source's per-stop changes against it.")
@CSV_DIALECT
@QUIET
def compare(sources: tuple[str, ...], quarter: Period | None, fmt: str,
            time_limit: float | None, seed: int | None, work: int | None, out_file: str | None,
            map_file: str | None, plans_dir: str | None, previous_file: str | None,
            csv_dialect: str, quiet: bool) -> None:
    """Plan each SOURCE (data folders or scenario files) and compare key figures and
    per-stop changes against the first (or against --previous)."""
    from .calendar import next_quarter
    from .compare import compare_plans, plan_sources
    from .io import load_source
    from .io.outdir import check_out_dir, check_out_file
    from .io.outputset import OutputSet
    from .plan.files import read_plan
    from .progress import ProgressReporter
    from .render.comparetable import render

    previous = read_plan(Path(previous_file)) if previous_file else None
    instances = [load_source(src) for src in sources]  # all input problems before planning
    for option, value in (("--out", out_file), ("--map", map_file)):
        if value:
            check_out_file(value, option)
    if plans_dir:
        check_out_dir(plans_dir, "--save-plans")
    if quarter is None and previous is not None:
        from .calendar import parse_quarter

        quarter = parse_quarter(previous["quarter"])
    period = quarter or next_quarter(date.today())
    with ProgressReporter(quiet=quiet) as progress:
        tasks = [progress.task(Path(src).name, time_limit if time_limit is not None
                               else inst.settings.time_limit_s)
                 for src, inst in zip(sources, instances)]
        plans = plan_sources(list(sources), period.quarter, time_limit_s=time_limit,
                             seed=seed, tasks=tasks, previous=previous, work=work,
                             progress=lambda msg: progress.message(f"… {msg}"))
    doc = compare_plans(plans, previous=previous)
    labels = [s["source"] for s in doc["sources"]]
    text = render(doc, fmt, csv_dialect)
    with OutputSet() as outputs:  # the saved plans, map and comparison: all or none
        if plans_dir:
            from .plan.files import write_plan

            for i, p in enumerate(plans):
                final = Path(plans_dir) / output_name(f"{i + 1}-{p['scenario']}")
                write_plan(p, outputs.stage_dir(final, prune=True) / "plan.json")
        if map_file:
            from .render.comparemap import write_compare_map

            write_compare_map(plans, labels, outputs.stage_file(map_file))
        if out_file:
            from .io.atomic import write_text

            write_text(outputs.stage_file(out_file), text, newline="")  # CRLF as written
        for path in outputs.publish():
            click.echo(f"wrote {path}", err=path != Path(out_file or ""))
    if not out_file:
        click.echo(text, nl=False)


@main.command()
@click.argument("plan_file", type=click.Path())
@click.option("--site", "--stop", "stop_id",
              help="Only this site: a stop's poster, or an institution's letter and calendar.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "csv", "ics"]),
              multiple=True, help="Formats to write (repeatable; default all).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Output folder (default: beside the plan).")
@CSV_DIALECT
def timetable(plan_file: str, stop_id: str | None, fmt: tuple[str, ...],
              out_dir: str | None, csv_dialect: str) -> None:
    """Timetables from a plan: posters, køreplan (public and staff), letters and calendars
    for the institutions, CSV (timetable, packing list) and ICS."""
    from .io.outdir import check_out_dir
    from .io.outputset import OutputSet
    from .plan.files import read_plan
    from .render import LETTER_DIR, institution_ids, write_outreach, write_timetables
    from .render.planview import view

    data = read_plan(Path(plan_file))
    formats = fmt or ("pdf", "html", "csv", "ics")
    # every public stop has a poster, served or not (then it points to the nearest stop
    # the bus serves), as `bogbus plan` writes them
    stops = set(view(data).poster_sites())
    institutions = institution_ids(data)
    if stop_id and stop_id not in stops and stop_id not in institutions:
        raise BogbusError(f"--site {stop_id}: not a public stop in this plan, "
                          "nor a daycare, nursing home or branch")
    out = check_out_dir(out_dir if out_dir else Path(plan_file).parent, "--out")
    with OutputSet() as outputs:  # all files or none
        stage = outputs.stage_dir(out)
        if stop_id is not None and stop_id in institutions:
            write_outreach(data, stage, formats=formats, site=stop_id, csv_dialect=csv_dialect,
                           letters_dir=outputs.stage_dir(out / LETTER_DIR))
        else:
            write_timetables(data, stage, formats=formats, stop=stop_id,
                             csv_dialect=csv_dialect)
            if stop_id is None:
                write_outreach(data, stage, formats=formats, csv_dialect=csv_dialect,
                               letters_dir=outputs.stage_dir(out / LETTER_DIR))
        paths = outputs.publish()
    for p in paths:
        click.echo(f"wrote {p}")


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for report.html/.pdf/.json/.csv (default: the folder the plans "
                   "share, e.g. the year folder).")
@CSV_DIALECT
def report(plans: tuple[str, ...], out_dir: str | None, csv_dialect: str) -> None:
    """The board's report (Danish HTML + PDF, report.json) for one or more PLANs: a
    quarter, a year (its folder or its four plan.json files) or scenarios side by side."""
    from .io.outdir import check_out_dir
    from .io.outputset import OutputSet
    from .plan.files import read_plan
    from .render.report import default_out, plan_files, write_report

    files = plan_files(plans)
    data = [read_plan(f) for f in files]
    out = check_out_dir(out_dir if out_dir else default_out(files), "--out")
    with OutputSet() as outputs:  # the four files or none
        write_report(data, outputs.stage_dir(out), labels=[str(f) for f in files],
                     csv_dialect=csv_dialect)
        paths = outputs.publish()
    for p in paths:
        click.echo(f"wrote {p}")


@main.command()
@click.argument("plan_file", type=click.Path())
@click.option("--previous", "previous_file", type=click.Path(dir_okay=False), required=True,
              help="The published plan of the same quarter the notices compare against.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Output folder (default: notices/ beside the plan).")
def notices(plan_file: str, previous_file: str, out_dir: str | None) -> None:
    """Danish notices for every stop with cancelled or changed dates, and a letter
    (PDF, HTML, text for an e-mail) for every institution whose dates changed."""
    from .io.outdir import check_out_dir
    from .io.outputset import OutputSet
    from .plan.files import read_plan
    from .render.notices import notices_needed, write_notices

    data = read_plan(Path(plan_file))
    previous = read_plan(Path(previous_file))
    out = check_out_dir(out_dir if out_dir else Path(plan_file).parent / "notices", "--out")
    if not notices_needed(data, previous, out):
        click.echo("nothing changed, nothing written: no visit differs from the published "
                   "plan, so there are no notices")
        return
    with OutputSet() as outputs:  # all files or none
        write_notices(data, previous, outputs.stage_dir(out, prune=True))
        paths = outputs.publish()
    for p in paths:
        click.echo(f"wrote {p}")
    if not paths:
        click.echo("no visit changed: no notices to write")


@main.command("map")
@click.argument("plan_file", type=click.Path())
@click.option("--out", "out_file", type=click.Path(dir_okay=False),
              help="HTML file (default maps/<scenario>-<quarter>.html).")
def map_cmd(plan_file: str, out_file: str | None) -> None:
    """An offline Folium map of a plan's routes and sites."""
    from .io.outdir import check_out_file
    from .plan.files import read_plan
    from .render import write_map

    data = read_plan(Path(plan_file))
    out = check_out_file(out_file or f"maps/{output_name(data['scenario'], data['quarter'])}"
                         ".html", "--out")
    click.echo(f"wrote {write_map(data, out)}")


@main.command()
@click.argument("source", default="data/randers", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["vrplib", "gpkg", "geojson"]),
              default="vrplib", show_default=True,
              help="vrplib: SOURCE's weekly instance; gpkg/geojson: a PLAN's sites and routes.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True,
              help="File to write, e.g. randers.vrp or randers-2027Q1.gpkg.")
@click.option("--include", type=click.Choice(["outreach"]), multiple=True,
              help="vrplib: also export daycares, nursing homes and branches "
                   "(default: public stops).")
@click.option("--crs", type=click.Choice(["4326", "25832"]),
              help="gpkg/geojson: EPSG code of the output (default 4326, WGS84; "
                   "25832 = ETRS89 / UTM 32N).")
def export(source: str, fmt: str, out_file: str, include: tuple[str, ...],
           crs: str | None) -> None:
    """Export for other tools: with --format vrplib, SOURCE (a data folder or scenario) as
    a weekly routing instance for other solvers (docs/export.md); with --format gpkg or
    geojson, SOURCE is a PLAN (plan.json, or the folder holding it) written as GIS layers
    `sites` and `routes` for QGIS (docs/data.md)."""
    if fmt != "vrplib":
        if include:
            raise click.UsageError("--include is for --format vrplib")
        _export_gis(Path(source), fmt, Path(out_file), int(crs or 4326))
        return
    if crs:
        raise click.UsageError("--crs is for --format gpkg or geojson")
    from .export import describe, export_vrplib
    from .io import load_source
    from .io.outdir import check_out_file

    instance = load_source(source)
    check_out_file(out_file, "--out")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        result = export_vrplib(instance, Path(out_file), include_outreach="outreach" in include)
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)
    click.echo(f"wrote {out_file} ({fmt}): {describe(result)}")


def _export_gis(plan_path: Path, fmt: str, out: Path, crs: int) -> None:
    from .io.outdir import check_out_file
    from .plan import read_plan
    from .render.gisout import plan_travel, write_gis

    if plan_path.is_dir():
        if not (plan_path / "plan.json").is_file():
            raise BogbusError(f"{plan_path} holds no plan.json: --format {fmt} exports a plan "
                              "— give the plan.json that `bogbus plan` wrote")
        plan_path = plan_path / "plan.json"
    data = read_plan(plan_path)
    check_out_file(str(out), "--out")
    result = write_gis(data, out, fmt, crs, travel=plan_travel(data))
    click.echo(f"wrote {result.path} ({fmt}, EPSG:{crs}): {result.sites} sites, "
               f"{result.template_routes} template routes, {result.dated_routes} dated routes")


@main.command()
@click.argument("source", default="data/randers", type=click.Path())
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1/localhost lets other "
                   "machines reach the board (a warning is printed).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; just print the URL.")
@click.option("--quarter", type=QUARTER, help="Quarter on the board (default: the next one).")
@click.option("--work", type=click.IntRange(min=1),
              help="Work budget of the board's re-plans in day solves (reproducible, faster).")
@click.option("--time-limit", type=TIME_LIMIT, help="Time limit of the board's re-plans.")
@click.option("--seed", type=SEED, help="Random seed of the board's re-plans.")
def board(source: str, port: int, host: str, no_browser: bool, quarter: Period | None,
          work: int | None, time_limit: float | None, seed: int | None) -> None:
    """The planning board in the browser: the quarter at a glance, moves, changes,
    re-plans, comparisons and publishing over SOURCE (docs/board.md)."""
    from .board.server import LOCAL, serve, workspace_for
    from .board.state import Board

    if host not in LOCAL:
        click.echo(f"warning: --host {host}: the board is reachable from other machines; "
                   "anyone with the printed token can change and publish plans", err=True)
    ws = workspace_for(source)
    state = Board(ws, quarter.quarter if quarter else None, work=work, time_limit_s=time_limit,
                  seed=seed)
    serve(state, host, port, open_browser=not no_browser, say=click.echo)


@main.group("travel")
def travel_group() -> None:
    """Travel times: precompute and inspect the travel model of a data folder."""


@travel_group.command("build")
@click.argument("source", default="data/randers", type=click.Path())
@click.option("--quarter", type=QUARTER,
              help="The quarter whose seasonal ferries count (default: the next quarter).")
def travel_build(source: str, quarter: Period | None) -> None:
    """Precompute (and cache) the travel matrix of SOURCE and report how it went."""
    import time
    import warnings

    from .calendar import next_quarter
    from .io import load_source
    from .travel import build_travel
    from .travel.osm import build_osm

    started = time.perf_counter()
    instance = load_source(source)
    model = instance.settings.travel.model
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if model == "osm":
            build = build_osm(instance)
            tm = build.matrix
        else:
            build, tm = None, build_travel(instance, quarter or next_quarter(date.today()))
    seconds = time.perf_counter() - started
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)
    n = len(tm.ids)
    click.echo(f"travel model: {model}" + (f" ({tm.description.get('file')}, sha256 "
                                           f"{str(tm.description.get('sha256'))[:12]}…)"
                                           if tm.description.get("file") else ""))
    if tm.description.get("water"):
        click.echo(f"water: {tm.description['water']} (sha256 "
                   f"{str(tm.description.get('water_sha256'))[:12]}…); "
                   f"{len(tm.shapes)} legs go round it — `bogbus travel check` for details")
    if build is not None:
        snaps = list(build.snaps.values())
        click.echo(f"road graph: {build.nodes} nodes, {build.edges} directed edges")
        click.echo(f"sites snapped: {len(snaps)}; distance to road max {max(snaps):.0f} m, "
                   f"mean {sum(snaps) / len(snaps):.0f} m")
        click.echo(f"cache: {build.cache_path} ({'hit' if build.cache_hit else 'written'})")
    click.echo(f"matrix: {n} × {n} sites ({n * (n - 1)} legs); time taken {seconds:.2f} s")


@travel_group.command("check")
@click.argument("source", default="data/randers", type=click.Path())
@click.option("--all", "show_all", is_flag=True,
              help="List every pair split by water (default: the 20 largest detours).")
@click.option("--quarter", type=QUARTER,
              help="The quarter whose seasonal ferries count, e.g. 2027Q3 (default: the "
                   "next quarter, as `plan`).")
def travel_check(source: str, show_all: bool, quarter: Period | None) -> None:
    """How the water changes the legs of SOURCE, and what a planner should look at."""
    from .calendar import next_quarter
    from .io import load_source
    from .travel.report import travel_report

    instance = load_source(source)
    period = quarter or next_quarter(date.today())
    rep = travel_report(instance, period)
    names = {s.id: s.name for s in instance.sites}
    click.echo(f"travel model: {rep.model}" + (f", water {rep.water}" if rep.water else ""))
    if rep.water:
        click.echo(f"quarter: {period.quarter} ({period.start} – {period.end})")
        for name, sails in rep.in_season.items():
            click.echo(f"seasonal ferry {name}: "
                       + ("in season all quarter" if sails else "not in season all quarter"))
        click.echo(f"crossings used: {', '.join(rep.used) or 'none'}")
        for name, why in rep.unused:
            click.echo(f"crossing not used: {name} ({why})")
        click.echo(f"pairs split by water: {len(rep.split)} of {rep.pairs}; matrix built in "
                   f"{rep.seconds:.2f} s")
        shown = rep.split if show_all else rep.split[:20]
        if shown:
            click.echo("pair: straight km → modelled km (ratio) via")
        for p in shown:
            via = ", ".join(p.via) or "no crossing (round the end of the water)"
            click.echo(f"  {p.a} {names[p.a]} – {p.b} {names[p.b]}: {p.straight_km} → "
                       f"{p.modelled_km} km (×{p.ratio:.2f}) via {via}")
        if len(shown) < len(rep.split):
            click.echo(f"  … {len(rep.split) - len(shown)} more (--all)")
    elif rep.longest:
        click.echo("longest straight legs (no water file):")
        for a, b, km in rep.longest:
            click.echo(f"  {a} {names[a]} – {b} {names[b]}: {km} km")
    for w in rep.warnings:
        click.echo(f"warning: {w}")


if __name__ == "__main__":  # pragma: no cover
    main()
