"""Emergency recall and false alarms on the evaluation sets, through the skill's handler.

The dev parts (tuned on) are held to the issue's dev bar; the frozen test part (never tuned on)
to a floor under the figure it reached, so a change that loses emergencies fails here. The full
per-sign, per-locale report, through the console's resolver too: `make bench-emergency`.
"""

from __future__ import annotations

import bench_emergency as bench
import pytest

DEV = bench.load_cases("dev")
TEST = bench.load_cases("test")


def figures(cases, route="handler"):
    outcomes = bench.evaluate(cases, route)
    emergencies = [o for o in outcomes if o.case.emergency]
    near = [o for o in outcomes if not o.case.emergency]
    recall = sum(o.result in (bench.ADVICE, bench.CONFIRMED) for o in emergencies) / len(emergencies)
    alarms = sum(o.result == bench.ADVICE for o in near) / len(near)
    late = [o for o in emergencies if o.words_before_number is not None and o.words_before_number > 12]
    missed = [o.case.text for o in emergencies if o.result == bench.OTHER]
    return recall, alarms, late, missed


def test_the_sets_are_big_enough_and_cover_every_sign_and_locale():
    for cases in (DEV, TEST):
        assert {c.label for c in cases if c.emergency} == {
            "bladder_bowel",
            "saddle_numbness",
            "leg_weakness",
            "major_injury",
            "sudden_severe",
            "chest_symptoms",
            "high_fever",
            "call_for_help",
        }
        assert {c.locale for c in cases} == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
    assert sum(c.emergency for c in DEV + TEST) >= 250 and sum(not c.emergency for c in DEV + TEST) >= 150


@pytest.mark.parametrize("route", ["handler", "console"])
def test_dev_part(route):
    """The issue asks for 100% on dev, through the handler and through the console's routes."""
    recall, alarms, late, missed = figures(DEV, route)
    assert recall == 1.0, missed
    assert alarms <= 0.03
    assert late == []


@pytest.mark.parametrize("route", ["handler", "console"])
def test_frozen_test_part_does_not_fall_below_what_it_reached(route):
    recall, alarms, late, _ = figures(TEST, route)
    assert recall >= 0.99  # the five frozen parts together reached 0.995 / 0.994 when last tuned (README)
    assert alarms <= 0.05
    assert late == []
