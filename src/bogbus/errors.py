"""User-facing errors.

Every problem a planner can fix in their data is a `Problem` naming the file, row
and column; `InputError` carries all of them at once so `bogbus validate` can
report everything in one go. The CLI turns `BogbusError` into a message and exit 1,
never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, phrased for the person who edits the file."""

    file: str
    message: str
    fix: str = ""
    row: int | None = None  # 1-based line number in the file as a spreadsheet shows it
    column: str | None = None
    severity: str = "error"  # "error" stops planning; "warning" is only reported

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" — {self.fix}"
        return text


class BogbusError(Exception):
    """An error the user can act on; shown without a traceback (exit code 1)."""


class InputError(BogbusError):
    """The input data has one or more problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        """Pickle the problems themselves: `compare` plans in worker processes, and an
        input error found there must reach the CLI as problems, not as a string."""
        return (InputError, (self.problems,))
