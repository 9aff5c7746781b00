"""`changes.csv` and `changes.json`: the change list of a repaired plan, beside plan.json.

The CSV is for a spreadsheet (who must be told what); the JSON the same list with the
counts, for other tools. Both come from `plan["repair"]`, built by `changes.diff_visits`.
"""

from __future__ import annotations

from ..plan.document import Plan


def write_changes(plan: Plan, out_dir, csv_dialect: str | None = None) -> list:
    """`changes.csv` (in `csv_dialect`, docs/csv.md) and `changes.json` beside plan.json
    (atomic writes)."""
    import json
    from pathlib import Path

    from ..io import atomic
    from ..plan.changes import changes_csv

    out = Path(out_dir)
    r = plan["repair"]
    doc = {"scenario": plan["scenario"], "quarter": plan["quarter"], "from": r["from"],
           "previous": r["previous"], "counts": r["counts"], "changes": r["changes"]}
    return [atomic.write_text(out / "changes.csv", changes_csv(r["changes"], csv_dialect)),
            atomic.write_text(out / "changes.json",
                              json.dumps(doc, ensure_ascii=False, indent=1) + "\n")]
