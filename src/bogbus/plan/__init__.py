"""plan.json: its schema, reader/writer, builder, key figures, diffs and the checker.

Layer: above `solve` (build turns a planner result into the dict), below `render`,
`pipeline` and the CLI. `plan.check` never imports `solve`.

    schema   the schema name and structural check       files    read_plan / write_plan
    entries  how sites and vehicles are written         build    build_plan
    kpis     key figures re-derived from routes         diff     stop-slot diff
    replan   the `replan` section                       check    check_plan, one module per rule
"""

from .build import bound_kpis, build_plan
from .files import read_plan, write_json_atomic, write_plan
from .schema import SCHEMA

__all__ = ["SCHEMA", "bound_kpis", "build_plan", "read_plan", "write_json_atomic", "write_plan"]
