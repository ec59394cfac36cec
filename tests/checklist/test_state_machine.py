"""The checklist state machine on its own: every path, random answer sequences, tampered state."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from back_pain_guide.checklist import Answer, Checklist, Result, State
from back_pain_guide.content import EMERGENCY, SAME_DAY, SOON, Question, get_content

QUESTIONS = get_content().questions
CHECKLIST = Checklist(QUESTIONS)
IDS = [q.id for q in QUESTIONS]
GATE = CHECKLIST.gate
FLAGS = (Answer.YES, Answer.UNSURE, Answer.PARTLY)


def run(answers: list[Answer], go_on: Answer = Answer.YES):
    """Feed answers until the checklist stops (``go_on`` answers the gate); returns (outcomes, questions asked)."""
    outcome = CHECKLIST.start()
    asked = [outcome.question]
    outcomes = []
    pending = list(answers)
    while pending:
        if outcome.result is Result.OFFER_MORE:
            outcome = CHECKLIST.answer(outcome.state, go_on)
        else:
            outcome = CHECKLIST.answer(outcome.state, pending.pop(0))
        outcomes.append(outcome)
        if outcome.result not in (Result.ASK, Result.OFFER_MORE):
            break
        if outcome.result is Result.ASK:
            asked.append(outcome.question)
    return outcomes, asked


def test_triage_order_life_threatening_then_nerve_then_same_day_then_soon():
    """F76: life-threatening signs first, then nerve emergencies, then same-day, then soon."""
    assert IDS[:5] == ["chest_symptoms", "sudden_severe", "high_fever", "major_injury", "fragile_bone_fall"]
    assert IDS[5:8] == ["bladder_bowel", "saddle_numbness", "leg_weakness"]
    severities = [q.severity for q in QUESTIONS]
    assert severities == sorted(severities, key=[EMERGENCY, SAME_DAY, SOON].index)
    assert {q.severity for q in QUESTIONS} == {EMERGENCY, SAME_DAY, SOON}
    assert GATE == sum(q.is_emergency for q in QUESTIONS) == 8


def test_the_emergency_detectors_sign_ids_are_question_ids():
    for sign in (
        "bladder_bowel",
        "saddle_numbness",
        "leg_weakness",
        "major_injury",
        "chest_symptoms",
        "high_fever",
        "sudden_severe",
    ):
        assert CHECKLIST.questions[IDS.index(sign)].is_emergency


@pytest.mark.parametrize(
    "question_id, words",
    [
        ("leg_weakness", ["both legs", "very weak", "getting weaker", "not going where you want"]),  # F68
        ("bladder_bowel", ["trouble starting", "weak stream", "when you need to go"]),  # F67 early signs
        ("saddle_numbness", ["wipe", "sexual"]),  # F67
        ("fragile_bone_fall", ["small fall or lift", "older", "osteoporosis", "steroid"]),  # F69
        ("upper_back", ["shoulder blades"]),
        ("lump_shape", ["lump", "shape"]),  # F73
        ("cough_strain", ["cough", "strain"]),
        ("under_twenty", ["under twenty"]),  # F73, F75
        ("infection_risk", ["tuberculosis"]),
        ("pregnancy", ["pregnant", "bleeding", "fever"]),  # F75
    ],
)
def test_the_missing_signs_are_asked(question_id, words):
    text = CHECKLIST.questions[IDS.index(question_id)].text
    assert all(w in text for w in words), text


def test_levels_of_the_new_signs():
    severity = {q.id: q.severity for q in QUESTIONS}
    assert severity["fragile_bone_fall"] == EMERGENCY  # F69
    assert {
        severity[i]
        for i in (
            "cancer_history",
            "fever",
            "weight_loss",
            "night_pain",
            "cough_strain",
            "upper_back",
            "lump_shape",
            "pregnancy",
        )
    } == {SAME_DAY}  # F70, F73, F75
    assert severity["bone_risk"] == severity["not_improving"] == SOON  # age over 50 is not same-day
    cancer = QUESTIONS[IDS.index("cancer_history")]
    assert "within twenty-four hours" in cancer.advice and "{emergency_number}" in cancer.advice  # F70


def test_the_pulsing_belly_question_no_longer_sends_any_dizziness_to_the_emergency_number():
    text = QUESTIONS[IDS.index("sudden_severe")].text
    assert "dizzy" not in text and "pulsing" in text and "fainted" in text


def test_all_no_then_go_on_gives_clear_result():
    outcomes, asked = run([Answer.NO] * len(QUESTIONS))
    assert outcomes[GATE - 1].result is Result.OFFER_MORE
    assert outcomes[-1].result is Result.CLEAR and not outcomes[-1].early
    assert asked == list(QUESTIONS)
    assert outcomes[-1].flagged == ()


def test_no_at_the_gate_finishes_early_with_the_result_so_far():
    outcomes, asked = run([Answer.NO] * len(QUESTIONS), go_on=Answer.NO)
    final = outcomes[-1]
    assert final.result is Result.CLEAR and final.early and final.flagged == ()
    assert asked == list(QUESTIONS[:GATE])


@pytest.mark.parametrize("go_on", FLAGS)
def test_yes_a_little_or_not_sure_at_the_gate_goes_on(go_on):
    outcomes, asked = run([Answer.NO] * len(QUESTIONS), go_on=go_on)
    assert asked == list(QUESTIONS) and outcomes[-1].result is Result.CLEAR


@pytest.mark.parametrize("answer", FLAGS)
@pytest.mark.parametrize("position", range(len(QUESTIONS)))
def test_one_flag_with_no_to_all_others(position, answer):
    answers = [Answer.NO] * len(QUESTIONS)
    answers[position] = answer
    outcomes, asked = run(answers)
    final = outcomes[-1]
    question = QUESTIONS[position]
    if question.is_emergency:
        assert final.result is Result.EMERGENCY
        assert final.question is question and final.answer is answer
        assert asked[-1] is question and len(asked) == position + 1  # stopped at once: no further question
    else:
        assert final.result is {SAME_DAY: Result.SAME_DAY, SOON: Result.SOON}[question.severity]
        assert final.flagged == ((question, answer),)
        assert len(asked) == len(QUESTIONS)


def test_same_day_outranks_soon():
    answers = [Answer.NO] * len(QUESTIONS)
    answers[IDS.index("not_improving")] = Answer.YES
    answers[IDS.index("fever")] = Answer.PARTLY
    final = run(answers)[0][-1]
    assert final.result is Result.SAME_DAY
    assert [q.id for q, _ in final.flagged] == ["fever", "not_improving"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(list(Answer)), min_size=1, max_size=len(QUESTIONS) + 5),
    st.sampled_from(list(Answer)),
)
def test_random_answers_never_miss_an_emergency_or_overrun(answers, go_on):
    outcomes, asked = run(answers, go_on)
    assert len(asked) <= len(QUESTIONS)
    given_answers = [o for o in outcomes if o.result is not Result.ASK or o.state.position > 0]
    for index, answer in enumerate(answers[: len(asked)]):
        question = QUESTIONS[index]
        if question.is_emergency and answer.raises_flag:
            assert outcomes[-1].result is Result.EMERGENCY and outcomes[-1].question is question
    final = outcomes[-1]
    if final.result in (Result.SAME_DAY, Result.SOON, Result.CLEAR):
        assert all(not a.raises_flag for a in answers[:GATE])
        flagged_ids = {q.id for q, _ in final.flagged}
        assert flagged_ids == {QUESTIONS[i].id for i in range(final.state.position) if answers[i].raises_flag}
        assert final.early == (not go_on.raises_flag)
    assert given_answers


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(Answer)), max_size=len(QUESTIONS) - 1), st.sampled_from(list(Answer)))
def test_state_round_trips_through_session_attributes(answers, go_on):
    outcome = CHECKLIST.start()
    for answer in answers:
        if outcome.result not in (Result.ASK, Result.OFFER_MORE):
            break
        outcome = CHECKLIST.answer(outcome.state, go_on if outcome.result is Result.OFFER_MORE else answer)
    if outcome.result in (Result.ASK, Result.OFFER_MORE):
        assert CHECKLIST.restore(outcome.state.to_dict()) == outcome.state


NO_TO_GATE = [[q.id, "no"] for q in QUESTIONS[:GATE]]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "text",
        [],
        {},
        {"index": 0},
        {"answers": []},
        {"index": "0", "answers": []},
        {"index": True, "answers": []},
        {"index": -1, "answers": []},
        {"index": 99, "answers": []},
        {"index": 1, "answers": []},  # index and answers disagree
        {"index": 1, "answers": [["not_a_question", "no"]]},  # unknown question id
        {"index": 1, "answers": [[QUESTIONS[1].id, "no"]]},  # out of order: would skip question 1
        {"index": 1, "answers": [[QUESTIONS[0].id, "perhaps"]]},  # unknown answer
        {"index": 1, "answers": [[QUESTIONS[0].id, None]]},
        {"index": 1, "answers": [[QUESTIONS[0].id, "yes"]]},  # emergency yes cannot continue
        {"index": 1, "answers": [[QUESTIONS[0].id, "unsure"]]},
        {"index": 1, "answers": [[QUESTIONS[0].id, "partly"]]},
        {"index": 1, "answers": [QUESTIONS[0].id]},  # wrong shape
        {"index": len(QUESTIONS), "answers": [[q.id, "no"] for q in QUESTIONS]},  # nothing left to ask
        {"index": 1, "answers": [[QUESTIONS[0].id, "no"]], "more": True},  # "more" before the gate
        {"index": 0, "answers": [], "more": "yes"},  # "more" not a boolean
        {
            "index": GATE + 1,
            "answers": [*NO_TO_GATE, [QUESTIONS[GATE].id, "yes"]],
            "more": False,
        },  # past the gate unasked
        {"index": GATE + 1, "answers": [*NO_TO_GATE, [QUESTIONS[GATE].id, "yes"]]},
    ],
)
def test_tampered_state_is_rejected(raw):
    assert CHECKLIST.restore(raw) is None


def test_valid_state_resumes_at_its_question():
    raw = {"index": 2, "answers": [[QUESTIONS[0].id, "no"], [QUESTIONS[1].id, "no"]]}
    state = CHECKLIST.restore(raw)
    assert state is not None and CHECKLIST.current(state) is QUESTIONS[2]


def test_state_at_the_gate_and_past_it():
    at_gate = CHECKLIST.restore({"index": GATE, "answers": NO_TO_GATE, "more": False})
    assert at_gate is not None and CHECKLIST.at_gate(at_gate)
    went_on = CHECKLIST.restore({"index": GATE, "answers": NO_TO_GATE, "more": True})
    assert (
        went_on is not None
        and not CHECKLIST.at_gate(went_on)
        and CHECKLIST.current(went_on) is QUESTIONS[GATE]
    )
    past = CHECKLIST.restore(
        {"index": GATE + 1, "answers": [*NO_TO_GATE, [QUESTIONS[GATE].id, "partly"]], "more": True}
    )
    assert past is not None and past.answers[-1][1] is Answer.PARTLY


def test_empty_checklist_is_refused():
    with pytest.raises(ValueError):
        Checklist([])


def test_questions_out_of_triage_order_are_refused():
    soon = Question("a", SOON, "A?", "a", "a")
    emergency = Question("b", EMERGENCY, "B?", "b", "b")
    with pytest.raises(ValueError):
        Checklist([soon, emergency])


def test_a_checklist_of_one_level_has_no_gate():
    only = Checklist([Question("a", EMERGENCY, "A?", "a", "a"), Question("b", EMERGENCY, "B?", "b", "b")])
    outcome = only.answer(only.start().state, Answer.NO)
    assert outcome.result is Result.ASK
    assert only.answer(outcome.state, Answer.NO).result is Result.CLEAR


def test_state_index_counts_answers():
    assert State().position == 0
    assert State((("x", Answer.NO),)).position == 1
