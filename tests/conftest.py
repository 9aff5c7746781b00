"""Shared fixtures of the test suite.

`tests/` is on the import path through `pythonpath = ["tests"]` in pyproject.toml, so
test modules import their builders with `from factories import …` on purpose, not by
accident of pytest's rootdir handling.

Markers (see pyproject.toml): `slow` — plans the Randers data or many random
instances end to end; `browser` — needs headless Chromium. `make test-fast` leaves
both out; `make test` runs everything.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from factories import small
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from bogbus.calendar import Period, parse_quarter
from bogbus.model import Instance
from bogbus.pipeline import Plan, plan_instance

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis keeps its files (example database, collected constants) in `.hypothesis/`
# of the folder pytest starts in — the repository — before any fixture can move the
# working folder: here they go to a temporary folder, and no example database is kept
# (the tests' own settings make their examples, run after run).
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="bogbus-hypothesis-")
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
settings.register_profile("no-database", database=None)
settings.load_profile("no-database")

WRITTEN_BY_DEFAULT = ("maps", "plans")  # where the CLI writes when given no --out
WATCHED = (*WRITTEN_BY_DEFAULT, ".hypothesis")  # and where hypothesis would


def _outputs() -> set[Path]:
    return {p for d in WATCHED if (ROOT / d).is_dir() for p in (ROOT / d).rglob("*")}


@pytest.fixture(scope="session", autouse=True)
def _cwd_outside_the_repository(tmp_path_factory):
    """Every test runs in a temporary working folder, so an output the CLI writes to a
    default relative path (the map's `maps/<scenario>-<quarter>.html`, `plans/…`) lands
    there, never in the repository; and the session fails if one appeared there anyway
    (`make test` must leave `git status --ignored` clean)."""
    before = _outputs()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("cwd"))
        yield
    new = sorted(str(p.relative_to(ROOT)) for p in _outputs() - before)
    assert not new, f"tests wrote into the repository: {', '.join(new)}"


@pytest.fixture(scope="session")
def randers_dir() -> Path:
    """The shipped Randers data folder (read-only: copy it before changing anything)."""
    return ROOT / "data" / "randers"


@pytest.fixture(scope="session")
def q1() -> Period:
    """The quarter most tests plan: 2027Q1 (New Year and Easter fall in it)."""
    return parse_quarter("2027Q1")


@pytest.fixture
def small_instance() -> Instance:
    """A fresh copy of `factories.small()`: six stops, two daycares, one nursing home."""
    return small()


@pytest.fixture(scope="session")
def small_plan() -> tuple[Instance, Plan]:
    """`factories.small()` planned for 2027Q1 (work 225, seed 0) through the pipeline, so it
    has already passed the independent checker. Shared: deep-copy before mutating."""
    inst = small()
    return inst, plan_instance(inst, "2027Q1", time_limit_s=120, seed=0, work=225)
