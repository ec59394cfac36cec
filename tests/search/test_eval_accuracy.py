"""The accuracy targets on the evaluation set, through find_answer (the QuestionIntent path)
and through the console end to end. These fail when the ranker or the content regresses."""

from __future__ import annotations

import pytest
from search_evaluation import CASES, DECLINE_CASES, EMERGENCY_CASES, TOPIC_CASES, bench

from back_pain_guide.content import get_content

ISSUE_EXAMPLES = {
    "why does my lower back hurt when I bend over",
    "is it bad to lie in bed all day",
    "does heat or ice work better",
    "can my period cause back pain",
    "what will the doctor do",
}


def test_the_evaluation_set_is_big_and_spread_over_every_kind_of_topic():
    content = get_content()
    assert len(CASES) >= 100
    assert len(DECLINE_CASES) >= 12 and len(EMERGENCY_CASES) >= 12
    assert {c.question for c in CASES} >= ISSUE_EXAMPLES
    assert len({c.question.lower() for c in CASES}) == len(CASES), "duplicate questions"
    kinds = {content.topics[c.topic].kind for c in TOPIC_CASES if c.topic in content.topics}
    assert kinds == {t.kind for t in content.topics.values()}


def test_every_label_is_a_content_topic():
    content = get_content()
    unknown = sorted({t for c in TOPIC_CASES for t in c.accepted if t not in content.topics})
    assert unknown == [], f"labels with no topic in content/back_pain.json: {unknown}"


@pytest.fixture(scope="module")
def direct():
    outcomes = bench.evaluate(CASES, bench.direct_answers)
    return outcomes, bench.figures(outcomes)


@pytest.fixture(scope="module")
def console():
    outcomes = bench.evaluate(CASES, bench.console_answers())
    return outcomes, bench.figures(outcomes)


def _misses(outcomes, kind=None) -> str:
    rows = [o for o in bench.misses(outcomes) if kind is None or o.case.topic == kind]
    return "\n".join(f"{o.case.question!r}: expected {o.case.topic}, got {o.answers[:3]}" for o in rows)


@pytest.mark.parametrize("path", ["direct", "console"])
def test_top1_accuracy_is_at_least_90_percent(path, request):
    outcomes, figures = request.getfixturevalue(path)
    assert figures.top1 >= 0.90, _misses([o for o in outcomes if o.case in TOPIC_CASES])


@pytest.mark.parametrize("path", ["direct", "console"])
def test_every_question_with_emergency_words_gets_the_emergency_advice(path, request):
    outcomes, figures = request.getfixturevalue(path)
    assert figures.emergency_recall == 1.0, _misses(outcomes, bench.EMERGENCY)


@pytest.mark.parametrize("path", ["direct", "console"])
def test_at_least_90_percent_of_declines_are_right(path, request):
    outcomes, figures = request.getfixturevalue(path)
    assert figures.decline_recall >= 0.90, _misses(outcomes, bench.DECLINE)
    assert figures.decline_precision >= 0.90, _misses(outcomes)


def test_top3_holds_the_right_topic_for_nearly_every_question(direct):
    _, figures = direct
    assert figures.top3 >= 0.95
