"""All or nothing: the files of one run are staged, then published together.

A run writes a set of files that belong together: plan.json, a poster per stop, the
køreplan, CSV, ICS and the map. Writing them one by one in place means a run that
fails half-way (a full disk, Ctrl-C, SIGTERM, a bug in a renderer) leaves a new
plan.json beside last quarter's posters — the library would print a timetable that
no plan says. So every file is first written into a staging folder beside its final
folder (same disk, so moving is a rename), and only when all are written are they
moved into place in one quick step with Ctrl-C and SIGTERM held back. A failure
before that step removes the staging folders: the old set stays exactly as it was.

Files of the previous set that the new set no longer has (the poster of a stop that
was closed) are removed when the new set is published — but only files bogbus
listed in its manifest `.bogbus-outputs` there, never a file the user put beside them.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .atomic import current_umask  # one rule for the mode of every file bogbus writes

MANIFEST = ".bogbus-outputs"


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while the set is moved into place; they arrive right after."""
    if threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class OutputSet:
    """Stage the files of one run; `publish` moves them all into place, `discard` (or
    leaving the `with` block by an exception) removes every trace of them."""

    def __init__(self) -> None:
        self._dirs: list[tuple[Path, Path, bool]] = []  # (staging, final folder, prune)
        self._files: list[tuple[Path, Path]] = []  # (staged file, final file)
        self._made: list[Path] = []                # folders created for the set, outermost first

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None:
            self.discard()

    def _mkdirs(self, folder: Path) -> None:
        """Create `folder` and missing parents, remembering them so `discard` can undo it."""
        missing = []
        p = folder
        while not p.exists():
            missing.append(p)
            p = p.parent
        for d in reversed(missing):
            d.mkdir(mode=0o777)
            self._made.append(d)

    def stage_dir(self, final: str | os.PathLike[str], *, prune: bool = False) -> Path:
        """A staging folder whose files will become the files of `final`. `prune`: the
        staged files are the whole new set, so files of the previous set (per the
        manifest) that are not in it are removed; otherwise they are kept."""
        final = Path(final)
        self._mkdirs(final.parent)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".bogbus-tmp",
                                    dir=final.parent))
        os.chmod(tmp, 0o777 & ~current_umask())
        self._dirs.append((tmp, final, prune))
        return tmp

    def stage_file(self, final: str | os.PathLike[str]) -> Path:
        """A staging path (beside `final`) to write one file that will become `final`."""
        final = Path(final)
        self._mkdirs(final.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".bogbus-tmp",
                                   dir=final.parent)
        os.close(fd)
        self._files.append((Path(tmp), final))
        return Path(tmp)

    def discard(self) -> None:
        """Remove the staged files and the folders made for them; the old set stays."""
        for tmp, _final, _prune in self._dirs:
            shutil.rmtree(tmp, ignore_errors=True)
        for tmp, _final in self._files:
            tmp.unlink(missing_ok=True)
        for d in reversed(self._made):
            try:
                d.rmdir()
            except OSError:
                pass
        self._dirs, self._files, self._made = [], [], []

    def publish(self) -> list[Path]:
        """Move every staged file to its final place; the paths now in place, in order."""
        mode = 0o666 & ~current_umask()
        written: list[Path] = []
        with _signals_held():
            for tmp, final, prune in self._dirs:
                final.mkdir(exist_ok=True)
                names = sorted(p.name for p in tmp.iterdir() if p.name != MANIFEST)
                old = final / MANIFEST
                stale = set(old.read_text(encoding="utf-8").split("\n")) if old.is_file() \
                    else set()
                for name in names:
                    os.chmod(tmp / name, mode)
                    os.replace(tmp / name, final / name)
                    written.append(final / name)
                stale -= set(names) | {""}
                for name in sorted(stale) if prune else ():
                    if "/" not in name and (final / name).is_file():
                        (final / name).unlink()
                listed = sorted(set(names) | (set() if prune else stale))
                (tmp / MANIFEST).write_text("\n".join(listed) + "\n", encoding="utf-8")
                os.chmod(tmp / MANIFEST, mode)
                os.replace(tmp / MANIFEST, final / MANIFEST)
                tmp.rmdir()
            for tmp, final in self._files:
                os.chmod(tmp, mode)
                os.replace(tmp, final)
                written.append(final)
        self._dirs, self._files, self._made = [], [], []
        return written
