"""The `bogbus` command line: parse options, call the core, print. Nothing else."""

from __future__ import annotations

import sys
import warnings
from datetime import date
from pathlib import Path

import click

from .errors import BogbusError, InputError

EXIT_OK, EXIT_INPUT, EXIT_UNSERVED = 0, 1, 3


class _Group(click.Group):
    """Turns user errors into a clean message and exit code 1 — never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            click.echo(f"Cannot continue: {len(errors)} problem(s) in the input.", err=True)
            for p in exc.problems:
                click.echo(f"  {p.severity}: {p}", err=True)
            ctx.exit(EXIT_INPUT)
        except BogbusError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)


def _progress(msg: str) -> None:
    click.echo(f"… {msg}", err=True)


@click.group(cls=_Group)
@click.version_option(package_name="bogbus")
def main() -> None:
    """Plan a library bogbus: regular stop timetables, outreach visits, posters and maps."""


@main.command()
@click.argument("source", default="data/randers", type=click.Path())
@click.option("--quarter", help="Quarter to plan, e.g. 2027Q1 (default: the next one).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for plan.json and timetables (default plans/<scenario>-<quarter>).")
@click.option("--time-limit", type=float, help="Search time in seconds (default from settings).")
@click.option("--seed", type=int, help="Random seed (default from settings).")
@click.option("--no-render", is_flag=True, help="Write plan.json only: no timetables or map.")
@click.option("--previous", "previous_file", type=click.Path(dir_okay=False),
              help="A previous plan.json: keep its stop timetable unless infeasible.")
def plan(source: str, quarter: str | None, out_dir: str | None, time_limit: float | None,
         seed: int | None, no_render: bool, previous_file: str | None) -> None:
    """Plan a quarter for SOURCE (a data folder) and write plan.json, timetables and map."""
    from .calendar import next_quarter, parse_quarter
    from .io import load_source
    from .pipeline import PlanRejected, plan_instance
    from .plan.files import read_plan, write_plan
    from .render.summary import plan_summary

    previous = read_plan(Path(previous_file)) if previous_file else None
    instance = load_source(source)
    period = parse_quarter(quarter) if quarter else next_quarter(date.today())
    out = Path(out_dir or f"plans/{instance.scenario}-{period.quarter}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        try:
            data = plan_instance(instance, period, time_limit_s=time_limit, seed=seed,
                                 progress=_progress, previous=previous)
        except PlanRejected as exc:  # the planner never writes a plan its checker rejects
            for v in exc.violations:
                click.echo(f"  {v}", err=True)
            raise
    for w in caught:  # e.g. a site far from any road in the osm model
        click.echo(f"warning: {w.message}", err=True)
    path = write_plan(data, out / "plan.json")
    written = [path]
    if not no_render:
        written += _render(data, out, Path("maps") / f"{instance.scenario}-{period.quarter}.html")
    for line in plan_summary(data):
        click.echo(line)
    click.echo(f"wrote {path}" + (f" and {len(written) - 1} timetable/map files" if
                                  len(written) > 1 else ""))
    sys.exit(EXIT_UNSERVED if data["unserved"] else EXIT_OK)


def _render(data: dict, out: Path, map_path: Path) -> list[Path]:
    from .render import write_map, write_outreach, write_timetables

    paths = list(write_timetables(data, out))
    paths += write_outreach(data, out)  # staff køreplan, packing list, institution letters
    paths.append(write_map(data, map_path))
    return paths


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
    kinds: dict[str, int] = {}
    for s in instance.sites:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    click.echo(f"OK: {source}: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
               + f", {len(instance.settings.vehicles)} vehicle(s)")


@main.command()
@click.argument("plan_file", type=click.Path())
@click.argument("source", required=False, type=click.Path())
def check(plan_file: str, source: str | None) -> None:
    """Re-verify PLAN against its data (SOURCE, else the data folder it names, else the
    sites and settings stored in the plan) and every regularity rule."""
    from .io import load_source
    from .plan.check import check_plan
    from .plan.files import read_plan

    data = read_plan(Path(plan_file))
    src = source or (data.get("data") if data.get("data") and Path(data["data"]).exists()
                     else None)  # a data folder or a scenario file
    instance = load_source(src) if src else None
    violations = check_plan(data, instance)
    against = src or "the data stored in the plan"
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
@click.option("--quarter", help="Quarter to plan, e.g. 2027Q1 (default: the next one).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]),
              default="table", show_default=True)
@click.option("--time-limit", type=float, help="Search time per source in seconds.")
@click.option("--seed", type=int, help="Random seed (default from settings).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False),
              help="Write the comparison to this file instead of the screen.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False),
              help="Also write a map with every plan's routes as layers.")
@click.option("--save-plans", "plans_dir", type=click.Path(file_okay=False),
              help="Also write each plan to DIR/<n>-<scenario>/plan.json.")
def compare(sources: tuple[str, ...], quarter: str | None, fmt: str,
            time_limit: float | None, seed: int | None, out_file: str | None,
            map_file: str | None, plans_dir: str | None) -> None:
    """Plan each SOURCE (data folders or scenario files) and compare key figures and
    per-stop changes against the first."""
    from .calendar import next_quarter, parse_quarter
    from .compare import compare_plans, plan_sources
    from .io import load_source
    from .render.comparetable import render

    for src in sources:  # all input problems before any planning
        load_source(src)
    period = parse_quarter(quarter) if quarter else next_quarter(date.today())
    plans = plan_sources(list(sources), period.quarter, time_limit_s=time_limit, seed=seed,
                         progress=_progress)
    doc = compare_plans(plans)
    labels = [s["source"] for s in doc["sources"]]
    if plans_dir:
        from .plan.files import write_plan

        for i, p in enumerate(plans):
            path = Path(plans_dir) / f"{i + 1}-{p['scenario']}" / "plan.json"
            click.echo(f"wrote {write_plan(p, path)}", err=True)
    if map_file:
        from .render.comparemap import write_compare_map

        click.echo(f"wrote {write_compare_map(plans, labels, Path(map_file))}", err=True)
    text = render(doc, fmt)
    if out_file:
        Path(out_file).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_file}")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("plan_file", type=click.Path())
@click.option("--site", "--stop", "stop_id",
              help="Only this site: a stop's poster, or an institution's letter and calendar.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "csv", "ics"]),
              multiple=True, help="Formats to write (repeatable; default all).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Output folder (default: beside the plan).")
def timetable(plan_file: str, stop_id: str | None, fmt: tuple[str, ...],
              out_dir: str | None) -> None:
    """Timetables from a plan: posters, køreplan (public and staff), letters and calendars
    for the institutions, CSV (timetable, packing list) and ICS."""
    from .plan.files import read_plan
    from .render import institution_ids, write_outreach, write_timetables

    data = read_plan(Path(plan_file))
    out = Path(out_dir) if out_dir else Path(plan_file).parent
    formats = fmt or ("pdf", "html", "csv", "ics")
    stops = {s["site_id"] for s in data.get("stop_timetable", [])}
    if stop_id and stop_id not in stops and stop_id not in institution_ids(data):
        raise BogbusError(f"--site {stop_id}: not a public stop with a timetable in this plan, "
                          "nor a daycare, nursing home or branch")
    if stop_id is not None and stop_id in institution_ids(data):
        paths = write_outreach(data, out, formats=formats, site=stop_id)
    else:
        paths = write_timetables(data, out, formats=formats, stop=stop_id)
        if stop_id is None:
            paths += write_outreach(data, out, formats=formats)
    for p in paths:
        click.echo(f"wrote {p}")


@main.command("map")
@click.argument("plan_file", type=click.Path())
@click.option("--out", "out_file", type=click.Path(dir_okay=False),
              help="HTML file (default maps/<scenario>-<quarter>.html).")
def map_cmd(plan_file: str, out_file: str | None) -> None:
    """An offline Folium map of a plan's routes and sites."""
    from .plan.files import read_plan
    from .render import write_map

    data = read_plan(Path(plan_file))
    out = Path(out_file or f"maps/{data['scenario']}-{data['quarter']}.html")
    click.echo(f"wrote {write_map(data, out)}")


@main.command()
@click.argument("source", default="data/randers", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["vrplib"]), default="vrplib",
              show_default=True, help="Output format.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True,
              help="File to write, e.g. randers.vrp.")
@click.option("--include", type=click.Choice(["outreach"]), multiple=True,
              help="Also export daycares, nursing homes and branches (default: public stops).")
def export(source: str, fmt: str, out_file: str, include: tuple[str, ...]) -> None:
    """Write SOURCE's weekly routing instance for other solvers (see docs/export.md)."""
    from .export import describe, export_vrplib
    from .io import load_source

    instance = load_source(source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        result = export_vrplib(instance, Path(out_file), include_outreach="outreach" in include)
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)
    click.echo(f"wrote {out_file} ({fmt}): {describe(result)}")


@main.group("travel")
def travel_group() -> None:
    """Travel times: precompute and inspect the travel model of a data folder."""


@travel_group.command("build")
@click.argument("source", default="data/randers", type=click.Path())
def travel_build(source: str) -> None:
    """Precompute (and cache) the travel matrix of SOURCE and report how it went."""
    import time
    import warnings

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
            build, tm = None, build_travel(instance)
    seconds = time.perf_counter() - started
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)
    n = len(tm.ids)
    click.echo(f"travel model: {model}" + (f" ({tm.description.get('file')}, sha256 "
                                           f"{str(tm.description.get('sha256'))[:12]}…)"
                                           if tm.description.get("file") else ""))
    if build is not None:
        snaps = list(build.snaps.values())
        click.echo(f"road graph: {build.nodes} nodes, {build.edges} directed edges")
        click.echo(f"sites snapped: {len(snaps)}; distance to road max {max(snaps):.0f} m, "
                   f"mean {sum(snaps) / len(snaps):.0f} m")
        click.echo(f"cache: {build.cache_path} ({'hit' if build.cache_hit else 'written'})")
    click.echo(f"matrix: {n} × {n} sites ({n * (n - 1)} legs); time taken {seconds:.2f} s")


if __name__ == "__main__":  # pragma: no cover
    main()
