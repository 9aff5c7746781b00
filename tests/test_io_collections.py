"""collections.csv / rotation_history.csv: read with the data folder, every problem at once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_validate import write_folder

from bogbus.cli import main
from bogbus.io import load_source, validate_source

COLLECTIONS = """id;name;kind;crates;notes
DC01;Dyr på landet;daycare;2;
DC02;Eventyr;daginstitution;1;dansk alias
PH01;Storskrift;plejehjem;3;
"""
HISTORY = """site_id;collection_id;date
D01;DC01;2026-11-03
N01;PH01;2026-10-20
"""


def folder_with(tmp: Path, collections: str | None = COLLECTIONS,
                history: str | None = HISTORY) -> Path:
    folder = write_folder(tmp)
    if collections is not None:
        (folder / "collections.csv").write_text(collections, encoding="utf-8")
    if history is not None:
        (folder / "rotation_history.csv").write_text(history, encoding="utf-8")
    return folder


def test_good_files_load(tmp_path: Path) -> None:
    inst = load_source(folder_with(tmp_path))
    assert [(c.id, c.kind, c.crates) for c in inst.collections] == [
        ("DC01", "daycare", 2), ("DC02", "daycare", 1), ("PH01", "nursing_home", 3)]
    assert [(h.site_id, h.collection_id, h.date.isoformat(), h.row)
            for h in inst.rotation_history] == [("D01", "DC01", "2026-11-03", 2),
                                                ("N01", "PH01", "2026-10-20", 3)]


def test_without_the_files_nothing_changes(tmp_path: Path) -> None:
    plain = load_source(write_folder(tmp_path))
    assert plain.collections == () and plain.rotation_history == ()


def test_the_files_change_the_inputs_hash(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = load_source(folder_with(tmp_path / "a"))
    b = load_source(folder_with(tmp_path / "b", history=HISTORY + "D01;DC02;2026-12-01\n"))
    assert a.inputs_sha256 != b.inputs_sha256


def test_every_problem_at_once_with_row_column_and_fix(tmp_path: Path) -> None:
    collections = """id;name;kind;crates
DC01;A;daycare;2
DC01;B;daycare;1
DC03;C;library;1
DC04;D;daycare;0
DC05;E;daycare;11
DC06;F;daycare;to
"""
    history = """site_id;collection_id;date
X99;DC01;2026-11-03
S01;DC01;2026-11-03
N01;DC01;2026-11-03
D01;ZZ;2026-11-03
D01;DC01;1899-01-01
D01;DC01;3.11.2026
"""
    folder = folder_with(tmp_path, collections, history)
    instance, problems = validate_source(folder)
    assert instance is None
    found = {(Path(p.file).name, p.row, p.column) for p in problems if p.severity == "error"}
    assert found == {
        ("collections.csv", 3, "id"),  # duplicate
        ("collections.csv", 4, "kind"),  # unknown kind
        ("collections.csv", 5, "crates"),  # not positive
        ("collections.csv", 6, "crates"),  # bigger than the bus (crate_capacity 10)
        ("collections.csv", 7, "crates"),  # not a number
        ("rotation_history.csv", 2, "site_id"),  # unknown site
        ("rotation_history.csv", 3, "site_id"),  # a public stop
        ("rotation_history.csv", 4, "collection_id"),  # a daycare collection at a home
        ("rotation_history.csv", 5, "collection_id"),  # unknown collection
        ("rotation_history.csv", 6, "date"),  # outside a sensible range
        ("rotation_history.csv", 7, "date"),  # not a date
    }
    assert all(p.fix for p in problems)
    text = "\n".join(str(p) for p in problems)
    assert "used twice (also row 2)" in text and "crate_capacity 10" in text


def test_bad_collections_exit_1_and_write_nothing(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "id;name;kind;crates\nDC01;A;daycare;-1\n", None)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["plan", str(folder), "--quarter", "2027Q1",
                                    "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "collections.csv, row 2, column 'crates'" in res.output
    assert not out.exists()


def test_history_without_collections_is_an_error(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, None, HISTORY)
    _, problems = validate_source(folder)
    assert any("no collections.csv" in p.message for p in problems)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "id;name\nDC01;A\n", "site;collection_id;date\n")
    _, problems = validate_source(folder)
    cols = {(Path(p.file).name, p.column) for p in problems if p.severity == "error"}
    assert {("collections.csv", "kind"), ("collections.csv", "crates"),
            ("rotation_history.csv", "site_id")} <= cols
