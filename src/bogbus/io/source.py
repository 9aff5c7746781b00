"""Load a SOURCE (a data folder or a scenario file, see io/scenario.py) into an `Instance`.

Reading and checking are one pass that collects every problem, so a planner
fixes their spreadsheet once instead of once per error. Files are only read,
never written: scenarios and plans must be able to rely on the base data.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import BogbusError, InputError, Problem
from ..model import Instance
from ..validate import Where, validate
from .boundary import boundary_problems
from .collections import load_rotation_files
from .files import MAX_DATA_BYTES, InputFileError, check_regular, read_input
from .gisfile import SITES_CSV, SITES_FILES, sites_file, sites_table
from .settings import parse_settings
from .sites import parse_sites

SITES_FILE = SITES_CSV
SETTINGS_FILE = "settings.yaml"
DATA_FILES = (*SITES_FILES, SETTINGS_FILE)


def inputs_sha256(files: Mapping[str, bytes]) -> str:
    """sha256 over the bytes of the files read, concatenated in file-name order."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(files[name])
    return h.hexdigest()


def _label(source: str | os.PathLike[str], name: str) -> str:
    """A file as the user should see it in messages: the SOURCE they typed + file name."""
    return str(Path(source) / name)


def _sort(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file and row, so the list reads top to bottom in each file."""
    return sorted(problems, key=lambda p: (p.severity != "error", p.file, p.row or 0))


def _is_scenario(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in (".yaml", ".yml") \
        and path.name != SETTINGS_FILE


def _data_folder(path: Path) -> Path:
    """The data folder a SOURCE names; a data file inside one also names its folder."""
    if path.is_file() and path.name in DATA_FILES:
        return path.parent
    if path.is_file():
        raise BogbusError(f"{path} is not a data folder: give the folder that holds "
                          f"{SITES_FILE} and {SETTINGS_FILE}")
    return path


def _load_scenario(path: Path, *, strict: bool) -> tuple[Instance | None, list[Problem]]:
    """Scenario files (scenarios/*.yaml) plug in here: read the scenario, load its base
    data folder with `_load_folder`, apply the changes, re-validate, hash the scenario
    file together with the base files."""
    from .scenario import load_scenario

    return load_scenario(path, plausibility=strict)


def _load_folder(folder: Path, source: str, *,
                 plausibility: bool) -> tuple[Instance | None, list[Problem]]:
    """Read and check one data folder; the instance is None when it cannot be built."""
    shown = source if folder == Path(source) else str(folder)
    if not folder.is_dir():
        return None, [Problem(shown, f"the data folder {shown} does not exist",
                              f"give the folder that holds {SITES_FILE} and {SETTINGS_FILE}, "
                              "e.g. data/randers")]
    sites_name, problems = sites_file(folder, shown)
    files: dict[str, bytes] = {}
    for name in (sites_name or SITES_FILE, SETTINGS_FILE):
        if not os.path.lexists(folder / name):
            hint = (f"save the sheet from Excel as CSV (semikolonsepareret) named {name}"
                    if name == SITES_FILE and any(folder.glob("sites.xls*"))
                    else f"add {name} to the folder (see the README for an example)")
            problems.append(Problem(_label(shown, name), f"{name} is missing in {shown}", hint))
            continue
        try:
            files[name] = read_input(folder / name, MAX_DATA_BYTES, name)
        except InputFileError as exc:
            problems.append(Problem(_label(shown, name), exc.reason, exc.fix))
    if problems:
        return None, problems

    name = sites_name or SITES_FILE
    parsed_sites = parse_sites(sites_table(folder / name, files[name], _label(shown, name)))
    parsed_settings = parse_settings(files[SETTINGS_FILE], _label(shown, SETTINGS_FILE))
    problems = parsed_sites.problems + parsed_settings.problems
    if parsed_sites.failed:
        return None, problems
    where = Where(sites_file=_label(shown, name), settings_file=_label(shown, SETTINGS_FILE),
                  settings_lines=parsed_settings.lines,
                  absent_columns=parsed_sites.absent_columns,
                  unreadable={(p.row, p.column) for p in parsed_sites.problems if p.column})
    problems += validate(parsed_sites.sites, parsed_settings.settings, where,
                         plausibility=plausibility)
    problems += boundary_problems(folder, shown, parsed_sites.sites, _label(shown, name))
    collections, history = load_rotation_files(folder, shown, files, parsed_sites.sites,
                                               parsed_settings.settings, problems)
    if parsed_settings.settings is None:
        return None, problems
    instance = Instance(
        scenario=folder.resolve().name,
        source=source,
        sites=tuple(parsed_sites.sites),
        settings=parsed_settings.settings,
        inputs_sha256=inputs_sha256(files),
        collections=tuple(collections),
        rotation_history=tuple(history),
    )
    return instance, problems


def _load(path: str | os.PathLike[str], *,
          plausibility: bool) -> tuple[Instance | None, list[Problem]]:
    p = Path(path)
    if p.exists() and not p.is_dir():
        check_regular(p, MAX_DATA_BYTES, "source")  # a pipe or device: say so, never block
    if _is_scenario(p):
        return _load_scenario(p, strict=plausibility)
    return _load_folder(_data_folder(p), str(path), plausibility=plausibility)


def load_source(path: str | os.PathLike[str], *, strict: bool = True) -> Instance:
    """Load a data folder, raising `InputError` with every problem if any is an error.

    `strict=False` skips the plausibility checks (windows vs shifts, distances,
    crates …) and raises only for data that cannot be used at all; it is for
    re-reading data a plan was already made from, where `bogbus check` judges the
    plan itself. Warnings never raise; use `validate_source` to see them.
    """
    return load_source_warned(path, strict=strict)[0]


def load_source_warned(path: str | os.PathLike[str], *,
                       strict: bool = True) -> tuple[Instance, list[Problem]]:
    """`load_source` plus the warnings `bogbus validate` would print, so `plan` tells
    the planner about a typo such as `max_km_per_dy` exactly as `validate` does."""
    instance, problems = _load(path, plausibility=strict)
    if instance is None or any(p.severity == "error" for p in problems):
        raise InputError(_sort(problems))
    return instance, [p for p in _sort(problems) if p.severity == "warning"]


def validate_source(path: str | os.PathLike[str]) -> tuple[Instance | None, list[Problem]]:
    """Everything wrong with a SOURCE, errors and warnings, without raising for data problems.

    The instance is returned only when there are no errors, so it is safe to plan with.
    """
    try:
        instance, problems = _load(path, plausibility=True)
    except BogbusError as exc:
        return None, [Problem(str(path), str(exc))]
    problems = _sort(problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return instance, problems
