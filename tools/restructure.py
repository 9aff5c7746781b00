#!/usr/bin/env python3
"""Turn the prefix families of bogbus into packages (docs/architecture.md, Packages).

    python tools/restructure.py [ROOT] [--no-git] [--check]

ROOT is a checkout of bogbus (default: the checkout this script is in). It moves

    src/bogbus/solve/bound*.py      → src/bogbus/solve/bound/   (core, content, degree, job,
                                                                master, qroute, result)
    src/bogbus/solve/repair*.py     → src/bogbus/solve/repair/  (core, outreach, stops, day)
    src/bogbus/render/report*.py    → src/bogbus/render/report/ (core, charts, data, html,
                                                                 layout, pdf, text)

with `git mv` (plain renames with --no-git), rewrites every import of the moved modules
in src/, tests/, bench/ and tools/ — relative imports stay relative, an import of names
the package exports goes to the package, any other to the module that defines them —
rewrites dotted module names in strings and docs (`bogbus.solve.bound_qroute` →
`bogbus.solve.bound.qroute`), and writes each package's `__init__.py` naming what the
rest of bogbus may use: the names modules outside the family import today.

Idempotent: a tree already restructured is left as it is (exit 0, "nothing to do").
`--check` only says whether there is something to do (exit 1 if so).

After it: `ruff check --fix src tests` (import order), `mypy`, `pytest`.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Family:
    package: str  # dotted name of the new package, e.g. bogbus.solve.bound
    moves: dict[str, str]  # old module (dotted) → new module (dotted)
    doc: str  # the package docstring: what the family is


FAMILIES = (
    Family("bogbus.solve.bound", {
        "bogbus.solve.bound": "bogbus.solve.bound.core",
        "bogbus.solve.bound_content": "bogbus.solve.bound.content",
        "bogbus.solve.bound_degree": "bogbus.solve.bound.degree",
        "bogbus.solve.bound_job": "bogbus.solve.bound.job",
        "bogbus.solve.bound_master": "bogbus.solve.bound.master",
        "bogbus.solve.bound_qroute": "bogbus.solve.bound.qroute",
        "bogbus.solve.bound_result": "bogbus.solve.bound.result",
    }, "The proven lower bound on the template week's km (docs/lower-bound.md): route "
       "pools,\nthe shared-arrival-time bound, the LP over walks, the neighbour bound, and "
       "the job\nthat runs them beside the search."),
    Family("bogbus.solve.repair", {
        "bogbus.solve.repair": "bogbus.solve.repair.core",
        "bogbus.solve.repair_outreach": "bogbus.solve.repair.outreach",
        "bogbus.solve.repair_stops": "bogbus.solve.repair.stops",
        "bogbus.solve.repairday": "bogbus.solve.repair.day",
    }, "Repairing a published plan from a date on (docs/replanning.md): keep the past "
       "and every\nuntouched visit, cancel or move what the new data forbids."),
    Family("bogbus.render.report", {
        "bogbus.render.report": "bogbus.render.report.core",
        "bogbus.render.reportcharts": "bogbus.render.report.charts",
        "bogbus.render.reportdata": "bogbus.render.report.data",
        "bogbus.render.reportlayout": "bogbus.render.report.layout",
        "bogbus.render.reporthtml": "bogbus.render.report.html",
        "bogbus.render.reportpdf": "bogbus.render.report.pdf",
        "bogbus.render.reporttext": "bogbus.render.report.text",
    }, "The board's report (docs/report.md): figures from plan files, charts, Danish "
       "HTML and\nPDF, report.json and report.csv."),
)
MOVES = {old: new for f in FAMILIES for old, new in f.moves.items()}
SCAN = ("src", "tests", "bench", "tools")
DOCS = ("docs", "README.md")


def file_of(root: Path, module: str, package: bool = False) -> Path:
    base = root / "src" / Path(*module.split("."))
    return base / "__init__.py" if package else base.with_suffix(".py")


def module_of(root: Path, path: Path) -> str | None:
    """The dotted name of a file under src/ (None for tests and tools)."""
    try:
        rel = path.relative_to(root / "src")
    except ValueError:
        return None
    parts = list(rel.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def todo(root: Path) -> bool:
    return any(file_of(root, old).is_file() and not file_of(root, f.package, True).is_file()
               for f in FAMILIES for old in f.moves)


def resolve(node: ast.ImportFrom, me: str | None, is_pkg: bool) -> str:
    """The absolute module an ImportFrom reads from."""
    if not node.level:
        return node.module or ""
    assert me is not None, "a relative import outside src/"
    base = me.split(".") if is_pkg else me.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def relative(target: str, me: str, is_pkg: bool) -> tuple[int, str]:
    """(level, module) of a relative import of `target` from module `me`."""
    here = me.split(".") if is_pkg else me.split(".")[:-1]
    there = target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return len(here) - common + 1, ".".join(there[common:])


def defined_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return out


def py_files(root: Path) -> list[Path]:
    return sorted(p for d in SCAN if (root / d).exists() for p in (root / d).rglob("*.py")
                  if ".bogbus-tmp" not in p.name and p.name != Path(__file__).name)


def public_api(root: Path) -> dict[str, dict[str, str]]:
    """package → {name: defining new module}: the names modules outside the family
    (in src/) import from it today, before the move."""
    api: dict[str, dict[str, str]] = {f.package: {} for f in FAMILIES}
    family_of = {old: f for f in FAMILIES for old in f.moves}
    for path in py_files(root):
        me = module_of(root, path)
        if me is None or me in family_of:
            continue
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            src = resolve(node, me, is_pkg)
            if src in family_of:
                for a in node.names:
                    api[family_of[src].package][a.name] = MOVES[src]
    return api


def new_import(node: ast.ImportFrom | ast.Import, me: str | None, is_pkg: bool,
               api: dict[str, dict[str, str]], inside: str | None) -> str | None:
    """The rewritten text of an import of a moved module, or None if it is untouched."""
    if isinstance(node, ast.Import):
        names = []
        changed = False
        for a in node.names:
            if a.name in MOVES:
                changed = True
                names.append(f"{MOVES[a.name]} as {a.asname}" if a.asname
                             else f"{MOVES[a.name]} as {a.name.rsplit('.', 1)[-1]}")
            else:
                names.append(f"{a.name} as {a.asname}" if a.asname else a.name)
        return f"import {', '.join(names)}" if changed else None
    src = resolve(node, me, is_pkg)
    targets: dict[str, list[str]] = {}
    changed = bool(node.level) and me in MOVES  # the module itself moves: re-level it
    for a in node.names:
        text = f"{a.name} as {a.asname}" if a.asname else a.name
        sub = f"{src}.{a.name}"
        if sub in MOVES and src not in MOVES:  # `from bogbus.solve import bound_qroute`
            new = MOVES[sub]
            parent, leaf = new.rsplit(".", 1)
            targets.setdefault(parent, []).append(f"{leaf} as {a.asname or a.name}")
            changed = True
        elif src in MOVES:
            changed = True
            family = next(f for f in FAMILIES if src in f.moves)
            exported = api[family.package].get(a.name) == MOVES[src]
            where = family.package if exported and inside != family.package else MOVES[src]
            targets.setdefault(where, []).append(text)
        else:
            targets.setdefault(src, []).append(text)
    if not changed:
        return None
    lines = []
    for target, names in targets.items():
        if node.level and me is not None:
            level, mod = relative(target, me if me not in MOVES else MOVES[me],
                                  is_pkg and me not in MOVES)
            head = f"from {'.' * level}{mod} import "
        else:
            head = f"from {target} import "
        lines.append(wrap(head, names))
    return "\n".join(lines)


def wrap(head: str, names: list[str], width: int = 92) -> str:
    """`from x import a, b` within the line length: a parenthesised list if long."""
    one = head + ", ".join(names)
    if len(one) <= width:
        return one
    out, line = [], "    "
    for n in names:
        if len(line) + len(n) + 2 > width and line.strip():
            out.append(line.rstrip())
            line = "    "
        line += n + ", "
    out.append(line.rstrip().rstrip(","))
    return head + "(\n" + "\n".join(out) + ")"


def rewrite_imports(root: Path, path: Path, api: dict[str, dict[str, str]]) -> bool:
    text = path.read_text(encoding="utf-8")
    me = module_of(root, path)
    is_pkg = path.name == "__init__.py"
    inside = next((f.package for f in FAMILIES if me in f.moves or me == f.package), None)
    tree = ast.parse(text)
    lines = text.split("\n")
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            new = new_import(node, me, is_pkg, api, inside)
            if new is not None:
                edits.append((node, new))
    for node, new in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        indent = lines[first][: node.col_offset]
        tail = lines[last][node.end_col_offset:]
        body = "\n".join(indent + ln if i else ln for i, ln in enumerate(new.split("\n")))
        lines[first: last + 1] = [lines[first][: node.col_offset] + body + tail]
    new_text = "\n".join(lines)
    new_text = rewrite_names(new_text)
    if new_text != text:
        path.write_text(new_text, encoding="utf-8")
        return True
    return False


PACKAGES = {f.package for f in FAMILIES}


def rewrite_names(text: str) -> str:
    """Dotted module names in strings, comments and docs (monkeypatch targets, links).
    A name that becomes its package (bogbus.solve.bound) is left: it names the package."""
    for old in sorted(MOVES, key=len, reverse=True):
        if old not in PACKAGES:
            text = re.sub(re.escape(old) + r"(?![\w.])", MOVES[old], text)
        old_path = old.replace(".", "/").removeprefix("bogbus/") + ".py"
        new_path = MOVES[old].replace(".", "/").removeprefix("bogbus/") + ".py"
        text = re.sub(r"(?<![\w/])" + re.escape(old_path), new_path, text)
    return text


def move(root: Path, use_git: bool) -> None:
    for f in FAMILIES:
        file_of(root, f.package, True).parent.mkdir(exist_ok=True)
        for old, new in f.moves.items():
            src, dst = file_of(root, old), file_of(root, new)
            if not src.is_file():
                continue
            if use_git:
                subprocess.run(["git", "-C", str(root), "mv", str(src.relative_to(root)),
                                str(dst.relative_to(root))], check=True)
            else:
                src.rename(dst)


def write_inits(root: Path, api: dict[str, dict[str, str]], use_git: bool) -> None:
    for f in FAMILIES:
        names = api[f.package]
        by_module: dict[str, list[str]] = {}
        for name, module in sorted(names.items()):
            if name in defined_names(file_of(root, module)):
                by_module.setdefault(module, []).append(name)
        lines = [f'"""{f.doc}\n\nWhat the rest of bogbus may use; the modules of the '
                 'package are its own."""', "", "from __future__ import annotations", ""]
        for module, ns in sorted(by_module.items()):
            lines.append(f"from .{module.rsplit('.', 1)[-1]} import {', '.join(sorted(ns))}")
        exported = sorted(n for ns in by_module.values() for n in ns)
        lines += ["", "__all__ = [" + ", ".join(f'"{n}"' for n in exported) + "]", ""]
        init = file_of(root, f.package, True)
        init.write_text("\n".join(lines), encoding="utf-8")
        if use_git:
            subprocess.run(["git", "-C", str(root), "add", str(init.relative_to(root))],
                           check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    ap.add_argument("--no-git", action="store_true", help="plain renames, not git mv")
    ap.add_argument("--check", action="store_true", help="only say if there is work")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve()
    if not (root / "src" / "bogbus").is_dir():
        print(f"{root}: not a bogbus checkout (no src/bogbus)", file=sys.stderr)
        return 2
    if not todo(root):
        print("nothing to do: the packages exist already")
        return 0
    if args.check:
        print("to do: " + ", ".join(f.package for f in FAMILIES))
        return 1
    use_git = not args.no_git and (root / ".git").exists()
    api = public_api(root)  # read before anything moves
    changed = [p for p in py_files(root) if rewrite_imports(root, p, api)]
    move(root, use_git)
    write_inits(root, api, use_git)
    for d in DOCS:
        for p in ([root / d] if (root / d).is_file() else sorted((root / d).rglob("*.md"))
                  if (root / d).is_dir() else []):
            text = p.read_text(encoding="utf-8")
            if (new := rewrite_names(text)) != text:
                p.write_text(new, encoding="utf-8")
                changed.append(p)
    print(f"moved {len(MOVES)} modules into {len(FAMILIES)} packages; rewrote "
          f"{len(changed)} files. Next: ruff check --fix src tests; mypy; pytest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
