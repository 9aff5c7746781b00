"""A Placement answers the day contents a scan of the same mapping would, after any
sequence of the writes a dict allows; and the search plans the same with it."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from bogbus.solve.placement import Placement

DAYS = ("mon", "tue", "wed", "thu")
# an option is a pattern of days and a phase; the element carries the phase
OPTIONS = [(days, phase) for days in (("mon",), ("tue",), ("mon", "wed"), ("tue", "thu"),
                                      ("mon", "tue", "wed", "thu"))
           for phase in (0, 1)]


def days_of(opt):
    return opt[0]


def element(item, opt):
    return (item, opt[1])


def scanned(mapping: dict) -> dict:
    """Every used day's content, built from scratch."""
    by_day: dict = {}
    for item, opt in mapping.items():
        for d in days_of(opt):
            by_day.setdefault(d, set()).add(element(item, opt))
    return {d: frozenset(c) for d, c in by_day.items()}


items = st.sampled_from("abcdefg")
options = st.sampled_from(OPTIONS)
writes = st.one_of(
    st.tuples(st.just("set"), items, options),
    st.tuples(st.just("del"), items),
    st.tuples(st.just("pop"), items),
    st.tuples(st.just("popitem")),
    st.tuples(st.just("setdefault"), items, options),
    st.tuples(st.just("update"), st.dictionaries(items, options, max_size=4)),
    st.tuples(st.just("ior"), st.dictionaries(items, options, max_size=4)),
    st.tuples(st.just("clear")),
    st.tuples(st.just("ask"), st.sampled_from(DAYS)),  # freezes a day between writes
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(items, options, max_size=5), st.lists(writes, max_size=30))
def test_contents_match_a_scan_after_any_writes(start, ops):
    p = Placement(days_of, element, start.items())
    plain = dict(start)
    for op, *args in ops:
        if op == "set":
            p[args[0]] = args[1]
            plain[args[0]] = args[1]
        elif op in ("del", "pop"):
            if args[0] in plain:
                if op == "del":
                    del p[args[0]]
                    del plain[args[0]]
                else:
                    assert p.pop(args[0]) == plain.pop(args[0])
            else:
                assert p.pop(args[0], None) is None
        elif op == "popitem":
            if plain:
                item, opt = p.popitem()
                assert plain.pop(item) == opt
        elif op == "setdefault":
            assert p.setdefault(args[0], args[1]) == plain.setdefault(args[0], args[1])
        elif op == "update":
            p.update(args[0])
            plain.update(args[0])
        elif op == "ior":
            p |= args[0]
            plain |= args[0]
        elif op == "clear":
            p.clear()
            plain.clear()
        else:
            assert p.day(args[0]) == scanned(plain).get(args[0], frozenset())
        assert dict(p) == plain
        assert p.contents() == scanned(plain)
        for d in DAYS:
            assert p.day(d) == scanned(plain).get(d, frozenset())


def test_a_snapshot_does_not_follow_later_writes():
    p = Placement(days_of, element, [("a", (("mon",), 0))])
    snap = p.contents()
    p["b"] = (("mon",), 1)
    del p["a"]
    assert snap == {"mon": frozenset({("a", 0)})}
    assert p.contents() == {"mon": frozenset({("b", 1)})}


def test_a_copy_is_a_plain_mapping():
    p = Placement(days_of, element, [("a", (("mon",), 0))])
    for c in (dict(p), copy.copy(p), copy.deepcopy(p)):
        assert type(c) is dict and c == {"a": (("mon",), 0)}


def test_the_search_plans_the_same_as_with_scanned_contents(tmp_path, monkeypatch):
    # bookkeeping only: a crowded, screened instance (moves, ejections, the pool's
    # retries) gives the same timetable, cost and work with plain dicts scanned anew
    from bogbus.bench.municipality import generate, write
    from bogbus.io import load_source
    from bogbus.solve.patterns import PatternSearch
    from bogbus.solve.template import SCREEN_FROM_STOPS, Budget, TemplateSearch
    from bogbus.travel import build_travel

    write(tmp_path, *generate(SCREEN_FROM_STOPS + 4, 2, seed=5))
    inst = load_source(str(tmp_path))
    travel = build_travel(inst)

    def run():
        search = TemplateSearch(inst, travel, seed=1, budget=Budget(250))
        result = search.run()
        return ({s: (o.vehicle, o.weekday, o.phase) for s, o in result.options.items()},
                sorted(result.unserved), result.cost, search.budget.used)

    kept = run()
    monkeypatch.setattr(PatternSearch, "placement", lambda self, assign: dict(assign))
    assert run() == kept
    assert kept[1]  # crowded: the unserved-stop paths ran too
