"""The proven lower bound on the template week's km (docs/lower-bound.md): route pools,
the shared-arrival-time bound, the LP over walks, the neighbour bound, and the job
that runs them beside the search.

What the rest of bogbus may use; the modules of the package are its own."""

from __future__ import annotations

from .core import TemplateBound, template_lower_bound
from .job import BoundJob

__all__ = ["BoundJob", "TemplateBound", "template_lower_bound"]
