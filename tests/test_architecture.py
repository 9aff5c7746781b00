"""The layers of docs/architecture.md, read from the real imports of src/bogbus (ast).

Runtime imports count wherever they are written (a lazy import inside a function is
still an import); imports under `if TYPE_CHECKING:` are annotations only and are left
out of the layer rule. Fails on any import cycle — also one held together only by
`TYPE_CHECKING` imports (two modules that need each other's types are one module, or
share a third) —, on any import from a lower layer to a higher one, on an
annotation-only import up a layer other than of the plan document's types, on a module
importing another module's private (`_name`) names, and if the checker can reach the
solver.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "bogbus"

# lowest first; a module may import from its own layer or any lower one
LAYERS: tuple[tuple[str, ...], ...] = (
    ("bogbus._version", "bogbus.errors", "bogbus.model", "bogbus.geo", "bogbus.calendar",
     "bogbus.validate"),
    ("bogbus.io",),
    ("bogbus.travel",),
    ("bogbus.solve",),
    ("bogbus.plan", "bogbus.check", "bogbus.export", "bogbus.bench"),
    ("bogbus.render",),
    ("bogbus.pipeline", "bogbus.compare", "bogbus.year", "bogbus.outputs", "bogbus.board"),
    ("bogbus.cli", "bogbus.cliopts", "bogbus.progress"),
    ("bogbus",),  # the package itself: the public API, re-exported lazily
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    base = SRC.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _type_checking_only(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def runtime_imports(path: Path, *, annotations: bool = False) -> set[str]:
    """The bogbus modules `path` imports at run time (module- or function-level);
    with `annotations`, also those imported under `if TYPE_CHECKING:`."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node) and not annotations:
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "bogbus")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "bogbus":
                return
            subs = [f"{target}.{a.name}" for a in node.names if is_module(f"{target}.{a.name}")]
            found.update(subs)
            if len(subs) < len(node.names):  # some names are attributes of `target` itself
                found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(me)
    return found


GRAPH = {module_name(p): runtime_imports(p) for p in sorted(PKG.rglob("*.py"))}
# runtime and annotation-only imports together
TYPED_GRAPH = {module_name(p): runtime_imports(p, annotations=True)
               for p in sorted(PKG.rglob("*.py"))}


def layer_of(module: str) -> int:
    best, best_len = None, -1
    for i, prefixes in enumerate(LAYERS):
        for pre in prefixes:
            if (module == pre or module.startswith(pre + ".")) and len(pre) > best_len:
                best, best_len = i, len(pre)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and the docs"
    return best


def test_every_module_has_a_layer():
    for module in GRAPH:
        layer_of(module)


def test_no_import_goes_up_a_layer():
    upward = sorted(f"{m} ({layer_of(m)}) imports {d} ({layer_of(d)})"
                    for m, deps in GRAPH.items() for d in deps if layer_of(d) > layer_of(m))
    assert upward == []


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := dfs(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := dfs(node)):
            return found
    return None


def test_no_import_cycle():
    assert find_cycle(GRAPH) is None, " → ".join(find_cycle(GRAPH) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def closure(start: str) -> set[str]:
    """Every module loaded by importing `start`, parent packages' __init__ included."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        parts = m.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # parents run first
        todo += GRAPH.get(m, set())
    return seen


@pytest.mark.parametrize("checker", ["bogbus.plan.check", "bogbus.check"])
def test_the_checker_never_reaches_the_solver(checker):
    assert not {m for m in closure(checker) if m.startswith("bogbus.solve")}


def test_the_checker_does_not_load_cp_sat_at_run_time():
    code = ("import sys, bogbus.check, bogbus.plan.check, bogbus.plan.files; "
            "print(sorted(m for m in sys.modules if m.startswith(('bogbus.solve', 'ortools'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


# Circles held only by TYPE_CHECKING imports that are known and scheduled to go: a
# class whose helpers live in other modules and name it in their annotations. The
# restructure (tools/restructure.py, docs/architecture.md) gives each family its package;
# the helpers then take what they need instead of the whole object. The list may only
# shrink: a listed circle that no longer exists fails the test too.
KNOWN_TYPE_CYCLES: set[frozenset[str]] = set()


def all_cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The modules of every cycle `find_cycle` meets, cut one edge at a time."""
    g = {m: set(d) for m, d in graph.items()}
    found: set[frozenset[str]] = set()
    while (cycle := find_cycle(g)) is not None:
        found.add(frozenset(cycle))
        g[cycle[-2]].discard(cycle[-1])  # cut the closing edge and look again
    return found


def _old_names(cycles: set[frozenset[str]]) -> set[frozenset[str]]:
    """Cycles named in the flat layout (bogbus.solve.repair.stops), whichever layout the
    tree has (after tools/restructure.py: bogbus.solve.repair.stops, .repair.core)."""
    def old_name(m: str) -> str:
        if m.endswith(".core"):  # the family's first module became the package's core
            return m.removesuffix(".core")
        return m.replace(".solve.repair.", ".solve.repair_")

    return {frozenset(old_name(m) for m in c) for c in cycles}


def test_no_import_cycle_even_through_annotations():
    assert find_cycle(GRAPH) is None
    new = _old_names(all_cycles(TYPED_GRAPH)) - _old_names(KNOWN_TYPE_CYCLES)
    assert sorted(map(sorted, new)) == [], "annotation-only import circles"


def test_the_known_type_cycles_still_exist():
    """The allow-list above is kept honest: a circle that is gone is struck off."""
    gone = _old_names(KNOWN_TYPE_CYCLES) - _old_names(all_cycles(TYPED_GRAPH))
    assert sorted(map(sorted, gone)) == []


def test_the_cycle_finder_sees_annotation_only_imports(tmp_path):
    mod = tmp_path / "a.py"
    mod.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                   "    from bogbus.cli import main\n", encoding="utf-8")
    assert "bogbus.cli" not in _collect(mod, annotations=False)
    assert "bogbus.cli" in _collect(mod, annotations=True)


def _collect(path: Path, annotations: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node) and not annotations:
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


# the plan document's types are pure types (no imports): any layer may name them in
# annotations, e.g. io.previous (a previous plan) and the solver (its raw previous plan)
TYPES_ANY_LAYER_MAY_NAME = {"bogbus.plan.document"}


def test_annotation_only_imports_go_up_only_to_the_plan_document():
    up = sorted(f"{m} imports {d}" for m, deps in TYPED_GRAPH.items() for d in deps - GRAPH[m]
                if layer_of(d) > layer_of(m) and d not in TYPES_ANY_LAYER_MAY_NAME)
    assert up == []
    assert GRAPH["bogbus.plan.document"] == set()  # pure types: it imports nothing of ours


# private names still imported across modules in files other branches are editing;
# the list may only shrink (make the name public when those branches are merged)
KNOWN_PRIVATE_IMPORTS: set[str] = set()


def test_no_module_imports_another_modules_private_names():
    """A name another module needs is public (render/pdfdoc.py, not pdf._PDF)."""
    private = []
    for path in sorted(PKG.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or node.level):
                target = node.module or ""
                if target.split(".")[0] not in ("", "bogbus") and not node.level:
                    continue
                names = [a.name for a in node.names
                         if a.name.startswith("_") and not a.name.startswith("__")
                         and a.name != "_version"]
                private += [f"{module_name(path)}: {target}.{n}" for n in names]
    assert sorted(set(private) - KNOWN_PRIVATE_IMPORTS) == []
    assert sorted(KNOWN_PRIVATE_IMPORTS - set(private)) == []  # struck off when fixed
