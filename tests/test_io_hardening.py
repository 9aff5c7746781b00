"""io/files.py, io/yamlguard.py and io/outputset.py on their own (the CLI cases are in
test_hostile.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bogbus.io.files import InputFileError, read_input
from bogbus.io.outputset import MANIFEST, OutputSet
from bogbus.io.yamlguard import MAX_DEPTH, yaml_shape_problem


def test_read_input_reads_a_regular_file_and_refuses_the_rest(tmp_path):
    f = tmp_path / "a.csv"
    f.write_bytes(b"id;kind\n")
    assert read_input(f, 100) == b"id;kind\n"
    os.mkfifo(tmp_path / "pipe")
    os.symlink("/dev/zero", tmp_path / "zero")
    for path, what in ((tmp_path / "pipe", "named pipe"), (tmp_path / "zero", "device"),
                       (tmp_path, "folder"), (tmp_path / "none", "does not exist")):
        with pytest.raises(InputFileError, match=what):
            read_input(path, 100)
    with pytest.raises(InputFileError, match="MB"):
        read_input(f, 4)


def test_yaml_guard_allows_ordinary_anchors_and_refuses_blow_ups():
    ok = "base: &b {speed: 50}\nother: *b\nlist: [1, 2, [3, 4]]\n"
    assert yaml_shape_problem(ok) is None
    assert yaml_shape_problem("a: [" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)) is not None
    assert "*r" in yaml_shape_problem("x: &r [*r]\n")[0]
    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 8))
    problem = yaml_shape_problem(laughs)
    assert problem is not None and problem[1] is not None  # with its line
    assert yaml_shape_problem("a: [unclosed") is None  # syntax errors: the loader says so


@given(st.recursive(st.integers() | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.text("abc", min_size=1, max_size=3), kids, max_size=4),
                    max_leaves=30))
def test_yaml_guard_accepts_every_small_plain_document(value):
    import yaml

    assert yaml_shape_problem(yaml.safe_dump({"v": value})) is None


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def test_output_set_publishes_all_or_discards_all(tmp_path):
    out = tmp_path / "plans" / "x"
    with OutputSet() as outputs:
        stage = outputs.stage_dir(out, prune=True)
        (stage / "plan.json").write_text("{}")
        (stage / "poster-S01.pdf").write_text("p")
        written = outputs.publish()
    assert sorted(p.name for p in written) == ["plan.json", "poster-S01.pdf"]
    assert (out / MANIFEST).read_text().split() == ["plan.json", "poster-S01.pdf"]
    before = _files(out)
    with pytest.raises(RuntimeError):
        with OutputSet() as outputs:
            stage = outputs.stage_dir(out, prune=True)
            (stage / "plan.json").write_text('{"new": 1}')
            outputs.stage_file(tmp_path / "new" / "map.html").write_text("m")
            raise RuntimeError("render failed")
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans"]  # no new/, no staging
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == ["x"]


def test_a_pruning_set_removes_only_its_own_old_files(tmp_path):
    out = tmp_path / "x"

    def publish(names: list[str], prune: bool) -> None:
        with OutputSet() as outputs:
            stage = outputs.stage_dir(out, prune=prune)
            for n in names:
                (stage / n).write_text(n)
            outputs.publish()

    publish(["plan.json", "poster-S09.pdf"], prune=True)
    (out / "own.txt").write_text("mine")  # the user's file beside the set
    publish(["plan.json"], prune=True)     # S09 was closed: its poster goes
    assert sorted(_files(out)) == [MANIFEST, "own.txt", "plan.json"]
    publish(["koereplan.pdf"], prune=False)  # a partial set (one format) keeps the rest
    assert sorted(_files(out)) == [MANIFEST, "koereplan.pdf", "own.txt", "plan.json"]
    assert (out / "own.txt").read_text() == "mine"
