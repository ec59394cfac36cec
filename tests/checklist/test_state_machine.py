"""The checklist state machine on its own: every path, random answer sequences, tampered state."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from back_pain_guide.checklist import Answer, Checklist, Result, State
from back_pain_guide.content import get_content

QUESTIONS = get_content().questions
CHECKLIST = Checklist(QUESTIONS)
EMERGENCY = [i for i, q in enumerate(QUESTIONS) if q.is_emergency]
URGENT = [i for i, q in enumerate(QUESTIONS) if not q.is_emergency]


def run(answers: list[Answer]):
    """Feed answers until the checklist stops; returns (outcomes, questions asked)."""
    outcome = CHECKLIST.start()
    asked = [outcome.question]
    outcomes = []
    for answer in answers:
        outcome = CHECKLIST.answer(outcome.state, answer)
        outcomes.append(outcome)
        if outcome.result is not Result.ASK:
            break
        asked.append(outcome.question)
    return outcomes, asked


def test_content_puts_emergency_questions_first():
    assert EMERGENCY and URGENT
    assert max(EMERGENCY) < min(URGENT)


def test_all_no_gives_clear_result():
    outcomes, asked = run([Answer.NO] * len(QUESTIONS))
    assert outcomes[-1].result is Result.CLEAR
    assert asked == list(QUESTIONS)
    assert outcomes[-1].flagged == ()


@pytest.mark.parametrize("answer", [Answer.YES, Answer.UNSURE])
@pytest.mark.parametrize("position", range(len(QUESTIONS)))
def test_one_flag_with_no_to_all_others(position, answer):
    answers = [Answer.NO] * len(QUESTIONS)
    answers[position] = answer
    outcomes, asked = run(answers)
    final = outcomes[-1]
    if QUESTIONS[position].is_emergency:
        assert final.result is Result.EMERGENCY
        assert final.question is QUESTIONS[position] and final.answer is answer
        assert len(outcomes) == position + 1  # stopped at once: no further question
    else:
        assert final.result is Result.URGENT
        assert final.flagged == ((QUESTIONS[position], answer),)
        assert len(asked) == len(QUESTIONS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(Answer)), min_size=1, max_size=len(QUESTIONS) + 5))
def test_random_answers_never_miss_an_emergency_or_overrun(answers):
    outcomes, asked = run(answers)
    assert len(asked) <= len(QUESTIONS)
    for index, outcome in enumerate(outcomes):
        question = QUESTIONS[index]
        if question.is_emergency and answers[index].raises_flag:
            assert outcome.result is Result.EMERGENCY and outcome is outcomes[-1]
            assert outcome.question is question
    final = outcomes[-1]
    if final.result in (Result.URGENT, Result.CLEAR):
        assert all(not a.raises_flag for a in answers[: len(EMERGENCY)])
        assert {q.id for q, _ in final.flagged} == {
            QUESTIONS[i].id for i in range(len(QUESTIONS)) if answers[i].raises_flag
        }


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(Answer)), max_size=len(QUESTIONS) - 1))
def test_state_round_trips_through_session_attributes(answers):
    outcome = CHECKLIST.start()
    for answer in answers:
        if outcome.result is not Result.ASK:
            break
        outcome = CHECKLIST.answer(outcome.state, answer)
    if outcome.result is Result.ASK:
        assert CHECKLIST.restore(outcome.state.to_dict()) == outcome.state


@pytest.mark.parametrize("raw", [
    None, "text", [], {}, {"index": 0}, {"answers": []}, {"index": "0", "answers": []},
    {"index": True, "answers": []}, {"index": -1, "answers": []}, {"index": 99, "answers": []},
    {"index": 1, "answers": []},                                  # index and answers disagree
    {"index": 1, "answers": [["not_a_question", "no"]]},           # unknown question id
    {"index": 1, "answers": [[QUESTIONS[1].id, "no"]]},            # out of order: would skip question 1
    {"index": 1, "answers": [[QUESTIONS[0].id, "perhaps"]]},       # unknown answer
    {"index": 1, "answers": [[QUESTIONS[0].id, "yes"]]},           # emergency yes cannot continue
    {"index": 1, "answers": [[QUESTIONS[0].id, "unsure"]]},
    {"index": 1, "answers": [QUESTIONS[0].id]},                    # wrong shape
    {"index": len(QUESTIONS), "answers": [[q.id, "no"] for q in QUESTIONS]},  # nothing left to ask
])
def test_tampered_state_is_rejected(raw):
    assert CHECKLIST.restore(raw) is None


def test_valid_state_resumes_at_its_question():
    raw = {"index": 2, "answers": [[QUESTIONS[0].id, "no"], [QUESTIONS[1].id, "no"]]}
    state = CHECKLIST.restore(raw)
    assert state is not None and CHECKLIST.current(state) is QUESTIONS[2]


def test_empty_checklist_is_refused():
    with pytest.raises(ValueError):
        Checklist([])


def test_state_index_counts_answers():
    assert State().index == 0
