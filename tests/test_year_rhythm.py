"""A year on Randers (`plan --year`): every institution keeps its every-N-weeks rhythm
across every quarter boundary, and `check` of the year folder verifies it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from bogbus.calendar import Calendar, parse_quarter
from bogbus.cli import main
from bogbus.model import Closure

QUARTERS = ("Q1", "Q2", "Q3", "Q4")


@pytest.mark.slow
def test_a_year_on_randers_keeps_every_rhythm_across_the_boundaries(randers_dir, tmp_path,
                                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    year = tmp_path / "randers-2027"
    # a small work budget per quarter (deterministic; an idle machine plans a quarter in
    # ~15 s) and room in the time limit
    res = CliRunner().invoke(main, ["plan", str(randers_dir), "--year", "2027", "--work", "80",
                                    "--time-limit", "120", "--no-render", "--quiet",
                                    "--out", str(year)])
    assert res.exit_code in (0, 3), res.output
    plans = [json.loads((year / q / "plan.json").read_text(encoding="utf-8"))
             for q in QUARTERS]
    # every public stop is served; an institution visit no date within the rhythm's
    # tolerance can take is listed with its reason (its site is left out below, and
    # `check` of the year folder still verifies its spacing) — at most one in the year
    kinds = {s["id"]: s["kind"] for s in plans[0]["sites"]}
    assert not [u for p in plans for u in p["unserved"] if kinds[u["site_id"]] == "stop"]
    assert all(u["reason"].strip() for p in plans for u in p["unserved"])
    unserved = {u["site_id"] for p in plans for u in p["unserved"]}
    assert len(unserved) <= 1, unserved
    for before, p in zip(plans, plans[1:]):
        assert p["rhythm"]["continues"] == before["quarter"]
    closures = tuple(Closure(date.fromisoformat(c["start"]), date.fromisoformat(c["end"]),
                             c["reason"], tuple(c.get("sites") or ()))
                     for c in plans[0]["calendar"]["closures"])
    cal = Calendar(parse_quarter("2027Q1"), {}, closures)
    tol = plans[0]["settings"]["outreach_tolerance_days"]
    institutions = {s["id"]: 7 * s["every_weeks"] for s in plans[0]["sites"]
                    if s["kind"] in ("daycare", "nursing_home") and s["id"] not in unserved}
    assert len(institutions) + len(unserved) == 21
    crossed = 0
    for sid, P in sorted(institutions.items()):
        dated = sorted((date.fromisoformat(r["date"]), p["quarter"]) for p in plans
                       for r in p["routes"] for x in r["visits"] if x["site_id"] == sid)
        for (a, qa), (b, qb) in zip(dated, dated[1:]):
            gap = cal.open_days_between(a, b, sid)  # closure days do not count
            assert abs(gap - P) <= tol, (sid, a, b, gap)
            crossed += qa != qb
    assert crossed == 3 * len(institutions)  # every institution across every boundary
    chk = CliRunner().invoke(main, ["check", str(year), str(randers_dir)])
    assert chk.exit_code == 0, chk.output
    assert "4 quarter(s) and across each boundary" in chk.output
