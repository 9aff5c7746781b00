"""The folder the board works in, and the one rule for paths from the browser.

A path the browser sends (a plan to compare, a file to download) is resolved here and
must stay inside the workspace's data folder, `scenarios/` or `plans/`; anything else
(`..`, an absolute path, a symlink out) is refused before any file is opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BogbusError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")


class OutsideWorkspace(BogbusError):
    """A path from the browser that would leave the workspace."""


def safe_name(text: str) -> str:
    """`text` as one plain file-name part (no slash, no leading dot, no `..`)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", text).strip(".-_")[:80]
    cleaned = re.sub(r"\.\.+", ".", cleaned)
    return cleaned or "plan"


@dataclass(frozen=True)
class Workspace:
    """`root` holds `scenarios/` and `plans/`; `source` is the data folder or scenario
    file the board opened (inside root)."""

    root: Path
    source: Path

    @property
    def scenarios(self) -> Path:
        return self.root / "scenarios"

    @property
    def plans(self) -> Path:
        return self.root / "plans"

    @property
    def maps(self) -> Path:
        return self.root / "maps"

    @property
    def data_folder(self) -> Path:
        return self.source if self.source.is_dir() else self.source.parent

    def allowed_roots(self) -> list[Path]:
        return [self.data_folder.resolve(), self.scenarios.resolve(), self.plans.resolve()]

    def resolve(self, relative: str) -> Path:
        """A browser-given path relative to the workspace root, checked to stay inside the
        data folder, scenarios/ or plans/ (after following symlinks)."""
        if not isinstance(relative, str) or not relative or "\x00" in relative \
                or len(relative) > 400:
            raise OutsideWorkspace("path: give a path inside the workspace, e.g. "
                                   "plans/randers-2027Q1/plan.json")
        candidate = Path(relative)
        if candidate.is_absolute() or ".." in candidate.parts:
            raise OutsideWorkspace(f"path {relative!r}: must be relative to the workspace and "
                                   "must not contain '..'")
        full = (self.root / candidate).resolve()
        for allowed in self.allowed_roots():
            if full == allowed or allowed in full.parents:
                return full
        raise OutsideWorkspace(f"path {relative!r}: only the data folder, scenarios/ and "
                               "plans/ can be read by the board")

    def relative(self, path: Path) -> str:
        """`path` as the browser sees it: relative to the workspace root."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def plan_files(self) -> list[str]:
        """Every plan.json under plans/ (the published plans and saved drafts)."""
        if not self.plans.is_dir():
            return []
        return sorted(self.relative(p) for p in self.plans.glob("*/plan.json"))


def is_plain_name(text: str) -> bool:
    return bool(_NAME.fullmatch(text)) and ".." not in text
