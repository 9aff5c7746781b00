"""Where outputs go: checked before any work, so a bad `--out` costs no planning time.

A plan takes half a minute; finding only afterwards that `--out` is under a file,
on a read-only disk or inside /proc wastes it and used to end in a traceback. The
checks here *try* what the write will do (create and remove a temporary entry in
the nearest existing folder), because permission bits do not tell the whole truth
(root, read-only mounts, /proc).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import BogbusError


def _nearest_existing(path: Path) -> Path:
    p = path
    while not os.path.lexists(p):
        if p.parent == p:
            break
        p = p.parent
    return p


def _probe(folder: Path, option: str, shown: Path) -> None:
    """Create and remove a temporary folder in `folder`: the write test itself."""
    try:
        probe = tempfile.mkdtemp(prefix=".bogbus-probe-", dir=folder)
        os.rmdir(probe)
    except OSError as exc:
        raise BogbusError(f"{option} {shown}: cannot write in {folder} ({exc.strerror}) — "
                          "choose a folder you can write to") from None


def check_out_dir(path: str | os.PathLike[str], option: str = "--out") -> Path:
    """`path` can be a folder of outputs: it is one, or can be created, and is writable."""
    path = Path(path)
    base = _nearest_existing(path)
    if not base.is_dir():
        what = "is a file" if base.is_file() else "is not a folder"
        raise BogbusError(f"{option} {path}: {base} {what}, so the folder cannot be "
                          "created there — choose another folder")
    _probe(base, option, path)
    return path


def check_out_file(path: str | os.PathLike[str], option: str = "--out") -> Path:
    """`path` can be written as a file: not a folder, and its folder is writable."""
    path = Path(path)
    if path.is_dir():
        raise BogbusError(f"{option} {path}: is a folder — give a file name, e.g. "
                          f"{path / 'out.html'}")
    if os.path.lexists(path) and not path.is_file():
        raise BogbusError(f"{option} {path}: is not a regular file — give a file name")
    check_out_dir(path.parent, option)
    return path
