"""An assignment (item → option) that keeps each day's content as it changes.

The pattern search asks a day's content — the set of elements its items put there —
hundreds of thousands of times a run, and rebuilt it from the whole assignment each
time: at 180 stops that scan was a sixth of the search's CPU (`contents`), more than
the day solver itself. A `Placement` is the same mapping (a `dict` subclass, so every
caller reads it as before) that updates the sets of the days an item leaves and joins
on each write, and freezes a day's set only when it is asked after a change.

It is bookkeeping only: the contents it answers are the ones the scan built, so the
search charges the same work and takes the same moves (same data + seed + work →
same plan).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

_MISSING: Any = object()


class Placement(dict):
    """item → option, with `contents()` / `day(d)` kept current on every write.

    `days_of(option)` and `element(item, option)` are the search's own hooks. Every
    way a `dict` can change is routed through `_put` / `_take`; a plain copy
    (`dict(placement)`) is a plain dict."""

    def __init__(self, days_of: Callable[[Any], tuple], element: Callable[[Any, Any], Hashable],
                 items: Iterable[tuple[Any, Any]] = ()) -> None:
        super().__init__()
        self._days_of = days_of
        self._element = element
        self._sets: dict[Hashable, set] = {}
        self._frozen: dict[Hashable, frozenset] = {}
        for k, v in items:
            self[k] = v

    # -- the bookkeeping --------------------------------------------------------------
    def _take(self, item: Any, opt: Any) -> None:
        e = self._element(item, opt)
        for d in self._days_of(opt):
            s = self._sets[d]
            s.discard(e)
            if not s:
                del self._sets[d]
            self._frozen.pop(d, None)

    def _put(self, item: Any, opt: Any) -> None:
        e = self._element(item, opt)
        for d in self._days_of(opt):
            self._sets.setdefault(d, set()).add(e)
            self._frozen.pop(d, None)

    def day(self, d: Hashable) -> frozenset:
        """The content of day `d` (empty if nothing is placed there)."""
        f = self._frozen.get(d)
        if f is None:
            f = self._frozen[d] = frozenset(self._sets.get(d, ()))
        return f

    def contents(self) -> dict[Any, frozenset]:
        """Every used day's content: a new dict (a snapshot the caller may keep while
        the placement changes)."""
        return {d: self.day(d) for d in self._sets}

    # -- dict's writes ----------------------------------------------------------------
    def __setitem__(self, item: Any, opt: Any) -> None:
        old = dict.get(self, item, _MISSING)
        if old is not _MISSING:
            self._take(item, old)
        dict.__setitem__(self, item, opt)
        self._put(item, opt)

    def __delitem__(self, item: Any) -> None:
        self._take(item, dict.__getitem__(self, item))
        dict.__delitem__(self, item)

    def pop(self, item: Any, *default: Any) -> Any:
        if item not in self:
            if default:
                return default[0]
            raise KeyError(item)
        opt = dict.pop(self, item)
        self._take(item, opt)
        return opt

    def popitem(self) -> tuple[Any, Any]:
        item, opt = dict.popitem(self)
        self._take(item, opt)
        return item, opt

    def setdefault(self, item: Any, default: Any = None) -> Any:
        if item not in self:
            self[item] = default
        return dict.__getitem__(self, item)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def __ior__(self, other: Any) -> Placement:  # type: ignore[misc]
        self.update(other)
        return self

    def clear(self) -> None:
        dict.clear(self)
        self._sets.clear()
        self._frozen.clear()

    def __reduce__(self) -> tuple:  # a copy or pickle is a plain mapping
        return (dict, (dict(self),))
