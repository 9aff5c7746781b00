"""Bound the work a YAML file can cause before it is built into Python values.

PyYAML's safe loader cannot run code, but a few lines can still make it (or the
code that walks the result) take unbounded time and memory: anchors that refer to
anchors nine times over ("billion laughs": 9⁹ nodes once expanded), an alias to
the node that contains it (`&r [*r]`: endless), or thousands of nested `[`
(Python's recursion limit). A settings or scenario file is a few hundred nodes, so
`yaml_shape_problem` reads the event stream once — flat, no recursion, no values
built — and refuses a file that nests or expands far beyond that.
"""

from __future__ import annotations

import yaml

MAX_DEPTH = 40          # settings.yaml nests 5 levels deep
MAX_NODES = 200_000     # after expanding aliases; a scenario adding 1,000 sites is ~30,000


def yaml_shape_problem(text: str, loader: type = yaml.SafeLoader) -> tuple[str, int | None] | None:
    """(what is wrong, line) when the document nests or expands too far; None if fine.

    Syntax errors are left to the real loader, which reports them with their line.
    """
    sizes: dict[str, int] = {}        # anchor → expanded node count of its node
    open_anchors: set[str] = set()    # anchors whose node is still being read
    stack: list[list] = []            # [anchor, count] of each open collection
    total = 0
    try:
        for ev in yaml.parse(text, Loader=loader):
            line = ev.start_mark.line + 1 if ev.start_mark else None
            if isinstance(ev, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    return (f"the file nests lists or groups more than {MAX_DEPTH} levels deep",
                            line)
                if ev.anchor:
                    open_anchors.add(ev.anchor)
                stack.append([ev.anchor, 1])
                continue
            if isinstance(ev, yaml.CollectionEndEvent):
                anchor, size = stack.pop()
                if anchor:
                    open_anchors.discard(anchor)
                    sizes[anchor] = size
            elif isinstance(ev, yaml.ScalarEvent):
                size = 1
                if ev.anchor:
                    sizes[ev.anchor] = 1
            elif isinstance(ev, yaml.AliasEvent):
                if ev.anchor in open_anchors:
                    return (f"the alias *{ev.anchor} refers to the list or group that "
                            "contains it, which never ends", line)
                size = sizes.get(ev.anchor or "", 1)  # an undefined alias: the loader says so
            else:
                continue
            if stack:
                stack[-1][1] += size
            else:
                total += size
            if max([total] + [c for _, c in stack]) > MAX_NODES:
                return (f"the anchors and aliases (&name / *name) expand to more than "
                        f"{MAX_NODES:,} values", line)
    except yaml.YAMLError:
        return None
    return None
