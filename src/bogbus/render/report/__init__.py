"""The board's report (docs/report.md): figures from plan files, charts, Danish HTML and
PDF, report.json and report.csv.

What the rest of bogbus may use; the modules of the package are its own."""

from __future__ import annotations

from .core import default_out, plan_files, write_report
from .data import group_figures

__all__ = ["default_out", "group_figures", "plan_files", "write_report"]
