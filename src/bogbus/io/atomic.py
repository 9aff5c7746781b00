"""The one atomic writer for every file bogbus writes (plan.json, timetables, maps, exports).

A temporary file in the target folder, then `os.replace`. A reader (a web server, a
calendar subscription, a planner double-clicking) never sees a half-written file, and a
failed render leaves the previous file in place.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process's umask (read by setting and restoring it): the one rule for the
    mode of every file and folder bogbus writes."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~current_umask()


def write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically, with the usual file mode (0666 & ~umask).

    mkstemp alone would leave the file 0600, unreadable to a web server or a colleague."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write text atomically; `newline` rewrites line ends (e.g. "\\r\\n" for CSV);
    None or "" (as for `open`) write them as they are in `text`."""
    if newline:
        text = text.replace("\r\n", "\n").replace("\n", newline)
    return write_bytes(path, text.encode(encoding))


def write_json(data: object, path: Path) -> Path:
    """JSON as plan.json has always been written: UTF-8, indent 1, trailing newline.
    NaN and infinity are refused (ValueError): they are not JSON and no reader takes them."""
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
                      + "\n")
