"""Helpers shared by the file-based travel models (osm, matrix)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal, overload

from ..errors import BogbusError
from ..model import Instance


def data_folder(instance: Instance) -> Path:
    """The data folder: where settings.yaml was read (also for scenarios), else `source`."""
    known = instance.settings.travel.options.data_folder
    if known:
        return Path(known)
    p = Path(instance.source or ".")
    return p.parent if p.is_file() else p


@overload
def option_path(instance: Instance, key: str, required: Literal[True] = True) -> Path: ...
@overload
def option_path(instance: Instance, key: str, required: bool) -> Path | None: ...
def option_path(instance: Instance, key: str, required: bool = True) -> Path | None:
    """A path option of `settings.yaml → travel` (`file`, `cache_dir`), relative paths taken
    from the data folder."""
    value: str = getattr(instance.settings.travel.options, key)
    if not value.strip():
        if required:
            raise BogbusError(f"settings.yaml: travel.{key} is missing — add e.g. "
                              f"travel: {{model: {instance.settings.travel.model}, "
                              f"{key}: ...}}")
        return None
    p = Path(value).expanduser()
    return p if p.is_absolute() else data_folder(instance) / p


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
