"""pipeline: the one way into planning refuses a plan its checker rejects."""

from __future__ import annotations

import pytest
from factories import small

import bogbus
from bogbus import pipeline
from bogbus.plan.check import Violation, check_plan


def test_plan_instance_gives_a_plan_the_checker_accepts(small_plan):
    inst, plan = small_plan
    assert plan["schema"] == "bogbus.plan/1" and plan["quarter"] == "2027Q1"
    assert check_plan(plan, inst) == [] and check_plan(plan) == []


def test_a_rejected_plan_raises_with_every_violation(monkeypatch):
    broken = [Violation("timing", "arrives too early", "2027-01-04", "S01"),
              Violation("break", "no lunch break", "2027-01-05")]
    monkeypatch.setattr(pipeline, "check_plan", lambda plan, instance: broken)
    with pytest.raises(pipeline.PlanRejected) as caught:
        pipeline.plan_instance(small(), "2027Q1", time_limit_s=1)
    assert caught.value.violations == broken
    assert "2 rule(s)" in str(caught.value) and "arrives too early" in str(caught.value)


def test_the_public_api_is_importable_from_the_package():
    assert bogbus.plan_source is pipeline.plan_source
    assert bogbus.plan_instance is pipeline.plan_instance
    assert bogbus.check_plan is check_plan
    with pytest.raises(AttributeError):
        bogbus.no_such_name  # noqa: B018
