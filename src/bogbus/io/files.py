"""Reading input files defensively: regular files only, and never more than a cap.

Every file bogbus reads comes from a user who may point it at the wrong thing: a
folder, a named pipe (reading blocks forever), a link to /dev/zero (reading never
ends) or a 5 GB export. Each of those must be a one-line message naming the file,
not a hang or an out-of-memory kill, so all input files are read through
`read_input`, which looks at what the path *is* before opening it and stops reading
at a size cap.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import BogbusError

MB = 1024 * 1024
# Caps far above any real file of the kind (Randers: sites.csv 5 kB, settings 2 kB,
# plan.json 1 MB), low enough that reading one never threatens the machine.
MAX_DATA_BYTES = 20 * MB       # sites.csv, settings.yaml, scenario files
MAX_PLAN_BYTES = 200 * MB      # plan.json (road shapes make it large)
MAX_TRAVEL_BYTES = 2048 * MB   # road extracts and matrices


class InputFileError(BogbusError):
    """A path that is not a readable regular file of an acceptable size."""

    def __init__(self, path: str | os.PathLike[str], message: str, fix: str = ""):
        self.path, self.reason, self.fix = str(path), message, fix
        super().__init__(f"{path}: {message}" + (f" — {fix}" if fix else ""))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: str | os.PathLike[str], max_bytes: int, what: str = "file") -> int:
    """The size of `path` if it is a regular file (links followed) within `max_bytes`;
    raises `InputFileError` otherwise. Opening nothing, so a pipe cannot block."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputFileError(path, f"the {what} does not exist", "check the path") from None
    except OSError as exc:
        raise InputFileError(path, f"the {what} cannot be read ({exc.strerror})",
                             "check the path and its permissions") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(path, f"the {what} is {_kind(st.st_mode)}, not a regular file",
                             f"give the path of the {what} itself")
    if st.st_size > max_bytes:
        raise InputFileError(path, f"the {what} is {st.st_size / MB:.0f} MB, more than the "
                             f"{max_bytes // MB} MB bogbus reads",
                             "check that this is the right file")
    return st.st_size


def read_input(path: str | os.PathLike[str], max_bytes: int = MAX_DATA_BYTES,
               what: str = "file") -> bytes:
    """The bytes of a regular file of at most `max_bytes`; `InputFileError` otherwise.

    The file is checked before it is opened and the read stops at the cap, so a file
    that grows or is swapped for something else meanwhile still cannot exhaust memory.
    """
    check_regular(path, max_bytes, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputFileError(path, f"the {what} cannot be read ({exc.strerror})",
                             "check its permissions") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the first look
            raise InputFileError(path, f"the {what} is not a regular file",
                                 f"give the path of the {what} itself")
        chunks, total = [], 0
        while True:
            try:
                chunk = os.read(fd, min(MB, max_bytes + 1 - total))
            except OSError as exc:
                raise InputFileError(path, f"the {what} cannot be read ({exc.strerror})",
                                     "check the file") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise InputFileError(path, f"the {what} is more than the {max_bytes // MB} MB "
                                     "bogbus reads", "check that this is the right file")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_input_text(path: Path | str, max_bytes: int, what: str = "file") -> str:
    """`read_input` decoded as UTF-8; a file that is not UTF-8 is an `InputFileError`."""
    data = read_input(path, max_bytes, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"the {what} is not UTF-8 text (byte {exc.start})",
                             "give the file bogbus wrote") from None
